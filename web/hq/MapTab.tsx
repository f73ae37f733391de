import { useState } from 'preact/hooks';
import type { HqView } from './context';
import { HqMap } from './HqMap';
import { Totals } from './Totals';
import { ShelterTable } from './ShelterTable';
import { shelterPopup } from './popup';
import { describeClosure } from './closure-text';
import { Legend } from './Legend';

export function MapTab({ view }: { view: HqView }) {
  const { t, c } = view;
  const byId = new Map(view.rows.map((r) => [r.id, r]));
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  return (
    <div class="hq-mapview">
      <HqMap
        t={t}
        rows={view.rows}
        closures={view.closures}
        districts={view.districts}
        popup={(id) => shelterPopup(byId.get(id), t, c)}
        describeClosure={(cl) => describeClosure(cl, t)}
        focus={focus}
      />
      <aside class="hq-side">
        <Totals view={view} />
        {view.rows.length === 0 && <p class="muted">{t.noOverviewYet}</p>}
        <Legend view={view} />
        <ShelterTable view={view} onSelect={(id) => setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }))} />
      </aside>
    </div>
  );
}
