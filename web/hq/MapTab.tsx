import { useState } from 'preact/hooks';
import type { HqView } from './context';
import { HqMap, viewMapProps } from './HqMap';
import { Totals } from './Totals';
import { ShelterTable } from './ShelterTable';
import { Legend } from './Legend';
import { summaryCsv } from './summary-csv';
import { fileStamp } from '../lib/format';

/** Downloads the per-shelter summary (counts only) as CSV. */
function downloadSummary(view: HqView): void {
  const { t } = view;
  const districts = new Map(view.districts.map((d) => [d.id, d.name]));
  const csv = summaryCsv(view.rows, {
    header: t.summaryExport.header,
    status: t.shelterStatus,
    band: t.crowding,
    district: (id) => districts.get(id) ?? id,
  });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  a.download = `shelter-summary-${fileStamp(view.now)}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function MapTab({ view }: { view: HqView }) {
  const { t } = view;
  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  return (
    <div class="hq-mapview">
      <HqMap {...viewMapProps(view)} focus={focus} />
      <aside class="hq-side">
        <div class="hq-actions hq-no-print">
          <button type="button" class="button button--small" onClick={() => downloadSummary(view)} data-testid="summary-csv">
            {t.summaryExport.csv}
          </button>
          <button type="button" class="button button--small" onClick={() => window.print()} data-testid="print">
            {t.summaryExport.print}
          </button>
        </div>
        <Totals view={view} />
        {view.rows.length === 0 && <p class="muted">{t.noOverviewYet}</p>}
        <Legend view={view} />
        <ShelterTable view={view} onSelect={(id) => setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }))} />
      </aside>
    </div>
  );
}
