// The deployment's name, as the wall, the public page and the CAP feed show it.
import { useEffect, useState } from 'preact/hooks';
import { hqMeta } from '../../domain/schema';
import { asString } from '../../domain/coerce';
import { setRegionName } from '../../domain/shelter-registry';
import type { HqView } from './context';

export function RegionForm({ view }: { view: HqView }) {
  const r = view.t.registry;
  const current = asString(hqMeta(view.hq.doc).get('region'));
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(current), [current]);
  const save = async () => {
    let e: string | null = null;
    await view.hq.transact((doc) => {
      const res = setRegionName(doc, value);
      if (!res.ok) e = r.regionError[res.error];
    });
    setError(e);
  };
  return (
    <form
      class={`hq-region field${error ? ' field--error' : ''}`}
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      <label for="hq-region">{r.region}</label>
      <div class="hq-actions">
        <input id="hq-region" value={value} onInput={(ev) => setValue((ev.target as HTMLInputElement).value)} data-testid="region-name" />
        <button type="submit" class="button button--small" disabled={value === current} data-testid="region-save">{r.regionSave}</button>
      </div>
      {error && <p class="field__error" role="alert">{error}</p>}
    </form>
  );
}
