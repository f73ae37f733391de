// Road closures drawn or imported by HQ, and the GeoJSON layer residents and the map read.
// Each closure is a Y.Map (schema v1) so that a new end time set at one desk and a corrected
// reason typed at another both survive.
import * as Y from 'yjs';
import { type RoadClosure, hqRoadClosures } from './schema';
import { asPlain, asString, asStringOrNull, timeOf } from './coerce';
import { type Result, err, ok } from './result';

export const CLOSURE_GEOMETRY_TYPES = ['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] as const;
export type ClosureGeometryType = (typeof CLOSURE_GEOMETRY_TYPES)[number];

export interface ClosureFeature {
  type: 'Feature';
  id: string;
  geometry: RoadClosure['geometry'];
  properties: { id: string; reason: string; since: string; until: string | null; source: string };
}

export interface ClosureFeatureCollection {
  type: 'FeatureCollection';
  features: ClosureFeature[];
}

// ---- reading --------------------------------------------------------------------------------

function readClosureMap(id: string, m: Y.Map<unknown>): RoadClosure | null {
  const geometry = asPlain(m.get('geometry')) as RoadClosure['geometry'] | undefined;
  if (!geometry || typeof geometry !== 'object' || typeof geometry.type !== 'string') return null;
  return {
    id,
    geometry,
    reason: asString(m.get('reason')),
    since: asString(m.get('since')),
    until: asStringOrNull(m.get('until')),
    source: asString(m.get('source')),
  };
}

/** Every closure with a geometry, ordered by start time then id. */
export function readClosures(hqDoc: Y.Doc): RoadClosure[] {
  const out: RoadClosure[] = [];
  hqRoadClosures(hqDoc).forEach((m, id) => {
    if (!(m instanceof Y.Map)) return;
    const c = readClosureMap(id, m);
    if (c) out.push(c);
  });
  return out.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * In force at `now`: started (a missing or unreadable start counts as started) and not yet
 * ended (no end, or an end in the future).
 */
export function isClosureActive(c: RoadClosure, now: Date): boolean {
  const t = now.getTime();
  const since = timeOf(c.since);
  if (since > t) return false;
  if (c.until === null) return true;
  const until = timeOf(c.until);
  return Number.isNaN(until) || until > t;
}

export function activeClosures(hqDoc: Y.Doc, now: Date): RoadClosure[] {
  return readClosures(hqDoc).filter((c) => isClosureActive(c, now));
}

/**
 * The public layer: closures in force at `now` as a FeatureCollection. A closure whose geometry
 * is not a valid line or area (written by a foreign client) is left out rather than handed to
 * every phone's map renderer.
 */
export function closuresFeatureCollection(hqDoc: Y.Doc, now: Date): ClosureFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: activeClosures(hqDoc, now).filter((c) => geometryProblem(c.geometry) === null).map((c) => ({
      type: 'Feature',
      id: c.id,
      geometry: c.geometry,
      properties: { id: c.id, reason: c.reason, since: c.since, until: c.until, source: c.source },
    })),
  };
}

// ---- writing --------------------------------------------------------------------------------

export type ClosureError = 'not-found' | 'already-exists' | 'invalid';

export function addClosure(hqDoc: Y.Doc, closure: RoadClosure): Result<RoadClosure, ClosureError> {
  const closures = hqRoadClosures(hqDoc);
  if (closures.has(closure.id)) return err('already-exists');
  const problems = closureProblems(closure);
  if (problems.length > 0) return err('invalid');
  hqDoc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('geometry', closure.geometry);
    m.set('reason', closure.reason);
    m.set('since', closure.since);
    m.set('until', closure.until);
    m.set('source', closure.source);
    closures.set(closure.id, m);
  });
  return ok(closure);
}

