// Staff enter the shelter box's address once (or it came with the enrolment link). The address is
// checked against the box itself (it must be a box for this shelter) before it is kept; the
// tablet then syncs with the box and the city at once (takes effect on reload).
import { useState } from 'preact/hooks';
import { type BoxAddressError, checkBox, parseBoxAddress, storeBoxAddress, storedBoxAddress } from '../lib/sync/box-address';
import { useShelter } from './context';

export function BoxSettings() {
  const { shelterId, t } = useShelter();
  const b = t.box;
  const current = storedBoxAddress();
  const [text, setText] = useState(current ?? '');
  const [error, setError] = useState<BoxAddressError | null>(null);
  const [checking, setChecking] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const parsed = parseBoxAddress(text);
    if (!parsed.ok) return setError(parsed.error);
    setChecking(true);
    const checked = await checkBox(parsed.value, shelterId);
    setChecking(false);
    if (!checked.ok) return setError(checked.error);
    storeBoxAddress(checked.value);
    location.reload();
  };
  const remove = () => {
    storeBoxAddress(null);
    location.reload();
  };

  return (
    <details class="card box-settings" open={current === null ? undefined : true} data-testid="box-settings">
      <summary>{b.title}</summary>
      <p class="muted">{current ? b.using(current) : b.none}</p>
      <form onSubmit={(e) => void save(e)} noValidate class="box-settings__form">
        <label for="box-address">{b.address}</label>
        <input
          id="box-address"
          value={text}
          placeholder="wss://box-01.shelter.example:8443"
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'box-address-error' : undefined}
          data-testid="box-address"
        />
        <button type="submit" class="button" disabled={checking} data-testid="box-save">
          {checking ? b.checking : b.save}
        </button>
        {current && (
          <button type="button" class="button" onClick={remove} data-testid="box-remove">
            {b.remove}
          </button>
        )}
        {error && (
          <p id="box-address-error" class="field__error" role="alert" data-testid="box-error">
            {b.errors[error]}
          </p>
        )}
      </form>
    </details>
  );
}
