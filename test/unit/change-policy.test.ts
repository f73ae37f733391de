import { describe, expect, it } from 'vitest';
import { CHANGE_SPREAD_MS, QUIET_REFRESH_MS, RECONNECT_SPREAD_MS, closuresFetchWithin, statusFetchWithin } from '../../web/resident/change-policy';

const NOW = Date.parse('2026-12-07T09:00:00Z');
const fresh = { etag: '"a"', checkedAt: NOW - 1_000 };
const stale = { etag: '"a"', checkedAt: NOW - QUIET_REFRESH_MS - 1 };

describe('what a resident page does with a change event', () => {
  it('fetches nothing when its copy is the current one', () => {
    expect(statusFetchWithin({ status: '"a"' }, fresh, false, NOW)).toBeNull();
    expect(statusFetchWithin({ status: '"a"', levels: { d1: { level: 4 } } }, fresh, true, NOW)).toBeNull();
    expect(closuresFetchWithin({ closures: '"c"' }, '"c"', false)).toBeNull();
  });

  it('leaves a change of counts alone to its regular check while its copy is fresh', () => {
    expect(statusFetchWithin({ status: '"b"' }, fresh, false, NOW)).toBeNull();
    expect(statusFetchWithin({ status: '"b"' }, stale, false, NOW)).toBe(CHANGE_SPREAD_MS);
    expect(statusFetchWithin({ status: '"b"' }, { etag: '"a"', checkedAt: null }, false, NOW)).toBe(CHANGE_SPREAD_MS);
  });

  it('always fetches after a new level or a shelter opening, closing or full, spread over the window', () => {
    expect(statusFetchWithin({ status: '"b"', levels: { d1: { level: 4 } } }, fresh, false, NOW)).toBe(CHANGE_SPREAD_MS);
    expect(statusFetchWithin({ status: '"b"', levels: {} }, fresh, false, NOW)).toBeNull();
    expect(statusFetchWithin({ status: '"b"', shelters: true }, fresh, false, NOW)).toBe(CHANGE_SPREAD_MS);
  });

  it('catches a stale copy up quickly on the first event of a connection', () => {
    expect(statusFetchWithin({ status: '"b"' }, fresh, true, NOW)).toBe(RECONNECT_SPREAD_MS);
    expect(statusFetchWithin({ status: '"b"' }, undefined, true, NOW)).toBe(RECONNECT_SPREAD_MS);
    expect(closuresFetchWithin({ closures: '"d"' }, '"c"', true)).toBe(RECONNECT_SPREAD_MS);
    expect(closuresFetchWithin({ closures: '"d"' }, null, false)).toBe(CHANGE_SPREAD_MS);
  });
});