/** Adds many closures in one transaction (an import is all or nothing). */
export function addClosures(hqDoc: Y.Doc, list: readonly RoadClosure[]): Result<RoadClosure[], ClosureError> {
  const closures = hqRoadClosures(hqDoc);
  for (const c of list) {
    if (closures.has(c.id)) return err('already-exists');
    if (closureProblems(c).length > 0) return err('invalid');
  }
  hqDoc.transact(() => {
    for (const c of list) addClosure(hqDoc, c);
  });
  return ok([...list]);
}

export type ClosurePatch = Partial<Omit<RoadClosure, 'id'>>;

/** Sets only the keys that change, so concurrent edits of other keys are kept. */
export function updateClosure(hqDoc: Y.Doc, id: string, patch: ClosurePatch): Result<RoadClosure, ClosureError> {
  const m = hqRoadClosures(hqDoc).get(id);
  if (!(m instanceof Y.Map)) return err('not-found');
  const current = readClosureMap(id, m);
  const next: RoadClosure = { ...(current ?? { id, geometry: { type: '', coordinates: [] }, reason: '', since: '', until: null, source: '' }), ...patch, id };
  if (closureProblems(next).length > 0) return err('invalid');
  hqDoc.transact(() => {
    for (const key of ['geometry', 'reason', 'since', 'until', 'source'] as const) {
      if (!(key in patch)) continue;
      if (JSON.stringify(current?.[key]) === JSON.stringify(next[key])) continue;
      m.set(key, next[key]);
    }
  });
  return ok(next);
}

export function removeClosure(hqDoc: Y.Doc, id: string): Result<true, ClosureError> {
  const closures = hqRoadClosures(hqDoc);
  if (!closures.has(id)) return err('not-found');
  closures.delete(id);
  return ok(true);
}

// ---- validation -----------------------------------------------------------------------------

const isIso = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));

function positionProblem(p: unknown): string | null {
  if (!Array.isArray(p) || p.length < 2) return 'a position is not an array of [lon, lat]';
  if (!p.every((n) => typeof n === 'number' && Number.isFinite(n))) return 'a coordinate is not a number';
  const [lon, lat] = p as number[];
  if (lon < -180 || lon > 180) return `longitude ${lon} is outside −180…180`;
  if (lat < -90 || lat > 90) return `latitude ${lat} is outside −90…90`;
  return null;
}

function lineProblem(line: unknown, what: string): string | null {
  if (!Array.isArray(line) || line.length < 2) return `${what} needs at least 2 positions`;
  for (const p of line) {
    const e = positionProblem(p);
    if (e) return e;
  }
  return null;
}

function polygonProblem(rings: unknown, what: string): string | null {
  if (!Array.isArray(rings) || rings.length < 1) return `${what} needs at least one ring`;
  for (const ring of rings) {
    if (!Array.isArray(ring) || ring.length < 4) return `a ring of ${what} needs at least 4 positions`;
    const e = lineProblem(ring, 'a ring');
    if (e) return e;
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) return `a ring of ${what} is not closed (first and last positions differ)`;
  }
  return null;
}

/** What is wrong with a geometry for a closure, or null. */
export function geometryProblem(g: unknown): string | null {
  if (!g || typeof g !== 'object') return 'geometry is missing';
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (!(CLOSURE_GEOMETRY_TYPES as readonly unknown[]).includes(type)) {
    return `geometry type ${JSON.stringify(type)} is not one of ${CLOSURE_GEOMETRY_TYPES.join(', ')}`;
  }
  switch (type as ClosureGeometryType) {
    case 'LineString':
      return lineProblem(coordinates, 'a LineString');
    case 'MultiLineString':
      if (!Array.isArray(coordinates) || coordinates.length < 1) return 'a MultiLineString needs at least one line';
      for (const l of coordinates) {
        const e = lineProblem(l, 'each line of a MultiLineString');
        if (e) return e;
      }
      return null;
    case 'Polygon':
      return polygonProblem(coordinates, 'a Polygon');
    case 'MultiPolygon':
      if (!Array.isArray(coordinates) || coordinates.length < 1) return 'a MultiPolygon needs at least one polygon';
      for (const poly of coordinates) {
        const e = polygonProblem(poly, 'a MultiPolygon');
        if (e) return e;
      }
      return null;
  }
}

