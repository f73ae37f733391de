// The public status layer (status.json): districts with their levels and every shelter with
// counts and crowding. Built only from the hq registry and the shelter summaries' counts, so no
// name, household or per-person need can reach it by construction.
import type * as Y from 'yjs';
import { HAZARDS, type Hazard, type Level, hqDistricts, hqMeta, hqShelters } from './schema';
import { effectiveCapacity } from './capacity';
import type { ReportCounts } from './evacuation-reports';
import { type PublicDistrict, type PublicShelter, type PublicStatus, crowdingBand } from './public-status';
import { asFiniteNumber, asPlain, asString, asStringOrNull } from './coerce';
import type { ShelterSummary } from './overview';

/** Levels outside 0–5 (or not numbers) are clamped rather than shown as something unknown. */
export function clampLevel(v: unknown): Level {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0;
  return Math.min(5, Math.max(0, n)) as Level;
}

function hazardsOf(v: unknown): Hazard[] {
  const list = asPlain(v);
  if (!Array.isArray(list)) return [];
  return list.filter((h): h is Hazard => (HAZARDS as readonly unknown[]).includes(h));
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function readPublicDistricts(hqDoc: Y.Doc): PublicDistrict[] {
  const out: PublicDistrict[] = [];
  hqDistricts(hqDoc).forEach((m, id) => {
    if (typeof m?.get !== 'function') return;
    out.push({
      id,
      name: asString(m.get('name'), id),
      level: clampLevel(m.get('level')),
      issuedAt: asStringOrNull(m.get('issuedAt')),
    });
  });
  return out.sort(byId);
}

/**
 * Every shelter of the registry with its public counts. A shelter with no document yet has never
 * been opened by its staff: it is shown closed, so residents are never sent to a locked building
 * (HQ's wall reads it the same way). A document without a status counts as open (staff use it).
 */
export function buildPublicStatus(
  hqDoc: Y.Doc,
  summaries: ReadonlyMap<string, ShelterSummary>,
  now: Date,
  /** Residents' anonymous reports of the current level event, per district (numbers only). */
  reports: ReadonlyMap<string, ReportCounts> = new Map(),
): PublicStatus {
  const shelters: PublicShelter[] = [];
  hqShelters(hqDoc).forEach((m, id) => {
    if (typeof m?.get !== 'function') return;
    const s = summaries.get(id);
    const capacity = effectiveCapacity(Math.max(0, Math.floor(asFiniteNumber(m.get('capacity')))), s?.reportedCapacity);
    const stay = {
      shelter: s?.present.shelter ?? 0,
      car: s?.present.car ?? 0,
      home: s?.present.home ?? 0,
    };
    const status = s?.status ?? 'closed';
    shelters.push({
      id,
      name: asString(m.get('name'), id),
      lat: asFiniteNumber(m.get('lat')),
      lon: asFiniteNumber(m.get('lon')),
      districtId: asString(m.get('districtId')),
      hazards: hazardsOf(m.get('hazards')),
      status,
      capacity,
      headcount: stay.shelter,
      stay,
      crowding: crowdingBand(stay.shelter, capacity, status),
      updatedAt: s?.lastUpdateAt ?? null,
    });
  });
  return {
    generatedAt: now.toISOString(),
    region: asString(hqMeta(hqDoc).get('region')),
    districts: readPublicDistricts(hqDoc).map((d) => (reports.has(d.id) ? { ...d, reports: reports.get(d.id)! } : d)),
    shelters: shelters.sort(byId),
  };
}
