// One person's row in the roster (name, kana, tags, arrival or departure, check-out buttons) and
// the check-out flow with its confirmation, shared by the list, the duplicates view and the
// edit screen (a module of its own, so those screens do not import each other).
import { useState } from 'preact/hooks';
import type { Person } from '../../../domain/schema';
import { checkOutHousehold, checkOutPerson, householdMembers, visibleName } from '../../../domain/people';
import { isInTheFuture, readmitPerson } from '../../../domain/roster-corrections';
import { isPresent } from '../../../domain/counts';
import { label } from '../../lib/i18n';
import { shortDateTime } from '../../lib/format';
import { ConfirmDialog } from '../../lib/ui/ConfirmDialog';
import { type FlashMessage } from '../../lib/ui/Flash';
import { saveChange } from '../../lib/sync/synced-doc';
import { useShelter } from '../context';
import { href } from '../routes';

/** A row's height at the normal text size (the list scales it with the text-size setting). */
export const BASE_ROW_HEIGHT = 76;
/** On a phone the short tags get a line of their own, below name and kana. */
export const PHONE_ROW_FACTOR = 1.3;

type Pending = { kind: 'person'; person: Person } | { kind: 'household'; householdId: string; count: number };

/** Check-out with confirmation and re-admission, shared by the list, the duplicates view and the edit screen. */
export function useCheckOut() {
  const { shelter, t, c, deviceLabel } = useShelter();
  const [pending, setPending] = useState<Pending | null>(null);
  const [flash, setFlash] = useState<FlashMessage | null>(null);
  const askPerson = (person: Person) => setPending({ kind: 'person', person });
  /** No confirmation: it undoes a check-out, and can itself be undone by checking out again. */
  const readmit = async (person: Person) => {
    const stored = await saveChange(shelter, (doc) => {
      readmitPerson(doc, person.id, { now: new Date(), by: deviceLabel });
    });
    setFlash(stored ? { text: t.people.readmitted(visibleName(person, t.checkIn.protectedName)) } : { text: c.sync.storeFailed, error: true });
  };
  const askHousehold = (householdId: string) => {
    const count = householdMembers(shelter.doc, householdId).filter(isPresent).length;
    setPending({ kind: 'household', householdId, count });
  };
  const confirm = async () => {
    const p = pending;
    setPending(null);
    if (!p) return;
    // Who this check-out takes out, so 取り消し can bring exactly them back.
    const leaving = p.kind === 'person' ? [p.person.id] : householdMembers(shelter.doc, p.householdId).filter(isPresent).map((m) => m.id);
    const stored = await saveChange(shelter, (doc) => {
      if (p.kind === 'person') checkOutPerson(doc, p.person.id, new Date());
      else checkOutHousehold(doc, p.householdId, new Date());
    });
    if (!stored) {
      setFlash({ text: c.sync.storeFailed, error: true });
      return;
    }
    const undo = async () => {
      const back = await saveChange(shelter, (doc) => {
        for (const id of leaving) readmitPerson(doc, id, { now: new Date(), by: deviceLabel });
      });
      setFlash(back ? { text: t.people.undone(leaving.length) } : { text: c.sync.storeFailed, error: true });
    };
    setFlash({
      text: p.kind === 'person' ? t.people.checkedOut(visibleName(p.person, t.checkIn.protectedName)) : t.people.checkedOut(t.people.household(p.count)),
      action: { label: t.people.undo, run: () => void undo() },
    });
  };
  const dialog = pending && (
    <ConfirmDialog confirmLabel={t.people.checkOut} onCancel={() => setPending(null)} onConfirm={() => void confirm()}>
      {pending.kind === 'person' ? t.people.confirmCheckOut(visibleName(pending.person, t.checkIn.protectedName)) : t.people.confirmCheckOutHousehold(pending.count)}
    </ConfirmDialog>
  );
  return { askPerson, askHousehold, readmit, dialog, flash, setFlash };
}

interface RowProps {
  person: Person;
  top?: number;
  height?: number;
  onCheckOut: (p: Person) => void;
  /** Absent where the screen is the household itself and offers it once, above its members. */
  onCheckOutHousehold?: (householdId: string) => void;
  onReadmit?: (p: Person) => void;
}

function Tag({ full, short, kind }: { full: string; short?: string; kind?: string }) {
  return (
    <span class={`tag${kind ? ` tag--${kind}` : ''}`} title={full}>
      <span class="tag__full">{full}</span>
      <span class="tag__short" aria-hidden="true">{short ?? full}</span>
    </span>
  );
}

export function PersonRow({ person, top, height, onCheckOut, onCheckOutHousehold, onReadmit }: RowProps) {
  const { t, c } = useShelter();
  const p = t.people;
  const present = isPresent(person);
  const future = isInTheFuture(person.checkedInAt, new Date());
  return (
    <div
      class={`person-row${present ? '' : ' person-row--left'}`}
      style={top === undefined ? undefined : { position: 'absolute', top: `${top}px`, left: 0, right: 0, height: `${height ?? BASE_ROW_HEIGHT}px` }}
      data-testid="person-row"
      data-person={person.id}
    >
      <div class="person-row__who">
        {/* A protected person's name is never in a list others may see; it shows on their record. */}
        <a class={`person-row__name${person.protected ? ' person-row__name--protected' : ''}`} href={href('people', person.id)}>
          {visibleName(person, t.checkIn.protectedName)}
        </a>
        {!person.protected && <span class="person-row__kana">{person.kana}</span>}
      </div>
      {/* Never hidden: on a narrow screen each tag shows its short form (the legend above the list). */}
      <div class="person-row__facts" data-testid="person-facts">
        <Tag full={label(c.ageGroups, person.ageGroup)} short={c.short.ageGroups[person.ageGroup]} />
        <Tag full={label(c.stays, person.stay)} short={c.short.stays[person.stay]} kind={person.stay} />
        {person.needs.map((n) => (
          <Tag key={n} full={label(c.needs, n)} short={c.short.needs[n]} kind="need" />
        ))}
      </div>
      <div class={`person-row__when${future ? ' person-row__when--future' : ' muted'}`} title={future ? p.futureTime : undefined} data-testid="person-when">
        {present ? p.arrivedAt(shortDateTime(person.checkedInAt)) : p.leftAt(shortDateTime(person.checkedOutAt))}
        {future && ' ⚠'}
      </div>
      <div class="person-row__actions">
        {present && (
          <>
            <button type="button" class="button button--small" onClick={() => onCheckOut(person)} data-testid="check-out">
              {p.checkOut}
            </button>
            {onCheckOutHousehold && (
              <button type="button" class="button button--small" onClick={() => onCheckOutHousehold(person.householdId)} data-testid="check-out-household">
                {p.checkOutHousehold}
              </button>
            )}
          </>
        )}
        {!present && onReadmit && (
          <button type="button" class="button button--small" onClick={() => onReadmit(person)} data-testid="readmit">
            {p.readmit}
          </button>
        )}
      </div>
    </div>
  );
}
