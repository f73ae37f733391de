// The wall screen (/hq/?wall): full screen, large type, nothing to click. It updates itself
// from the overview stream and reconnects across server restarts (see overview-feed.ts).
import { useEffect, useLayoutEffect, useRef, useState, type MutableRef } from 'preact/hooks';
import type { HqView } from './context';
import { HqMap, viewMapProps } from './HqMap';
import { Totals } from './Totals';
import { ShelterTable } from './ShelterTable';
import { FeedStatus } from './FeedStatus';
import { clockTime } from '../lib/format';
import { Legend } from './Legend';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import { levelName } from '../../domain/levels';

/** Rows on a page before the side panel has been measured (what fits at 1080p). */
const WALL_TABLE_ROWS = 16;
/** Every shelter is on the wall's list: a page at a time, turned every 12 s. */
const WALL_PAGE_MS = 12_000;
const MIN_ROWS = 3;
const MAX_ROWS = 80;

/**
 * As many table rows as fit the side panel under the totals, with the page line and the legend
 * still on screen: measured after each render, so a taller screen, a stale row (two lines) or a
 * longer legend changes the page size instead of cutting the list.
 */
function useRowsThatFit(panel: MutableRef<HTMLElement | null>, dataVersion: unknown): number {
  const [rows, setRows] = useState(WALL_TABLE_ROWS);
  const [resized, setResized] = useState(0);
  useEffect(() => {
    const el = panel.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setResized((n) => n + 1));
    observer.observe(el);
    return () => observer.disconnect();
  }, [panel]);
  useLayoutEffect(() => {
    const el = panel.current;
    const last = el?.lastElementChild;
    if (!el || !last) return;
    const shown = [...el.querySelectorAll('tbody tr')].map((tr) => tr.getBoundingClientRect().height);
    if (shown.length === 0) return;
    const bottomPadding = parseFloat(getComputedStyle(el).paddingBottom) || 0;
    const free = el.clientHeight - (last.getBoundingClientRect().bottom - el.getBoundingClientRect().top + bottomPadding);
    const tallest = Math.max(...shown);
    let next = rows;
    if (free < 0) next = rows - Math.max(1, Math.ceil(-free / tallest));
    else if (free >= tallest && shown.length >= rows) next = rows + Math.floor(free / tallest);
    next = Math.min(MAX_ROWS, Math.max(MIN_ROWS, next));
    if (next !== rows) setRows(next);
  }, [rows, resized, dataVersion]);
  return rows;
}

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
  const panel = useRef<HTMLElement | null>(null);
  const rowsThatFit = useRowsThatFit(panel, view.overview);
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
        <aside class="hq-side hq-side--wall" ref={panel} data-testid="wall-panel" data-rows={rowsThatFit}>
          <Totals view={view} />
          <ShelterTable view={view} interactive={false} limit={rowsThatFit} page={wallPage} />
          <Legend view={view} />
        </aside>
      </main>
    </div>
  );
}
