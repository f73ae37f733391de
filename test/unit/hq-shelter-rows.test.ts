import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hqShelters, toYMap } from '../../domain/schema';
import type { ShelterSummary } from '../../domain/overview';
import { STALE_AFTER_MINUTES, shelterRows, sortRows, totals } from '../../web/hq/shelter-rows';

const now = new Date('2026-11-22T03:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

function summary(shelterId: string, p: Partial<ShelterSummary>): ShelterSummary {
  return {
    shelterId,
    status: 'open',
    present: { shelter: 0, car: 0, home: 0 },
    needs: {},
    ageGroups: { infant: 0, child: 0, adult: 0, elderly: 0 },
    arrivalsToday: 0,
    departuresToday: 0,
    openRequests: [],
    lowStock: [],
    lastUpdateAt: minutesAgo(1),
    ...p,
  };
}

function registry(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const [id, capacity] of [['a', 100], ['b', 50], ['c', 200], ['never', 80]] as const) {
      hqShelters(doc).set(id, toYMap({ name: id, address: '', lat: 32.5, lon: 130.6, capacity, districtId: 'd', hazards: [] }));
    }
  });
  return doc;
}

describe('HQ shelter rows', () => {
  const summaries = new Map([
    ['a', summary('a', { present: { shelter: 85, car: 10, home: 2 }, needs: { wheelchair: 2, medical: 1 } })],
    ['b', summary('b', { present: { shelter: 10, car: 0, home: 0 }, lastUpdateAt: minutesAgo(STALE_AFTER_MINUTES + 5) })],
    ['c', summary('c', { status: 'closed', lastUpdateAt: minutesAgo(600) })],
    ['ad-hoc', summary('ad-hoc', { present: { shelter: 3, car: 0, home: 0 } })],
  ]);
  const rows = shelterRows(registry(), summaries, now);
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));

  it('joins the registry with the live summaries: crowding from people in the building against capacity', () => {
    expect(byId.a).toMatchObject({ headcount: 85, occupancy: 0.85, band: 'full', needsTotal: 3, stale: false });
    expect(byId.b).toMatchObject({ band: 'available', stale: true });
  });

  it('a shelter never opened on a tablet is closed, not stale; a closed one is never stale', () => {
    expect(byId.never).toMatchObject({ status: 'closed', band: 'closed', stale: false, minutesSinceUpdate: null });
    expect(byId.c).toMatchObject({ status: 'closed', stale: false });
  });

  it('shows a shelter document HQ has no registry entry for, without a place', () => {
    expect(byId['ad-hoc']).toMatchObject({ name: 'ad-hoc', headcount: 3 });
    expect(Number.isNaN(byId['ad-hoc'].lat)).toBe(true);
  });

  it('sorts by occupancy, needs and silence (longest silence first, closed last)', () => {
    expect(sortRows(rows, 'occupancy').map((r) => r.id).slice(0, 2)).toEqual(['a', 'b']);
    expect(sortRows(rows, 'needs')[0].id).toBe('a');
    expect(sortRows(rows, 'staleness').map((r) => r.id)).toEqual(['b', 'a', 'ad-hoc', 'c', 'never']);
  });

  it('totals people by stay type, needs, open shelters and open requests', () => {
    expect(totals(rows)).toEqual({ present: { shelter: 98, car: 10, home: 2 }, needs: 3, openShelters: 3, openRequests: 0 });
  });
});
