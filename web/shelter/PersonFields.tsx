// The fields of one person, shared by the check-in form (once per household member) and the
// edit screen. Errors come from domain/people's validation and appear next to their field.
import { useState } from 'preact/hooks';
import { AGE_GROUPS, CONSENT_LEVELS, NEEDS, SEXES, STAY_TYPES } from '../../domain/schema';
import type { FieldErrors, PersonInput } from '../../domain/people';
import { Field } from '../lib/ui/Field';
import { ConfirmDialog } from '../lib/ui/ConfirmDialog';
import { label } from '../lib/i18n';
import { useShelter } from './context';

export interface DistrictOption {
  id: string;
  name: string;
}

interface Props {
  idPrefix: string;
  value: PersonInput;
  errors: FieldErrors;
  districts: DistrictOption[];
  onChange: (next: PersonInput) => void;
  /**
   * The record is saved already: taking the protection off asks first, saying why it matters.
   * (On a new check-in nothing has been disclosed yet, so a tick can simply be undone.)
   */
  confirmUnprotect?: boolean;
}

function Choice<T extends string>({
  name,
  options,
  value,
  labels,
  onChange,
}: {
  name: string;
  options: readonly T[];
  value: T;
  labels: Record<string, string>;
  onChange: (v: T) => void;
}) {
  return (
    <div class="segmented" role="radiogroup" id={name}>
      {options.map((o) => (
        <button type="button" role="radio" key={o} aria-checked={o === value} data-value={o} onClick={() => onChange(o)}>
          {label(labels, o)}
        </button>
      ))}
    </div>
  );
}

export function PersonFields({ idPrefix, value, errors, districts, onChange, confirmUnprotect = false }: Props) {
  const [askUnprotect, setAskUnprotect] = useState(false);
  const { t, c } = useShelter();
  const f = t.checkIn;
  const err = (k: keyof PersonInput) => (errors[k] ? (t.errors[errors[k] as string] ?? errors[k]) : null);
  const set = <K extends keyof PersonInput>(k: K, v: PersonInput[K]) => onChange({ ...value, [k]: v });
  const id = (k: string) => `${idPrefix}-${k}`;
  const toggleNeed = (n: string) =>
    set('needs', value.needs.includes(n) ? value.needs.filter((x) => x !== n) : [...value.needs, n]);
  const languages = Object.keys(c.languages);

  return (
    <div class="person-fields">
      <div class="grid-2">
        <Field id={id('name')} label={f.name} error={err('name')}>
          <input
            id={id('name')}
            value={value.name}
            autocomplete="off"
            aria-invalid={errors.name ? true : undefined}
            onInput={(e) => set('name', (e.target as HTMLInputElement).value)}
          />
        </Field>
        <Field id={id('kana')} label={f.kana} error={err('kana')}>
          <input
            id={id('kana')}
            value={value.kana}
            autocomplete="off"
            aria-invalid={errors.kana ? true : undefined}
            onInput={(e) => set('kana', (e.target as HTMLInputElement).value)}
          />
        </Field>
      </div>
      <div class="grid-2">
        <Field id={id('ageGroup')} label={f.ageGroup} error={err('ageGroup')}>
          <Choice name={id('ageGroup')} options={AGE_GROUPS} value={value.ageGroup} labels={c.ageGroups} onChange={(v) => set('ageGroup', v)} />
        </Field>
        <Field id={id('sex')} label={f.sex} error={err('sex')}>
          <Choice name={id('sex')} options={SEXES} value={value.sex} labels={c.sexes} onChange={(v) => set('sex', v)} />
        </Field>
      </div>
      <Field id={id('birthYear')} label={f.birthYear} error={err('birthYear')}>
        <input
          id={id('birthYear')}
          class="input--year"
          inputMode="numeric"
          maxLength={4}
          placeholder={f.birthYearPlaceholder}
          autocomplete="off"
          aria-invalid={errors.birthYear ? true : undefined}
          value={value.birthYear === null ? '' : String(value.birthYear)}
          onInput={(e) => set('birthYear', parseYear((e.target as HTMLInputElement).value))}
        />
      </Field>
      <Field id={id('stay')} label={f.stay} error={err('stay')}>
        <Choice name={id('stay')} options={STAY_TYPES} value={value.stay} labels={c.stays} onChange={(v) => set('stay', v)} />
      </Field>
      <Field id={id('needs')} label={f.needs} error={err('needs')}>
        <div class="toggles" id={id('needs')}>
          {NEEDS.map((n) => (
            <button type="button" key={n} aria-pressed={value.needs.includes(n)} data-need={n} onClick={() => toggleNeed(n)}>
              {label(c.needs, n)}
            </button>
          ))}
        </div>
      </Field>
      <div class="grid-3">
        <Field id={id('language')} label={f.language} error={err('language')}>
          <select id={id('language')} value={value.language} onChange={(e) => set('language', (e.target as HTMLSelectElement).value)}>
            {!languages.includes(value.language) && <option value={value.language}>{value.language}</option>}
            {languages.map((l) => (
              <option key={l} value={l}>
                {label(c.languages, l)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('districtId')} label={f.district} error={err('districtId')}>
          <select id={id('districtId')} value={value.districtId} onChange={(e) => set('districtId', (e.target as HTMLSelectElement).value)}>
            <option value="">{f.districtNone}</option>
            {districts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('note')} label={f.note} error={err('note')}>
          <input id={id('note')} aria-invalid={errors.note ? true : undefined} value={value.note} onInput={(e) => set('note', (e.target as HTMLInputElement).value)} />
        </Field>
      </div>
      <Field id={id('consent')} label={f.consent} error={err('consent')}>
        <Choice name={id('consent')} options={CONSENT_LEVELS} value={value.consent} labels={f.consentLevels} onChange={(v) => set('consent', v)} />
        <small class="muted">{f.consentHelp}</small>
      </Field>
      <label class="checkbox">
        <input
          type="checkbox"
          id={id('protected')}
          data-testid="protected"
          checked={value.protected}
          onChange={(e) => {
            const checked = (e.target as HTMLInputElement).checked;
            if (!checked && confirmUnprotect) {
              (e.target as HTMLInputElement).checked = true;
              setAskUnprotect(true);
            } else set('protected', checked);
          }}
        />
        <span>
          <strong>{f.protected}</strong>
          <small>{f.protectedHelp}</small>
        </span>
      </label>
      {askUnprotect && (
        <ConfirmDialog
          title={f.protectedClearTitle}
          confirmLabel={f.protectedClearConfirm}
          onCancel={() => setAskUnprotect(false)}
          onConfirm={() => {
            setAskUnprotect(false);
            set('protected', false);
          }}
        >
          {f.protectedClearWhy}
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Digits only (full-width ones too): a year field cannot hold anything that is not one. */
function parseYear(text: string): number | null {
  const digits = text.normalize('NFKC').replace(/\D/g, '').slice(0, 4);
  return digits === '' ? null : Number(digits);
}
