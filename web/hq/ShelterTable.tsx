// All shelters in one table, sortable by what HQ acts on: occupancy, special needs, silence.
import { useState } from 'preact/hooks';
import type { HqView } from './context';
import { type SortKey, sortRows } from './shelter-rows';
import { STALE_AFTER_MINUTES } from './shelter-rows';
import type { ShelterLink } from './use-links';
import { occupancyPercent } from '../../domain/public-status';

/** Directly, or through a shelter box (and when the box last synced with the city). */
function LinkNote({ link, view }: { link: ShelterLink | undefined; view: HqView }) {
  const { t, now } = view;
  if (!link) return null;
  const ago = (iso: string) => t.ago(Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000)));
  const text =
    link.boxes > 0
      ? t.link.viaBox(link.boxLastSyncAt ? ago(link.boxLastSyncAt) : '')
      : link.boxLastSyncAt
        ? t.link.boxGone(ago(link.boxLastSyncAt))
        : link.tablets > 0
          ? t.link.direct
          : null;
  if (!text) return null;
  return (
    <span class="hq-link" data-testid="row-link" data-via={link.boxes > 0 ? 'box' : link.boxLastSyncAt ? 'box-gone' : 'direct'}>
      {text}
    </span>
  );
}

export function ShelterTable({
  view, interactive = true, limit, page = 0, onSelect,
}: { view: HqView; interactive?: boolean; limit?: number; page?: number; onSelect?: (id: string) => void }) {
  const { t } = view;
  const [key, setKey] = useState<SortKey>('occupancy');
  const sorted = sortRows(view.rows, key);
  // The wall cannot scroll: it pages through every shelter, fullest first (WallView turns the page).
  const pages = limit !== undefined ? Math.max(1, Math.ceil(sorted.length / limit)) : 1;
  const shown = limit !== undefined ? page % pages : 0;
  const rows = limit !== undefined ? sorted.slice(shown * limit, shown * limit + limit) : sorted;
  const head = (k: SortKey, label: string) => (
    <th scope="col" aria-sort={key === k ? 'descending' : undefined}>
      {interactive ? (
        <button type="button" class="link-button" onClick={() => setKey(k)} title={t.sortBy(label)} data-testid={`sort-${k}`}>
          {label}
          {key === k ? ' ▼' : ''}
        </button>
      ) : (
        label
      )}
    </th>
  );
  return (
    <table class="hq-table" data-testid="shelter-table">
      <caption class="visually-hidden">{t.shelterTable}</caption>
      <thead>
        <tr>
          {head('name', t.col.name)}
          {head('people', t.col.people)}
          {head('occupancy', t.col.occupancy)}
          {head('needs', t.col.needs)}
          {head('staleness', t.col.lastSync)}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.id}
            data-shelter-id={r.id}
            class={`hq-row hq-row--${r.band}${r.stale ? ' hq-row--stale' : ''}`}
          >
            <th scope="row">
              {onSelect ? (
                <button type="button" class="link-button hq-row__name" onClick={() => onSelect(r.id)}>
                  <span class={`hq-swatch hq-band--${r.band}`} aria-hidden="true" />
                  <span>{r.name}</span>
                </button>
              ) : (
                <>
                  <span class={`hq-swatch hq-band--${r.band}`} aria-hidden="true" />
                  {r.name}
                </>
              )}
            </th>
            <td class="num" data-testid="row-headcount">
              {r.headcount}
              <span class="muted">/{r.capacity}</span>
            </td>
            <td class="num">
              {r.status === 'closed' ? t.crowding.closed : r.occupancy === null ? '—' : `${occupancyPercent(r.occupancy)}%`}
            </td>
            <td class="num">{r.needsTotal}</td>
            <td class={r.stale ? 'hq-stale' : undefined} title={r.stale ? t.staleTitle(STALE_AFTER_MINUTES) : undefined}>
              {r.status === 'closed' && r.minutesSinceUpdate === null ? '—' : r.minutesSinceUpdate === null ? t.neverSynced : t.ago(r.minutesSinceUpdate)}
              {r.stale && <span class="hq-stale__flag">⚠ {t.stale}</span>}
              <LinkNote link={view.links[r.id]} view={view} />
            </td>
          </tr>
        ))}
      </tbody>
      {rows.length < sorted.length && (
        <tfoot>
          <tr>
            <td colSpan={5} class="muted" data-testid="table-more" data-page={shown + 1} data-pages={pages}>
              {t.pageOf(shown + 1, pages, shown * (limit ?? 0) + 1, shown * (limit ?? 0) + rows.length, sorted.length)}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
