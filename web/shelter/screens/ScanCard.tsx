// Scanning a household card: the camera reads the card's QR (qr-scan.ts), or staff type the code
// printed under it; either opens the household (Household.tsx). A card of another shelter, or a
// QR that is not a card, is said so and the camera keeps looking.
import { useEffect, useRef, useState } from 'preact/hooks';
import { findHouseholdByCode, parseCardPayload } from '../../../domain/household-card';
import { householdMembers } from '../../../domain/people';
import { Flash, type FlashMessage } from '../../lib/ui/Flash';
import { type ScanEngine, startScanner } from '../../lib/qr-scan';
import { useShelter } from '../context';
import { href } from '../routes';

export function ScanCard() {
  const { shelter, shelterId, t } = useShelter();
  const s = t.scan;
  const video = useRef<HTMLVideoElement>(null);
  const [camera, setCamera] = useState<'starting' | ScanEngine | 'none'>('starting');
  const [message, setMessage] = useState<FlashMessage | null>(null);
  const [code, setCode] = useState('');

  const open = (householdId: string) => {
    location.hash = href('people', 'household', householdId);
  };

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    let last = '';
    const onText = (text: string) => {
      if (text === last) return; // the same wrong card held up: say it once
      last = text;
      const card = parseCardPayload(text, shelterId);
      if (!card.ok) {
        setMessage({ text: card.error.code === 'other-shelter' ? s.otherShelter(card.error.shelterId ?? '') : s.notACard, error: true });
        return;
      }
      if (householdMembers(shelter.doc, card.value.householdId).length === 0) {
        setMessage({ text: s.notFound, error: true });
        return;
      }
      open(card.value.householdId);
    };
    startScanner(video.current!, onText)
      .then((scanner) => {
        if (cancelled) return scanner.stop();
        stop = () => scanner.stop();
        setCamera(scanner.engine);
      })
      .catch(() => !cancelled && setCamera('none'));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [shelter, shelterId]);

  const submitCode = (e: Event) => {
    e.preventDefault();
    const id = findHouseholdByCode(shelter.doc, code);
    if (id) open(id);
    else setMessage({ text: s.notFound, error: true });
  };

  return (
    <div class="scan-card panel">
      <a href={href('people')}>{t.household.back}</a>
      <h2>{s.title}</h2>
      <p class="muted">{camera === 'none' ? s.noCamera : s.help}</p>
      <video ref={video} class="scan-card__video" hidden={camera === 'none'} data-testid="scan-video" data-engine={camera} />
      {camera === 'starting' && <p class="muted">{s.starting}</p>}
      <Flash message={message} />
      <form class="scan-card__code" onSubmit={submitCode}>
        <label for="household-code">{s.codeLabel}</label>
        <input id="household-code" value={code} autoComplete="off" autoCapitalize="characters" maxLength={12} onInput={(e) => setCode((e.target as HTMLInputElement).value)} data-testid="household-code" />
        <button type="submit" class="button">{s.codeOpen}</button>
      </form>
    </div>
  );
}
