// What an open resident page does with an event of /api/public/changes: whether to fetch again,
// and within how long. Every open page in the city hears the same event in the same second, so
// a fetch is made at a random moment within a window (feed.ts checkSoon), and a change of
// counts alone is not worth one for a copy that is still fresh. The page (main.tsx) and the
// disaster bench's simulated pages (bench/disaster-residents.ts) both follow this.
import type { ChangeEvent } from './public-layers';

/** The window over which open pages spread their fetch after a change event. */
export const CHANGE_SPREAD_MS = 20_000;
/** The same, for the first event of a connection, when the page's copy is not the current one. */
export const RECONNECT_SPREAD_MS = 2_000;
/**
 * Counts change with every check-in: after a change of counts alone a page whose copy is younger
 * than this leaves it to its regular check (a new level rides on the event itself; a shelter that
 * opens, closes or is declared full is always fetched).
 */
export const QUIET_REFRESH_MS = 30_000;

/** The page's copy of a layer: its ETag and when it was last checked (epoch ms). */
export interface KeptCopy {
  etag?: string | null;
  checkedAt?: number | null;
}

export function bringsLevels(event: ChangeEvent): boolean {
  return !!event.levels && Object.keys(event.levels).length > 0;
}

/**
 * Within how many milliseconds to fetch status.json after `event`, or null for not at all.
 * `first`: the first event of a connection (it says what is current: a copy fetched before a
 * change the stream was not yet open to announce is caught up at once).
 */
export function statusFetchWithin(event: ChangeEvent, kept: KeptCopy | undefined, first: boolean, now: number): number | null {
  if (!event.status || event.status === kept?.etag) return null;
  if (first) return RECONNECT_SPREAD_MS;
  const fresh = kept?.checkedAt != null && now - kept.checkedAt < QUIET_REFRESH_MS;
  return bringsLevels(event) || event.shelters === true || !fresh ? CHANGE_SPREAD_MS : null;
}

/** The same for road closures: any new closure layer is fetched. */
export function closuresFetchWithin(event: ChangeEvent, keptEtag: string | null | undefined, first: boolean): number | null {
  if (!event.closures || event.closures === keptEtag) return null;
  return first ? RECONNECT_SPREAD_MS : CHANGE_SPREAD_MS;
}
