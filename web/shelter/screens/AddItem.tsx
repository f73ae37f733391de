// Adding an item to the shelter's catalog (the defaults cover the usual supplies; a shelter
// that receives something else records it too).
import { useState } from 'preact/hooks';
import { type ItemErrors, addItem } from '../../../domain/stock';
import type { Result } from '../../../domain/result';
import { Field } from '../../lib/ui/Field';
import { parseOptionalNumber } from '../../lib/forms';
import { newId } from '../../lib/ids';
import { saveChange } from '../../lib/sync/synced-doc';
import { Flash, type FlashMessage } from '../../lib/ui/Flash';
import { useShelter } from '../context';

export function AddItem({ onAdded }: { onAdded: (id: string) => void }) {
  const { shelter, t, c } = useShelter();
  const s = t.supplies;
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [rate, setRate] = useState('');
  const [packUnit, setPackUnit] = useState('');
  const [packSize, setPackSize] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [flash, setFlash] = useState<FlashMessage | null>(null);
  const message = (code: string | undefined) => (code ? (t.errors[code] ?? code) : null);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setFlash(null);
    const parsed = parseOptionalNumber(rate);
    if (!parsed.ok) {
      setErrors({ perPersonPerDay: parsed.error });
      return;
    }
    const size = packSize.trim() === '' ? null : Number(packSize.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
    const pack = { unit: packUnit, size: size !== null && Number.isFinite(size) ? size : packSize.trim() ? Number.NaN : null };
    let result: Result<{ id: string; name: string }, ItemErrors> | null = null;
    const stored = await saveChange(shelter, (doc) => {
      result = addItem(doc, { name, unit, perPersonPerDay: parsed.value, pack }, { newId });
    });
    if (!stored) {
      setFlash({ text: c.sync.storeFailed, error: true });
      return;
    }
    const r = result as Result<{ id: string; name: string }, ItemErrors> | null;
    if (!r) return;
    if (!r.ok) {
      setErrors(r.error as Record<string, string>);
      return;
    }
    setErrors({});
    setName('');
    setUnit('');
    setRate('');
    setPackUnit('');
    setPackSize('');
    setFlash({ text: s.itemAdded(r.value.name) });
    onAdded(r.value.id);
  };

  return (
    <details class="panel add-item">
      <summary>{s.addItem}</summary>
      <form onSubmit={onSubmit} noValidate data-testid="add-item-form">
        <Field id="item-name" label={s.itemName} error={message(errors.name)}>
          <input id="item-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="item-unit" label={s.itemUnit} error={message(errors.unit)}>
          <input id="item-unit" value={unit} onInput={(e) => setUnit((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="item-rate" label={s.itemRate} hint={s.itemRateHelp} error={message(errors.perPersonPerDay)}>
          <input id="item-rate" inputMode="decimal" value={rate} onInput={(e) => setRate((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="item-pack-unit" label={s.packUnit} hint={s.packUnitHelp} error={message(errors.pack)}>
          <input id="item-pack-unit" value={packUnit} onInput={(e) => setPackUnit((e.target as HTMLInputElement).value)} />
        </Field>
        {packUnit.trim() !== '' && (
          <Field id="item-pack-size" label={s.packSize}>
            <input id="item-pack-size" inputMode="numeric" value={packSize} onInput={(e) => setPackSize((e.target as HTMLInputElement).value)} />
          </Field>
        )}
        <button type="submit" class="button button--block" data-testid="add-item-save">
          {s.addItem}
        </button>
        <Flash message={flash} />
      </form>
    </details>
  );
}
