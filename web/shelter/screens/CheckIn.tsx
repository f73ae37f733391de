// Check-in of a household (one or more people) in one form. A likely duplicate is shown before
// anything is saved; bad input is marked next to its field and nothing typed is cleared.
// `#/check-in/<householdId>` adds late family members to a household already checked in.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type FieldErrors, type PersonInput, checkInHousehold, emptyPersonInput, householdMembers, toPersonInput, validatePersonInput,
} from '../../../domain/people';
import { isPresent } from '../../../domain/counts';
import { duplicatesOf } from '../../../domain/duplicates';
import type { Person } from '../../../domain/schema';
import { newId } from '../../lib/ids';
import { shortDateTime } from '../../lib/format';
import { ConfirmDialog } from '../../lib/ui/ConfirmDialog';
import { saveChange } from '../../lib/sync/synced-doc';
import { useShelter } from '../context';
import { href } from '../routes';
import { PersonFields } from '../PersonFields';
import { useDistricts } from '../districts';

function newMember(from: PersonInput | undefined, district: string): PersonInput {
  const m = emptyPersonInput();
  m.districtId = from?.districtId ?? district;
  if (from) {
    m.stay = from.stay;
    m.language = from.language;
    m.consent = from.consent;
  }
  return m;
}

export function CheckIn({ householdId }: { householdId?: string }) {
  const { shelter, t, c } = useShelter();
  const f = t.checkIn;
  const { districts, home } = useDistricts();
  // Adding to a household: the new member starts with the household's district, stay and language.
  const existing = householdId ? householdMembers(shelter.doc, householdId) : [];
  const template = existing.length > 0 ? toPersonInput(existing.find(isPresent) ?? existing[0]) : undefined;
  const [members, setMembers] = useState<PersonInput[]>(() => [newMember(template, home)]);
  const [errors, setErrors] = useState<FieldErrors[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string; householdId?: string } | null>(null);
  const [duplicates, setDuplicates] = useState<Person[] | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // After a rejected save, take the user to the first field that needs fixing.
  useEffect(() => {
    if (!errors.some((e) => e && Object.keys(e).length > 0)) return;
    const bad = form.current?.querySelector<HTMLElement>('[aria-invalid=true], .field--error input, .field--error select');
    bad?.scrollIntoView({ block: 'center' });
    bad?.focus();
  }, [errors]);

  const save = async () => {
    setDuplicates(null);
    setSaving(true);
    let result: ReturnType<typeof checkInHousehold> | null = null;
    const started = performance.now();
    const stored = await saveChange(shelter, (doc) => {
      result = checkInHousehold(doc, members, { now: new Date(), newId, householdId: existing.length > 0 ? householdId : undefined });
    });
    // Measured by bench/tablet.bench.ts: from the Yjs change to IndexedDB having it.
    performance.measure('hinanjo:check-in-persist', { start: started, end: performance.now() });
    setSaving(false);
    if (!stored) {
      setMessage({ kind: 'error', text: c.sync.storeFailed });
      return;
    }
    const r = result as ReturnType<typeof checkInHousehold> | null;
    if (!r) return;
    if (!r.ok) {
      const next: FieldErrors[] = [];
      for (const p of r.error) next[p.memberIndex] = p.errors;
      setErrors(next);
      setMessage({ kind: 'error', text: f.fixErrors });
      return;
    }
    setMessage({ kind: 'ok', text: f.saved(r.value.personIds.length), householdId: r.value.householdId });
    setErrors([]);
    setMembers([newMember(template, home)]);
    window.scrollTo(0, 0);
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const year = new Date().getFullYear();
    const found = members.map((m) => validatePersonInput(m, year));
    if (found.some((x) => Object.keys(x).length > 0)) {
      setErrors(found);
      setMessage({ kind: 'error', text: f.fixErrors });
      return;
    }
    setErrors([]);
    // A protected person is never offered as "already checked in": whoever stands at the desk
    // typing that name (possibly the person they hide from) would learn they are here.
    const dups = members.flatMap((m) => duplicatesOf(shelter.doc, m)).filter((p) => !p.protected);
    if (dups.length > 0) {
      setDuplicates(dups);
      return;
    }
    void save();
  };

  return (
    <form class="check-in" ref={form} onSubmit={onSubmit} noValidate data-testid="check-in-form">
      <h2>{f.title}</h2>
      {existing.length > 0 && (
        <p class="flash" data-testid="adding-to-household">
          {t.people.addingToHousehold(existing.map((m) => m.name).join('、'))}
        </p>
      )}
      {message && (
        <p class={message.kind === 'ok' ? 'flash' : 'flash flash--error'} role={message.kind === 'ok' ? 'status' : 'alert'} data-testid="check-in-message">
          {message.text}
          {/* This household's own card, right away (the all-households print cannot tell them apart). */}
          {message.householdId && (
            <>
              {' '}
              <a class="button button--small" href={href('people', 'cards', message.householdId)} data-testid="check-in-print-card">
                {t.cards.printOne}
              </a>
            </>
          )}
        </p>
      )}
      {members.map((m, i) => (
        <fieldset class="member" key={i} data-testid={`member-${i}`}>
          <legend>{f.person(i + 1)}</legend>
          {members.length > 1 && (
            <div class="member__head">
              <button
                type="button"
                class="button button--small"
                onClick={() => {
                  setMembers(members.filter((_, j) => j !== i));
                  setErrors(errors.filter((_, j) => j !== i));
                }}
              >
                {f.removePerson}
              </button>
            </div>
          )}
          <PersonFields
            idPrefix={`p${i}`}
            value={m}
            errors={errors[i] ?? {}}
            districts={districts}
            onChange={(next) => setMembers(members.map((x, j) => (j === i ? next : x)))}
          />
        </fieldset>
      ))}
      <div class="form-actions">
        <button type="button" class="button" onClick={() => setMembers([...members, newMember(members[0], home)])} data-testid="add-person">
          {f.addPerson}
        </button>
        <button type="submit" class="button button--primary button--large" disabled={saving} data-testid="check-in-save">
          {saving ? f.saving : f.save}
        </button>
      </div>
      {duplicates && (
        <ConfirmDialog title={f.duplicateTitle} confirmLabel={f.saveAnyway} cancelLabel={f.backToForm} onCancel={() => setDuplicates(null)} onConfirm={() => void save()}>
          <ul class="plain-list" data-testid="duplicate-list">
            {duplicates.map((p) => (
              <li key={p.id}>{f.duplicateOf(p.name, p.kana, shortDateTime(p.checkedInAt))}</li>
            ))}
          </ul>
        </ConfirmDialog>
      )}
    </form>
  );
}
