import { useState } from 'preact/hooks';
import type { HqView } from './context';
import { HqMap, viewMapProps } from './HqMap';
import { Totals } from './Totals';
import { ShelterTable } from './ShelterTable';
import { Legend } from './Legend';

export function MapTab({ view }: { view: HqView }) {
  const { t } = view;
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  return (
    <div class="hq-mapview">
      <HqMap {...viewMapProps(view)} focus={focus} />
      <aside class="hq-side">
        <Totals view={view} />
        {view.rows.length === 0 && <p class="muted">{t.noOverviewYet}</p>}
        <Legend view={view} />
        <ShelterTable view={view} onSelect={(id) => setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }))} />
      </aside>
    </div>
  );
}
