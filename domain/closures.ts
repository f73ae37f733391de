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
  properties: { id: string; reason: string; road?: string; since: string; until: string | null; source: string };
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
    ...(typeof m.get('road') === 'string' && m.get('road') ? { road: m.get('road') as string } : {}),
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
      properties: { id: c.id, reason: c.reason, ...(c.road ? { road: c.road } : {}), since: c.since, until: c.until, source: c.source },
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
    if (closure.road) m.set('road', closure.road);
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
    for (const key of ['geometry', 'reason', 'road', 'since', 'until', 'source'] as const) {
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

/** What can be wrong with an imported closure; codes so that the HQ screen can translate them. */
export type ClosureProblemCode =
  | 'not-feature-collection' | 'no-features' | 'not-a-feature'
  | 'geometry-missing' | 'geometry-type' | 'empty-geometry' | 'too-few-positions' | 'not-a-position'
  | 'not-a-number' | 'longitude-range' | 'latitude-range' | 'ring-not-closed'
  | 'reason-required' | 'reason-too-long' | 'since-not-iso' | 'until-not-iso' | 'until-not-after-since'
  | 'source-not-text' | 'source-too-long' | 'road-too-long';

export interface GeometryProblem {
  code: ClosureProblemCode;
  /** The offending value (a geometry type, a longitude…) when there is one. */
  value?: string | number;
}

export interface ClosureProblem extends GeometryProblem {
  /** Index of the feature in the file; null for a problem of the whole file. */
  feature: number | null;
}

function positionProblem(p: unknown): GeometryProblem | null {
  if (!Array.isArray(p) || p.length < 2) return { code: 'not-a-position' };
  if (!p.every((n) => typeof n === 'number' && Number.isFinite(n))) return { code: 'not-a-number' };
  const [lon, lat] = p as number[];
  if (lon < -180 || lon > 180) return { code: 'longitude-range', value: lon };
  if (lat < -90 || lat > 90) return { code: 'latitude-range', value: lat };
  return null;
}

function lineProblem(line: unknown, minPositions: number): GeometryProblem | null {
  if (!Array.isArray(line)) return { code: 'not-a-position' };
  if (line.length < minPositions) return { code: 'too-few-positions', value: line.length };
  for (const p of line) {
    const e = positionProblem(p);
    if (e) return e;
  }
  return null;
}

function polygonProblem(rings: unknown): GeometryProblem | null {
  if (!Array.isArray(rings) || rings.length < 1) return { code: 'empty-geometry' };
  for (const ring of rings) {
    const e = lineProblem(ring, 4);
    if (e) return e;
    const first = (ring as number[][])[0];
    const last = (ring as number[][])[(ring as number[][]).length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) return { code: 'ring-not-closed' };
  }
  return null;
}

function eachProblem(parts: unknown, check: (part: unknown) => GeometryProblem | null): GeometryProblem | null {
  if (!Array.isArray(parts) || parts.length < 1) return { code: 'empty-geometry' };
  for (const part of parts) {
    const e = check(part);
    if (e) return e;
  }
  return null;
}

/** What is wrong with a geometry for a closure (lines or areas, WGS 84 lon/lat), or null. */
export function geometryProblem(g: unknown): GeometryProblem | null {
  if (!g || typeof g !== 'object') return { code: 'geometry-missing' };
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (!(CLOSURE_GEOMETRY_TYPES as readonly unknown[]).includes(type)) {
    return { code: 'geometry-type', value: JSON.stringify(type) ?? 'undefined' };
  }
  switch (type as ClosureGeometryType) {
    case 'LineString':
      return lineProblem(coordinates, 2);
    case 'MultiLineString':
      return eachProblem(coordinates, (l) => lineProblem(l, 2));
    case 'Polygon':
      return polygonProblem(coordinates);
    case 'MultiPolygon':
      return eachProblem(coordinates, polygonProblem);
  }
}

function closureProblems(c: RoadClosure): ClosureProblemCode[] {
  const problems: ClosureProblemCode[] = [];
  const g = geometryProblem(c.geometry);
  if (g) problems.push(g.code);
  if (!c.reason.trim()) problems.push('reason-required');
  if (!isIso(c.since)) problems.push('since-not-iso');
  if (c.until !== null && !isIso(c.until)) problems.push('until-not-iso');
  if (c.until !== null && isIso(c.since) && isIso(c.until) && Date.parse(c.until) <= Date.parse(c.since)) {
    problems.push('until-not-after-since');
  }
  return problems;
}

/** The longest reason or source kept from a file; longer text is an error, not silently cut. */
export const MAX_CLOSURE_TEXT = 500;
