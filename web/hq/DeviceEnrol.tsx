// A new tablet for a shelter, from HQ's desk: the server issues the token (POST /api/hq/devices)
// and the link is shown as a QR code to scan with the tablet's camera — no typing, no cable. The
// shelter box's address (when the shelter has one) rides along in the link (&box=).
import { useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { parseBoxAddress } from '../lib/sync/box-address';
import type { HqView } from './context';

export function DeviceEnrol({ view, onIssued }: { view: HqView; onIssued: () => void }) {
  const e = view.t.devices.enrol;
  const [shelter, setShelter] = useState('');
  const [device, setDevice] = useState('');
  const [box, setBox] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ link: string; expiresAt: string } | null>(null);
  const shelters = [...view.rows].sort((a, b) => a.name.localeCompare(b.name, 'ja'));

  const issue = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    setIssued(null);
    if (!shelter) return setError(e.chooseShelter);
    let boxParam = '';
    if (box.trim()) {
      const parsed = parseBoxAddress(box);
      if (!parsed.ok) return setError(e.badBox);
      boxParam = `&box=${encodeURIComponent(parsed.value)}`;
    }
    try {
      const res = await fetch('/api/hq/devices', {
        method: 'POST',
        headers: { Authorization: `Bearer ${view.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ shelter, device }),
      });
      if (!res.ok) throw new Error(String(res.status));
      const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
      setIssued({ link: `${location.origin}/shelter/?token=${encodeURIComponent(token)}${boxParam}`, expiresAt });
      onIssued();
    } catch {
      setError(e.failed);
    }
  };

  return (
    <section class="hq-preview hq-enrol-device" data-testid="device-enrol">
      <h3>{e.heading}</h3>
      <form class="hq-enrol-device__form" onSubmit={(ev) => void issue(ev)} noValidate>
        <label>
          <span>{e.shelter}</span>
          <select value={shelter} onChange={(ev) => setShelter((ev.target as HTMLSelectElement).value)} data-testid="enrol-shelter">
            <option value="">—</option>
            {shelters.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{e.device}</span>
          <input value={device} placeholder={e.devicePlaceholder} onInput={(ev) => setDevice((ev.target as HTMLInputElement).value)} data-testid="enrol-device" />
        </label>
        <label>
          <span>{e.box}</span>
          <input value={box} placeholder="wss://box-01.example:8443" onInput={(ev) => setBox((ev.target as HTMLInputElement).value)} data-testid="enrol-box" />
        </label>
        <button type="submit" class="button button--primary" data-testid="enrol-issue">
          {e.issue}
        </button>
      </form>
      {error && (
        <p class="field__error" role="alert" data-testid="enrol-error">
          {error}
        </p>
      )}
      {issued && (
        <div class="hq-enrol-device__result" data-testid="enrol-result">
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(issued.link, { border: 2 }))}`}
            alt={e.qrAlt}
            width={240}
            height={240}
            data-testid="enrol-qr"
          />
          <div>
            <p>{e.scan}</p>
            <p class="hq-enrol-device__link" data-testid="enrol-link">
              {issued.link}
            </p>
            <p class="muted">{e.expires(issued.expiresAt.slice(0, 10))}</p>
          </div>
        </div>
      )}
    </section>
  );
}
