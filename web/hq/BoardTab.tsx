// One evacuation board: per district, its level and since when, people in shelters by stay type
// (in the building, in cars, at home), residents' anonymous reports, open SOS, and the support
// list (confirmed / in a shelter / unaccounted for, as counts and a bar), sorted by what needs
// action first. Counts only: no name ever reaches the board or the wall.
import { useEffect, useState } from 'preact/hooks';
import type { ReportCounts } from '../../domain/evacuation-reports';
import { shortDateTime } from '../lib/format';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import type { HqView } from './context';
import { CountsBar } from './SupportListTab';

interface SupportCounts {
  id: string;
  total: number;
  inShelter: number;
  reported: number;
  confirmed: number;
  unaccounted: number;
}

/** Polls what the board needs beyond the overview: report counts and support-list counts. */
function useBoardData(token: string) {
  const [reports, setReports] = useState<Map<string, ReportCounts>>(new Map());
  const [support, setSupport] = useState<{ sealed: boolean; districts: SupportCounts[] } | null>(null);
  const [issued, setIssued] = useState<Map<string, string | null>>(new Map());
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const status = (await (await fetch('/api/public/status.json', { cache: 'no-cache' })).json()) as { districts: { id: string; issuedAt: string | null; reports?: ReportCounts }[] };
        if (cancelled) return;
        setReports(new Map(status.districts.flatMap((d) => (d.reports ? [[d.id, d.reports] as const] : []))));
        setIssued(new Map(status.districts.map((d) => [d.id, d.issuedAt])));
      } catch {
        /* the last counts stay */
      }
      try {
        const res = await fetch('/api/hq/support-list/status?counts=1', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
        if (res.ok && !cancelled) {
          const body = (await res.json()) as { sealed: boolean; total: number; districts: SupportCounts[] };
          setSupport(body.total > 0 ? body : null);
        }
      } catch {
        /* offline */
      }
    };
    void load();
    const id = setInterval(() => void load(), 10_000);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, [token]);
  return { reports, support, issued };
}

/** The district of the nearest shelter (an SOS carries a place, not a district). */
function nearestDistrict(view: HqView, lat: number, lon: number): string | null {
  let best: { d: number; district: string } | null = null;
  for (const r of view.rows) {
    if (!Number.isFinite(r.lat) || !Number.isFinite(r.lon) || !r.districtId) continue;
    const d = (r.lat - lat) ** 2 + ((r.lon - lon) * Math.cos((lat * Math.PI) / 180)) ** 2;
    if (!best || d < best.d) best = { d, district: r.districtId };
  }
  return best?.district ?? null;
}

export function Board({ view, wall = false }: { view: HqView; wall?: boolean }) {
  const { t } = view;
  const b = t.board;
  const { reports, support, issued } = useBoardData(view.token);
  const openSos = view.sos.items.filter((x) => x.state === 'received' || x.state === 'in-progress');
  const lines = view.districts.map((d) => {
    const rows = view.rows.filter((r) => r.districtId === d.id);
    const stay = rows.reduce((a, r) => ({ shelter: a.shelter + r.present.shelter, car: a.car + r.present.car, home: a.home + r.present.home }), { shelter: 0, car: 0, home: 0 });
    const sos = openSos.filter((x) => nearestDistrict(view, x.lat, x.lon) === d.id).length;
    const sup = support?.districts.find((x) => x.id === d.id) ?? null;
    return { d, stay, sos, sup, rep: reports.get(d.id) ?? null, since: issued.get(d.id) ?? null };
  });
  lines.sort((a, b2) => (b2.sup?.unaccounted ?? 0) + b2.sos * 10 - ((a.sup?.unaccounted ?? 0) + a.sos * 10) || b2.d.level - a.d.level || a.d.name.localeCompare(b2.d.name, 'ja'));
  return (
    <div class={wall ? 'hq-board hq-board--wall' : 'hq-board'} data-testid="board">
      <table class="hq-table hq-board__table">
        <thead>
          <tr>
            <th scope="col">{b.district}</th>
            <th scope="col">{b.level}</th>
            <th scope="col" class="num">{b.inShelter}</th>
            <th scope="col" class="num">{b.car}</th>
            <th scope="col" class="num">{b.home}</th>
            <th scope="col">{b.reports}</th>
            <th scope="col" class="num">{b.sos}</th>
            <th scope="col">{b.support}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map(({ d, stay, sos, sup, rep, since }) => (
            <tr key={d.id} data-district={d.id} class={sos > 0 || (sup?.unaccounted ?? 0) > 0 ? 'hq-board__row--action' : ''}>
              <th scope="row">{d.name}</th>
              <td>
                <span class={`hq-level hq-level--${d.level}`} style={d.level > 0 ? { background: LEVEL_COLOURS[d.level].bg, color: LEVEL_COLOURS[d.level].fg } : undefined}>
                  {d.level > 0 ? t.levels.level(d.level) : b.noLevel}
                </span>
                {since && d.level > 0 && <span class="muted hq-board__since">{b.since(shortDateTime(since))}</span>}
              </td>
              <td class="num">{stay.shelter}</td>
              <td class="num">{stay.car}</td>
              <td class="num">{stay.home}</td>
              <td data-testid="board-reports">
                {rep ? b.reportLine(rep.evacuated, rep['safe-at-home'], rep['not-yet']) : '—'}
              </td>
              <td class="num" data-testid="board-sos">{sos > 0 ? <strong class="hq-board__sos">{sos}</strong> : 0}</td>
              <td data-testid="board-support">
                {sup ? (
                  <>
                    <span>{b.supportLine(sup.confirmed + sup.inShelter, sup.unaccounted, sup.total)}</span>
                    <CountsBar c={sup} />
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {support?.sealed && <p class="muted">{b.sealed}</p>}
    </div>
  );
}

export function BoardTab({ view }: { view: HqView }) {
  return (
    <div class="hq-page">
      <h2>{view.t.board.heading}</h2>
      <p class="muted">{view.t.board.hint} <a href="?wall&board">{view.t.board.wall}</a></p>
      <Board view={view} />
    </div>
  );
}