function closureProblems(c: RoadClosure): string[] {
  const problems: string[] = [];
  const g = geometryProblem(c.geometry);
  if (g) problems.push(g);
  if (!c.reason.trim()) problems.push('reason is required');
  if (!isIso(c.since)) problems.push('since is not an ISO time');
  if (c.until !== null && !isIso(c.until)) problems.push('until is not an ISO time');
  if (c.until !== null && isIso(c.since) && isIso(c.until) && Date.parse(c.until) <= Date.parse(c.since)) {
    problems.push('until is not after since');
  }
  return problems;
}

export type ClosureImport = { ok: true; closures: RoadClosure[] } | { ok: false; errors: string[] };

/** The longest reason or source kept from a file; longer text is an error, not silently cut. */
export const MAX_CLOSURE_TEXT = 500;

/**
 * Checks a GeoJSON FeatureCollection of closures. All or nothing: one bad feature rejects the
 * file, and every problem is listed with the index of its feature so the file can be fixed.
 * Each closure gets a new id (ids in foreign files are not unique across sources); a missing
 * `since` means now, a missing `until` means until further notice, a missing `source` is 'import'.
 */
export function validateClosureImport(json: unknown, now: Date, newId: () => string): ClosureImport {
  if (!json || typeof json !== 'object' || (json as { type?: unknown }).type !== 'FeatureCollection') {
    return { ok: false, errors: ['the file is not a GeoJSON FeatureCollection'] };
  }
  const features = (json as { features?: unknown }).features;
  if (!Array.isArray(features)) return { ok: false, errors: ['the FeatureCollection has no "features" array'] };
  if (features.length === 0) return { ok: false, errors: ['the FeatureCollection has no features'] };
  const errors: string[] = [];
  const closures: RoadClosure[] = [];
  features.forEach((f: unknown, i) => {
    const at = `feature ${i}`;
    if (!f || typeof f !== 'object' || (f as { type?: unknown }).type !== 'Feature') {
      errors.push(`${at}: not a GeoJSON Feature`);
      return;
    }
    const { geometry, properties } = f as { geometry?: unknown; properties?: unknown };
    const props = (properties && typeof properties === 'object' ? properties : {}) as Record<string, unknown>;
    const mine: string[] = [];
    const g = geometryProblem(geometry);
    if (g) mine.push(g);
    const reason = typeof props.reason === 'string' ? props.reason.trim() : '';
    if (!reason) mine.push('property "reason" is required');
    else if (reason.length > MAX_CLOSURE_TEXT) mine.push(`property "reason" is longer than ${MAX_CLOSURE_TEXT} characters`);
    const since = props.since ?? null;
    const until = props.until ?? null;
    if (since !== null && !isIso(since)) mine.push('property "since" is not an ISO 8601 time');
    if (until !== null && !isIso(until)) mine.push('property "until" is not an ISO 8601 time');
    const sinceIso = isIso(since) ? since : now.toISOString();
    if (isIso(until) && Date.parse(until) <= Date.parse(sinceIso)) mine.push('property "until" is not after "since"');
    const source = props.source ?? 'import';
    if (typeof source !== 'string') mine.push('property "source" is not text');
    else if (source.length > MAX_CLOSURE_TEXT) mine.push(`property "source" is longer than ${MAX_CLOSURE_TEXT} characters`);
    if (mine.length > 0) {
      for (const e of mine) errors.push(`${at}: ${e}`);
      return;
    }
    closures.push({
      id: newId(),
      // Only type and coordinates: a file's bbox, crs or foreign members are not ours to keep.
      geometry: { type: (geometry as RoadClosure['geometry']).type, coordinates: (geometry as RoadClosure['geometry']).coordinates },
      reason,
      since: sinceIso,
      until: isIso(until) ? until : null,
      source: (source as string).trim() || 'import',
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, closures };
}
