// One person: edit their details, correct the check-in time, see the corrections made, see and
// check out (or re-admit) their household, and add a late family member to it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type FieldErrors, type PersonInput, editPerson, householdMembers, readPerson, toPersonInput } from '../../../domain/people';
import { correctCheckInTime, isInTheFuture, personHistory } from '../../../domain/roster-corrections';
import type { PersonEvent } from '../../../domain/schema';
import { useDocVersion } from '../../lib/sync/use-synced';
import { fromLocalInput, shortDateTime, toLocalInput } from '../../lib/format';
import { saveChange } from '../../lib/sync/synced-doc';
import { Flash, type FlashMessage } from '../../lib/ui/Flash';
import { useShelter } from '../context';
import { href } from '../routes';
import { PersonFields } from '../PersonFields';
import { useDistricts } from '../districts';
import { PersonRow, useCheckOut } from './PersonRow';
import { isPresent } from '../../../domain/counts';

export function EditPerson({ personId }: { personId: string }) {
  const { shelter, t, c, deviceLabel } = useShelter();
  const p = t.people;
  const version = useDocVersion(shelter);
  const person = useMemo(() => readPerson(shelter.doc, personId), [shelter, personId, version]);
  const household = useMemo(
    () => (person ? householdMembers(shelter.doc, person.householdId) : []),
    [shelter, person?.householdId, version],
  );
  const { districts } = useDistricts();
  const [draft, setDraft] = useState<PersonInput | null>(() => (person ? toPersonInput(person) : null));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [flash, setFlash] = useState<FlashMessage | null>(null);
  const { askPerson, askHousehold, readmit, dialog, flash: checkOutFlash } = useCheckOut();
  const history = useMemo(() => personHistory(shelter.doc, personId), [shelter, personId, version]);
  const [checkInDraft, setCheckInDraft] = useState<string | null>(null);
  const [timeFlash, setTimeFlash] = useState<FlashMessage | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // A refused save takes the user to the field that needs fixing (the memo is at the bottom,
  // below the fold on a tablet).
  useEffect(() => {
    const bad = form.current?.querySelector<HTMLElement>('[aria-invalid=true], .field--error input, .field--error select');
    bad?.scrollIntoView({ block: 'center' });
    bad?.focus();
  }, [errors]);

  if (!person) {
    return (
      <div>
        <a class="button" href={href('people')}>
          {p.back}
        </a>
        <p class="muted">{p.notFound}</p>
      </div>
    );
  }
  const value = draft ?? toPersonInput(person);
  const future = isInTheFuture(person.checkedInAt, new Date());

  const onCorrectTime = async (e: Event) => {
    e.preventDefault();
    const iso = fromLocalInput(checkInDraft ?? toLocalInput(person.checkedInAt));
    let result: ReturnType<typeof correctCheckInTime> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = iso === null ? null : correctCheckInTime(doc, personId, iso, { now: new Date(), by: deviceLabel });
    });
    const r = result as ReturnType<typeof correctCheckInTime> | null;
    if (!stored) setTimeFlash({ text: c.sync.storeFailed, error: true });
    else if (!r) setTimeFlash({ text: p.checkInTimeErrors['invalid-time'], error: true });
    else if (!r.ok) setTimeFlash({ text: p.checkInTimeErrors[r.error], error: true });
    else {
      setCheckInDraft(null);
      setTimeFlash({ text: p.checkInCorrected });
    }
  };
  const describe = (e: PersonEvent) =>
    e.event === 'readmitted'
      ? p.historyEvent.readmitted(shortDateTime(e.previousCheckOut))
      : e.event === 'merged'
        ? p.historyEvent.merged(e.fromName)
        : p.historyEvent['check-in-corrected'](shortDateTime(e.from), shortDateTime(e.to));

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    let result: ReturnType<typeof editPerson> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = editPerson(doc, personId, value, new Date().getFullYear());
    });
    if (!stored) {
      setFlash({ text: c.sync.storeFailed, error: true });
      return;
    }
    const r = result as ReturnType<typeof editPerson> | null;
    if (r && !r.ok) {
      if (r.error.code === 'invalid') setErrors(r.error.errors);
      setFlash(null);
      return;
    }
    setErrors({});
    setFlash({ text: p.saved });
  };

  return (
    <div class="edit-person">
      <a class="button" href={href('people')}>
        {p.back}
      </a>
      <form class="panel" ref={form} onSubmit={onSubmit} noValidate data-testid="edit-person-form">
        <h2>{p.editTitle}</h2>
        <PersonFields idPrefix="edit" value={value} errors={errors} districts={districts} onChange={(v) => setDraft(v)} confirmUnprotect={person.protected} />
        <div class="form-actions">
          <button type="submit" class="button button--primary button--large" data-testid="edit-save">
            {c.actions.save}
          </button>
          <Flash message={flash} inline />
        </div>
      </form>
      <form class="panel check-in-time" onSubmit={onCorrectTime} noValidate data-testid="check-in-time-form">
        <label for="edit-checked-in-at">{p.checkInTime}</label>
        <div class="check-in-time__row">
          <input
            id="edit-checked-in-at"
            type="datetime-local"
            value={checkInDraft ?? toLocalInput(person.checkedInAt)}
            onInput={(e) => setCheckInDraft((e.target as HTMLInputElement).value)}
            aria-invalid={future}
            aria-describedby={future ? 'edit-checked-in-future' : undefined}
            data-testid="check-in-time"
          />
          <button type="submit" class="button" data-testid="check-in-time-save">
            {p.correctCheckIn}
          </button>
        </div>
        {future && (
          <p id="edit-checked-in-future" class="field__error" data-testid="check-in-future">
            {p.futureTime}
          </p>
        )}
        <Flash message={timeFlash} inline />
      </form>
      {history.length > 0 && (
        <section class="panel" data-testid="person-history">
          <h3>{p.history}</h3>
          <ul class="plain-list">
            {history.map((e, i) => (
              <li key={i}>
                <span class="muted">{shortDateTime(e.at)} {e.by}</span> — {describe(e)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <h3>{p.household(household.length)}</h3>
      {/* Offered once, above the members (not again on every row). */}
      {household.filter((m) => isPresent(m)).length > 1 && (
        <button type="button" class="button" onClick={() => askHousehold(person.householdId)} data-testid="household-check-out">
          {p.checkOutHousehold}
        </button>
      )}
      <Flash message={checkOutFlash} />
      <div class="card">
        {household.map((m) => (
          <PersonRow key={m.id} person={m} onCheckOut={askPerson} onReadmit={readmit} />
        ))}
      </div>
      <a class="button" href={href('check-in', person.householdId)} data-testid="add-family">
        {p.addFamily}
      </a>{' '}
      <a class="button" href={href('people', 'cards', person.householdId)} data-testid="person-print-card">
        {t.cards.printOne}
      </a>
      {dialog}
    </div>
  );
}
