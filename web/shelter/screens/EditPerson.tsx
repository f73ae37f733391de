// One person: edit their details, see and check out their household.
import { useMemo, useState } from 'preact/hooks';
import { type FieldErrors, type PersonInput, editPerson, householdMembers, readPerson, toPersonInput } from '../../../domain/people';
import { useDocVersion } from '../../lib/use-synced';
import { saveChange } from '../../lib/synced-doc';
import { Flash, type FlashMessage } from '../../lib/Flash';
import { useShelter } from '../context';
import { href } from '../tabs';
import { PersonFields } from '../PersonFields';
import { useDistricts } from '../districts';
import { PersonRow, useCheckOut } from './People';

export function EditPerson({ personId }: { personId: string }) {
  const { shelter, t, c } = useShelter();
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
  const { askPerson, askHousehold, dialog, flash: checkOutFlash } = useCheckOut();

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

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    let result: ReturnType<typeof editPerson> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = editPerson(doc, personId, value);
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
      <form class="panel" onSubmit={onSubmit} noValidate data-testid="edit-person-form">
        <h2>{p.editTitle}</h2>
        <PersonFields idPrefix="edit" value={value} errors={errors} districts={districts} onChange={(v) => setDraft(v)} />
        <div class="form-actions">
          <button type="submit" class="button button--primary button--large" data-testid="edit-save">
            {c.actions.save}
          </button>
          <Flash message={flash} inline />
        </div>
      </form>
      <h3>{p.household(household.length)}</h3>
      <Flash message={checkOutFlash} />
      <div class="card">
        {household.map((m) => (
          <PersonRow key={m.id} person={m} onCheckOut={askPerson} onCheckOutHousehold={askHousehold} />
        ))}
      </div>
      {dialog}
    </div>
  );
}
