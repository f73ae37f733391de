// The wall screen (/hq/?wall): full screen, large type, nothing to click. It updates itself
// from the overview stream and reconnects across server restarts (see overview-feed.ts).
import { useEffect, useState } from 'preact/hooks';
import type { HqView } from './context';
import { HqMap, viewMapProps } from './HqMap';
import { Totals } from './Totals';
import { ShelterTable } from './ShelterTable';
import { FeedStatus } from './FeedStatus';
import { clockTime } from '../lib/format';
import { Legend } from './Legend';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import { levelName } from '../../domain/levels';

/** Rows that fit the wall's side panel at 1080 px. */
const WALL_TABLE_ROWS = 16;
/** Every shelter is on the wall's list: a page of 16 at a time, turned every 12 s. */
const WALL_PAGE_MS = 12_000;

function useTurningPage(everyMs: number): number {
  const [page, setPage] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setPage((p) => p + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return page;
}

/** Keeps the wall's screen on while it is shown (where the browser allows it). */
function useWakeLock(): void {
  useEffect(() => {
    type Sentinel = { release(): Promise<void> };
    const wl = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<Sentinel> } }).wakeLock;
    if (!wl) return;
    let sentinel: Sentinel | null = null;
    const acquire = () => {
      if (document.visibilityState === 'visible') wl.request('screen').then((s) => (sentinel = s), () => undefined);
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);
    return () => {
      document.removeEventListener('visibilitychange', acquire);
      void sentinel?.release();
    };
  }, []);
}

export function WallView({ view, region }: { view: HqView; region: string }) {
  const { t } = view;
  useWakeLock();
  const wallPage = useTurningPage(WALL_PAGE_MS);
  const raised = view.districts.filter((d) => d.level > 0).sort((a, b) => b.level - a.level);
  return (
    <div class="hq-wallview" data-testid="wall">
      <header class="hq-wall-header">
        <h1>{region || t.title}</h1>
        <ul class="hq-wall-levels" aria-label={t.levels.heading}>
          {raised.map((d) => (
            <li key={d.id} style={{ background: LEVEL_COLOURS[d.level].bg, color: LEVEL_COLOURS[d.level].fg }}>
              {d.name} {t.levels.level(d.level)}
              {/* the words of 4 and 5 are the ones people act on; 1–3 stay short so the header fits */}
              {d.level >= 4 && ` ${levelName(d.level, view.lang)}`}
            </li>
          ))}
        </ul>
        <div class="hq-wall-clock">{clockTime(view.now)}</div>
        <FeedStatus t={t} overview={view.overview} />
      </header>
      <main class="hq-wall-body">
        <HqMap {...viewMapProps(view)} wall />
        <aside class="hq-side hq-side--wall">
          <Totals view={view} />
          <ShelterTable view={view} interactive={false} limit={WALL_TABLE_ROWS} page={wallPage} />
          <Legend view={view} />
        </aside>
      </main>
    </div>
  );
}
