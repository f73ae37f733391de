// What HQ shows per shelter: the registry entry (hq document: name, place, capacity, district)
// joined with the live summary from the overview stream (people, needs, requests, last sync).
import { effectiveCapacity } from '../../domain/capacity';
import type * as Y from 'yjs';
import type { ShelterSummary } from '../../domain/overview';
import { type CrowdingBand, type ShelterInfo, type ShelterStatus, type StayType, type SupplyRequest, hqDistricts, hqShelters } from '../../domain/schema';
import { asFiniteNumber, asString } from '../../domain/coerce';
import { crowdingBand } from '../../domain/public-status';

/** A shelter not heard from for this long is flagged on the map and in the table. */
export const STALE_AFTER_MINUTES = 30;

/** The registry entry (hazards aside) joined with the live summary. */
export interface ShelterRow extends Omit<ShelterInfo, 'hazards'> {
  /** No summary yet: the shelter has never been opened on a tablet. */
  status: ShelterStatus;
  present: Record<StayType, number>;
  /** People in the shelter building (stay = shelter): what capacity is about. */
  headcount: number;
  occupancy: number | null;
  band: CrowdingBand;
  needs: Record<string, number>;
  needsTotal: number;
  openRequests: SupplyRequest[];
  /** Open and acknowledged requests in all (the summary lists at most SUMMARY_LIMITS.requests). */
  requestCounts: { open: number; acknowledged: number };
  closedRequests: SupplyRequest[];
  /** 受入対象者 and 備考 from the registry file, when it had them. */
  accepts: string;
  note: string;
  lastUpdateAt: string | null;
  /** Minutes since the last update, null when never. */
  minutesSinceUpdate: number | null;
  stale: boolean;
}

export interface Totals {
  present: Record<StayType, number>;
  needs: number;
  openShelters: number;
  openRequests: number;
}

export function shelterRows(hqDoc: Y.Doc, summaries: ReadonlyMap<string, ShelterSummary>, now: Date): ShelterRow[] {
  const rows: ShelterRow[] = [];
  const seen = new Set<string>();
  const make = (id: string, reg: Y.Map<unknown> | undefined): ShelterRow => {
    const s = summaries.get(id);
    const capacity = effectiveCapacity(asFiniteNumber(reg?.get('capacity'), 0), s?.reportedCapacity);
    const status: ShelterStatus = s?.status ?? 'closed';
    const present = s?.present ?? { shelter: 0, car: 0, home: 0 };
    const needs = s?.needs ?? {};
    const minutes = s?.lastUpdateAt ? Math.max(0, Math.floor((now.getTime() - Date.parse(s.lastUpdateAt)) / 60_000)) : null;
    return {
      id,
      name: asString(reg?.get('name'), id) || id,
      address: asString(reg?.get('address')),
      lat: asFiniteNumber(reg?.get('lat'), Number.NaN),
      lon: asFiniteNumber(reg?.get('lon'), Number.NaN),
      capacity,
      districtId: asString(reg?.get('districtId')),
      status,
      present,
      headcount: present.shelter,
      occupancy: capacity > 0 ? present.shelter / capacity : null,
      band: crowdingBand(present.shelter, capacity, status),
      needs,
      needsTotal: Object.values(needs).reduce((a, b) => a + b, 0),
      openRequests: s?.openRequests ?? [],
      requestCounts: s?.requestCounts ?? {
        open: (s?.openRequests ?? []).filter((q) => q.status === 'open').length,
        acknowledged: (s?.openRequests ?? []).filter((q) => q.status === 'acknowledged').length,
      },
      closedRequests: s?.closedRequests ?? [],
      accepts: asString(reg?.get('accepts')),
      note: asString(reg?.get('note')),
      lastUpdateAt: s?.lastUpdateAt ?? null,
      minutesSinceUpdate: minutes,
      stale: status !== 'closed' && s !== undefined && (minutes === null || minutes >= STALE_AFTER_MINUTES),
    };
  };
  hqShelters(hqDoc).forEach((reg, id) => {
    seen.add(id);
    rows.push(make(id, reg));
  });
  // A shelter document HQ has no registry entry for (opened ad hoc): shown, without a place.
  for (const id of summaries.keys()) if (!seen.has(id)) rows.push(make(id, undefined));
  return rows;
}

export function totals(rows: readonly ShelterRow[]): Totals {
  const t: Totals = { present: { shelter: 0, car: 0, home: 0 }, needs: 0, openShelters: 0, openRequests: 0 };
  for (const r of rows) {
    t.present.shelter += r.present.shelter;
    t.present.car += r.present.car;
    t.present.home += r.present.home;
    t.needs += r.needsTotal;
    if (r.status !== 'closed') t.openShelters++;
    t.openRequests += r.requestCounts.open;
  }
  return t;
}

export function districtNames(hqDoc: Y.Doc): Map<string, string> {
  const names = new Map<string, string>();
  hqDistricts(hqDoc).forEach((m, id) => names.set(id, asString(m.get('name'), id)));
  return names;
}

export type SortKey = 'occupancy' | 'needs' | 'staleness' | 'name' | 'people';

export function sortRows(rows: readonly ShelterRow[], key: SortKey): ShelterRow[] {
  const by: Record<SortKey, (a: ShelterRow, b: ShelterRow) => number> = {
    occupancy: (a, b) => (b.occupancy ?? -1) - (a.occupancy ?? -1) || b.headcount - a.headcount,
    people: (a, b) => b.headcount - a.headcount,
    needs: (a, b) => b.needsTotal - a.needsTotal,
    // never heard from first, then the longest silence; closed shelters last
    staleness: (a, b) => staleRank(b) - staleRank(a),
    name: (a, b) => a.name.localeCompare(b.name, 'ja'),
  };
  return [...rows].sort((a, b) => by[key](a, b) || a.name.localeCompare(b.name, 'ja'));
}

function staleRank(r: ShelterRow): number {
  if (r.status === 'closed') return -1;
  return r.minutesSinceUpdate ?? Number.MAX_SAFE_INTEGER;
}
