// A shelter added by hand: the same record a CSV import writes (domain/shelter-registry.ts).
import { useState } from 'preact/hooks';
import { newId } from '../lib/ids';
import { type ShelterErrors, type ShelterInput, addShelter } from '../../domain/shelter-registry';
import type { HqView } from './context';

const EMPTY: ShelterInput = { name: '', address: '', lat: '', lon: '', capacity: '', districtId: '' };

export function AddShelterForm({ view }: { view: HqView }) {
  const r = view.t.registry;
  const [input, setInput] = useState<ShelterInput>(EMPTY);
  const [errors, setErrors] = useState<ShelterErrors>({});
  const [done, setDone] = useState<string | null>(null);

  const submit = async () => {
    let result: ReturnType<typeof addShelter> | null = null;
    await view.hq.transact((doc) => {
      result = addShelter(doc, input, { newId });
    });
    const res = result as ReturnType<typeof addShelter> | null;
    if (res && !res.ok) {
      setErrors(res.error);
      setDone(null);
      return;
    }
    setErrors({});
    setDone(r.added(input.name.trim()));
    setInput({ ...EMPTY, districtId: input.districtId });
  };

  const text = (key: Exclude<keyof ShelterInput, 'districtId'>, inputMode?: 'decimal' | 'numeric') => (
    <div class={`field${errors[key] ? ' field--error' : ''}`}>
      <label for={`shelter-${key}`}>{r.shelterField[key]}</label>
      <input
        id={`shelter-${key}`}
        inputMode={inputMode}
        value={input[key]}
        onInput={(e) => setInput({ ...input, [key]: (e.target as HTMLInputElement).value })}
        data-testid={`shelter-${key}`}
      />
      {errors[key] && <p class="field__error">{r.shelterError[errors[key]!]}</p>}
    </div>
  );

  return (
    <details class="hq-add-shelter">
      <summary>{r.addShelter}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="hq-add-shelter__grid">
          {text('name')}
          {text('address')}
          {text('lat', 'decimal')}
          {text('lon', 'decimal')}
          {text('capacity', 'numeric')}
          <div class="field">
            <label for="shelter-districtId">{r.shelterField.districtId}</label>
            <select id="shelter-districtId" value={input.districtId} onChange={(e) => setInput({ ...input, districtId: (e.target as HTMLSelectElement).value })}>
              <option value="">{r.noDistrict}</option>
              {view.districts.map((d) => (
                <option key={d.id} value={d.id}>{d.name}</option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" class="button button--primary" data-testid="shelter-add">{r.addShelterButton}</button>
        {done && <p class="flash" role="status" data-testid="shelter-added">{done}</p>}
      </form>
    </details>
  );
}
