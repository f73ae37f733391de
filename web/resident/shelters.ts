// Which shelters a resident sees, in which order, and which district their location falls in.
// Pure functions over the public status so they can be unit-tested in Node.
import type { Hazard } from '../../domain/schema';
import type { PublicShelter, PublicStatus } from '../../domain/public-status';
import type { SortOrder } from './prefs';

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in metres (haversine; ample for distances within a city). */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The district of the shelter nearest to the resident. Districts in status.json carry no
 * boundaries, so "the district of my nearest designated shelter" is the rule; the page says so
 * and the resident can change the choice.
 */
export function nearestDistrictId(status: PublicStatus, here: LatLon): string | null {
  let best: { id: string; d: number } | null = null;
  for (const s of status.shelters) {
    if (!hasPosition(s)) continue;
    const d = distanceMetres(here, s);
    if (!best || d < best.d) best = { id: s.districtId, d };
  }
  return best && status.districts.some((d) => d.id === best.id) ? best.id : null;
}

function hasPosition(s: PublicShelter): boolean {
  return Number.isFinite(s.lat) && Number.isFinite(s.lon) && !(s.lat === 0 && s.lon === 0);
}

/** Can take people now: open and not full. */
export function isAccepting(s: PublicShelter): boolean {
  return s.status === 'open' && s.crowding !== 'full' && s.crowding !== 'closed';
}

/**
 * Whether a shelter is designated for the hazard. A shelter whose data lists no hazards is
 * "unknown", not unsuitable: many registries leave the columns empty.
 */
export function suitability(s: PublicShelter, hazard: Hazard | 'any'): 'suited' | 'unsuited' | 'unknown' {
  if (hazard === 'any') return 'suited';
  if (!s.hazards || s.hazards.length === 0) return 'unknown';
  return s.hazards.includes(hazard) ? 'suited' : 'unsuited';
}

export interface ListedShelter {
  shelter: PublicShelter;
  distance: number | null;
  suitability: 'suited' | 'unsuited' | 'unknown';
}

export interface ListOptions {
  districtId: string | null;
  allDistricts: boolean;
  hazard: Hazard | 'any';
  sort: SortOrder;
  here: LatLon | null;
  collator: Intl.Collator;
}

// Shelters that can take people come first, then full ones, then closed ones: a resident reading
// from the top should meet a place they can go to.
function availabilityRank(s: PublicShelter): number {
  if (isAccepting(s)) return 0;
  return s.status === 'closed' || s.crowding === 'closed' ? 2 : 1;
}

const SUITABILITY_RANK = { suited: 0, unknown: 1, unsuited: 2 } as const;

export function listShelters(status: PublicStatus, o: ListOptions): ListedShelter[] {
  const inScope = status.shelters.filter((s) => o.allDistricts || !o.districtId || s.districtId === o.districtId);
  const listed = inScope.map((shelter) => ({
    shelter,
    distance: o.here && hasPosition(shelter) ? distanceMetres(o.here, shelter) : null,
    suitability: suitability(shelter, o.hazard),
  }));
  const byDistance = o.sort === 'distance' && o.here !== null;
  return listed.sort(
    (a, b) =>
      availabilityRank(a.shelter) - availabilityRank(b.shelter) ||
      SUITABILITY_RANK[a.suitability] - SUITABILITY_RANK[b.suitability] ||
      (byDistance ? (a.distance ?? Infinity) - (b.distance ?? Infinity) : 0) ||
      o.collator.compare(a.shelter.name, b.shelter.name),
  );
}

/**
 * Where to go now: shelters that accept people and are not known to be unsuited to the hazard,
 * nearest first when the position is known, from every district (the nearest safe place matters
 * more than the district line).
 */
export function sheltersToGoTo(status: PublicStatus, o: ListOptions, max = 3): ListedShelter[] {
  return listShelters(status, { ...o, allDistricts: o.here !== null || o.allDistricts, sort: o.here ? 'distance' : o.sort })
    .filter((l) => isAccepting(l.shelter) && l.suitability !== 'unsuited')
    .slice(0, max);
}
