// One household, as a scanned card (or a typed code) opens it: its members with their check-out
// buttons, "back from the car" / "staying in the car" for everyone present, and its card.
import { useMemo, useState } from 'preact/hooks';
import { householdCode, moveHousehold } from '../../../domain/household-card';
import { householdMembers } from '../../../domain/people';
import { isPresent } from '../../../domain/counts';
import { Flash, type FlashMessage } from '../../lib/ui/Flash';
import { saveChange } from '../../lib/sync/synced-doc';
import { useDocVersion } from '../../lib/sync/use-synced';
import { useShelter } from '../context';
import { href } from '../routes';
import { PersonRow, useCheckOut } from './PersonRow';

export function Household({ householdId }: { householdId: string }) {
  const { shelter, t, c } = useShelter();
  const h = t.household;
  const version = useDocVersion(shelter);
  const members = useMemo(() => householdMembers(shelter.doc, householdId), [shelter, householdId, version]);
  const { askPerson, askHousehold, readmit, dialog, flash } = useCheckOut();
  const [moved, setMoved] = useState<FlashMessage | null>(null);
  const present = members.filter(isPresent);

  if (members.length === 0) {
    return (
      <div class="household panel">
        <a href={href('people')}>{h.back}</a>
        <p class="flash flash--error" role="alert">{h.notFound}</p>
      </div>
    );
  }
  const move = async (from: 'car' | 'shelter', to: 'car' | 'shelter') => {
    let n = 0;
    const stored = await saveChange(shelter, (doc) => {
      n = moveHousehold(doc, householdId, from, to);
    });
    setMoved(stored ? { text: h.moved(n) } : { text: c.sync.storeFailed, error: true });
  };

  return (
    <div class="household panel" data-testid="household" data-household={householdId}>
      <a href={href('people')}>{h.back}</a>
      <h2>{h.title(householdCode(householdId))}</h2>
      <div class="household__actions">
        {present.some((p) => p.stay === 'car') && (
          <button type="button" class="button button--primary" onClick={() => void move('car', 'shelter')} data-testid="household-back-from-car">
            {h.backFromCar}
          </button>
        )}
        {present.some((p) => p.stay === 'shelter') && (
          <button type="button" class="button" onClick={() => void move('shelter', 'car')} data-testid="household-to-car">
            {h.toCar}
          </button>
        )}
        {present.length > 0 && (
          <button type="button" class="button" onClick={() => askHousehold(householdId)} data-testid="household-check-out">
            {t.people.checkOutHousehold}
          </button>
        )}
        <a class="button" href={href('people', 'cards', householdId)}>{h.printCard}</a>
      </div>
      <Flash message={moved ?? flash} />
      {present.length === 0 && <p class="muted">{h.nonePresent}</p>}
      <div class="household__members">
        {members.map((p) => (
          <PersonRow key={p.id} person={p} onCheckOut={askPerson} onReadmit={readmit} />
        ))}
      </div>
      {dialog}
    </div>
  );
}
