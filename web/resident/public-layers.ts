// Readers for the two public layers. The page must keep working on whatever the server (or a
// proxy in between) sends, so each record is checked and odd values get safe defaults; a body
// that is not the layer at all is rejected and the last good copy stays on screen.
import type { PublicDistrict, PublicShelter, PublicStatus } from '../../domain/public-status';
import { CROWDING_BANDS, SHELTER_STATUSES, type Hazard, asLevel, oneOf } from '../../domain/vocabulary';

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;


/** An event of /api/public/changes: the layers' ETags, and the districts whose level changed. */
export interface ChangeEvent {
  status?: string;
  closures?: string;
  levels?: Record<string, { level?: unknown; issuedAt?: unknown }>;
  /** A shelter opened, closed or was declared full (not just its counts). */
  shelters?: boolean;
}

/**
 * The kept status with the levels an event brought (checked like the layer itself; a district
 * the copy does not know is left for the next fetch).
 */
export function withLevels(status: PublicStatus, levels: NonNullable<ChangeEvent['levels']>): PublicStatus {
  return {
    ...status,
    districts: status.districts.map((d) => {
      const l = isObj(levels[d.id]) ? levels[d.id] : null;
      if (!l) return d;
      return { ...d, level: asLevel(l.level), issuedAt: typeof l.issuedAt === 'string' && l.issuedAt ? l.issuedAt : null };
    }),
  };
}

export function parseStatus(json: unknown): PublicStatus | null {
  if (!isObj(json) || !Array.isArray(json.districts) || !Array.isArray(json.shelters)) return null;
  const districts: PublicDistrict[] = json.districts.filter(isObj).map((d) => ({
    id: str(d.id),
    name: str(d.name, str(d.id)),
    level: asLevel(d.level),
    issuedAt: typeof d.issuedAt === 'string' && d.issuedAt ? d.issuedAt : null,
  }));
  const shelters: PublicShelter[] = json.shelters.filter(isObj).map((s) => {
    // An unknown status is shown as closed: a resident must never be sent to a locked building.
    const status = oneOf(SHELTER_STATUSES, s.status, 'closed');
    const stay = isObj(s.stay) ? s.stay : {};
    return {
      id: str(s.id),
      name: str(s.name, str(s.id)),
      lat: num(s.lat, NaN),
      lon: num(s.lon, NaN),
      districtId: str(s.districtId),
      hazards: Array.isArray(s.hazards) ? (s.hazards.filter((h) => typeof h === 'string') as Hazard[]) : [],
      status,
      capacity: num(s.capacity),
      headcount: num(s.headcount),
      stay: { shelter: num(stay.shelter), car: num(stay.car), home: num(stay.home) },
      crowding: oneOf(CROWDING_BANDS, s.crowding, status === 'closed' ? 'closed' : 'available'),
      updatedAt: typeof s.updatedAt === 'string' ? s.updatedAt : null,
    };
  });
  return { generatedAt: str(json.generatedAt), region: str(json.region), districts, shelters };
}

export interface ClosureFeature {
  id: string;
  reason: string;
  /** Where: the road or place, when the closure names one. */
  road: string;
  since: string | null;
  until: string | null;
  source: string;
  geometry: { type: string; coordinates: unknown };
}

export function parseClosures(json: unknown): ClosureFeature[] | null {
  if (!isObj(json) || json.type !== 'FeatureCollection' || !Array.isArray(json.features)) return null;
  return json.features.filter(isObj).flatMap((f, i) => {
    const p = isObj(f.properties) ? f.properties : {};
    const g = f.geometry;
    if (!isObj(g) || typeof g.type !== 'string') return [];
    return [{
      id: str(p.id, str(f.id, String(i))),
      reason: str(p.reason),
      road: str(p.road),
      since: typeof p.since === 'string' && p.since ? p.since : null,
      until: typeof p.until === 'string' && p.until ? p.until : null,
      source: str(p.source),
      geometry: { type: g.type, coordinates: g.coordinates },
    }];
  });
}
