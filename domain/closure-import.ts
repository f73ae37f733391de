// Road-closure files as road authorities and QGIS produce them: Japanese property keys
// (路線名 / 規制内容 / 理由 / 開始), times like `2026/12/01 06:00` (JST), a `crs` member,
// 3-D coordinates, a feature with a null geometry. The officer sees a preview: which property
// holds the reason, the road, the start and the end (guessed from common keys, changeable), the
// features that will be added or updated, and those skipped with the reason. Valid features are
// imported; invalid ones are listed and skipped — the file is not refused for one bad feature.
// Re-importing the same file updates the closures it created (ids derive from the feature).
import type * as Y from 'yjs';
import { type RoadClosure, hqRoadClosures } from './schema';
import { type ClosureProblem, type GeometryProblem, MAX_CLOSURE_TEXT, addClosure, geometryProblem, updateClosure } from './closures';
import { type Result, err, ok } from './result';

export const CLOSURE_FIELDS = ['reason', 'kind', 'road', 'since', 'until'] as const;
export type ClosureField = (typeof CLOSURE_FIELDS)[number];

/** Which property of the file holds each closure field (null: none). */
export type ClosureMapping = Record<ClosureField, string | null>;

/** Common keys, most specific first, compared after NFKC and lower-casing. */
const GUESSES: Record<ClosureField, string[]> = {
  reason: ['reason', '理由', '規制理由', '通行止め理由', 'cause', 'description', '備考'],
  kind: ['規制内容', '規制種別', '規制', 'restriction', 'type_of_closure', 'closure_type'],
  road: ['road', '路線名', '道路名', '路線', 'road_name', 'roadname', 'street', 'name', '名称', '場所', '区間'],
  since: ['since', '開始', '開始日時', '規制開始', '規制開始日時', 'start', 'start_time', 'starttime', 'from', 'begin'],
  until: ['until', '終了', '終了日時', '規制終了', '規制終了日時', '解除予定', 'end', 'end_time', 'endtime', 'to'],
};

const fold = (k: string) => k.normalize('NFKC').trim().toLowerCase();

import { propertyKeys } from './geojson-props';
export { propertyKeys };

/** The best guess for each field among the file's keys (each key used once). */
export function guessMapping(keys: readonly string[]): ClosureMapping {
  const used = new Set<string>();
  const mapping = { reason: null, kind: null, road: null, since: null, until: null } as ClosureMapping;
  for (const field of CLOSURE_FIELDS) {
    for (const guess of GUESSES[field]) {
      const hit = keys.find((k) => !used.has(k) && fold(k) === fold(guess));
      if (hit) {
        mapping[field] = hit;
        used.add(hit);
        break;
      }
    }
  }
  return mapping;
}

/** Files of the same shape (same property keys) share a remembered mapping. */
export function shapeKey(keys: readonly string[]): string {
  return [...keys].map(fold).sort().join('\u001f');
}

/**
 * A time from a file, as ISO: ISO 8601 (with or without offset: none means JST), or the forms
 * Japanese tables use — `2026/12/01 06:00`, `2026-12-01 06:00`, `2026年12月1日 6時00分` —
 * read as Japan time. null for an empty value; 'invalid' for anything else.
 */
export function parseClosureTime(value: unknown): string | null | 'invalid' {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return 'invalid';
  const s = value.normalize('NFKC').trim();
  if (s === '') return null;
  const m =
    /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})時(?:(\d{1,2})分)?)?()()$/.exec(s);
  if (!m) return 'invalid';
  const [, y, mo, d, h = '0', mi = '0', sec = '0', zone] = m;
  const nums = [y, mo, d, h, mi || '0', sec || '0'].map(Number);
  const [Y, M, D, H, MI, SE] = nums;
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 24 || MI > 59 || SE > 59) return 'invalid';
  let offsetMin = 9 * 60; // JST unless the value says otherwise
  if (zone === 'Z') offsetMin = 0;
  else if (zone) {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const t = Date.UTC(Y, M - 1, D, H, MI, SE) - offsetMin * 60_000;
  const back = new Date(t + offsetMin * 60_000);
  if (back.getUTCDate() !== D || back.getUTCMonth() !== M - 1) return 'invalid'; // 2月30日
  return new Date(t).toISOString();
}

/** Names of WGS 84 longitude/latitude that GeoJSON files carry in `crs`. */
const WGS84_NAMES = [
  'urn:ogc:def:crs:ogc:1.3:crs84', 'urn:ogc:def:crs:ogc::crs84', 'crs84', 'ogc:crs84',
  'epsg:4326', 'urn:ogc:def:crs:epsg::4326', 'urn:ogc:def:crs:epsg:6.6:4326', 'wgs84', 'wgs 84',
  'http://www.opengis.net/def/crs/ogc/1.3/crs84', 'http://www.opengis.net/def/crs/epsg/0/4326',
];

export type FileProblem =
  | { code: 'not-feature-collection' }
  | { code: 'no-features' }
  | { code: 'crs-not-wgs84'; value: string };

/** null when the `crs` member is absent or names WGS 84 lon/lat; else the name that is refused. */
export function crsProblem(json: unknown): FileProblem | null {
  const crs = (json as { crs?: unknown }).crs;
  if (crs === undefined || crs === null) return null;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  const text = typeof name === 'string' ? name : JSON.stringify(crs);
  return WGS84_NAMES.includes(text.trim().toLowerCase()) ? null : { code: 'crs-not-wgs84', value: text };
}

/** Positions reduced to [lon, lat]: altitude (and anything after it) dropped. */
function to2d(coords: unknown, depth: number): unknown {
  if (!Array.isArray(coords)) return coords;
  if (depth === 0) return coords.length > 2 ? coords.slice(0, 2) : coords;
  return coords.map((c) => to2d(c, depth - 1));
}

const DEPTH: Record<string, number> = { LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

export interface PreviewItem {
  feature: number;
  closure: RoadClosure;
  /** A closure with this id exists already: importing updates it. */
  update: boolean;
  /** The file gave a start time (else "now" for a new closure, and the start is kept on an update). */
  sinceGiven: boolean;
}

export interface SkippedFeature {
  feature: number;
  problems: ClosureProblem[];
}

export interface ClosurePreview {
  keys: string[];
  mapping: ClosureMapping;
  items: PreviewItem[];
  skipped: SkippedFeature[];
}

/** A stable id for a feature: its own id, or its geometry and road (FNV-1a over the JSON). */
export function importedClosureId(feature: { id?: unknown }, geometry: unknown, road: string): string {
  const basis = feature.id !== undefined && feature.id !== null ? `id:${String(feature.id)}` : `g:${JSON.stringify(geometry)}|${road}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < basis.length; i++) {
    const c = basis.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x85ebca6b) >>> 0;
  }
  return `imp-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/**
 * What importing `json` with `mapping` would do. File-level problems (not a FeatureCollection,
 * no features, a CRS other than WGS 84) refuse the file; feature-level ones skip that feature.
 */
export function previewClosureImport(
  json: unknown,
  opts: { now: Date; existingIds: ReadonlySet<string>; mapping?: ClosureMapping; source?: string },
): Result<ClosurePreview, FileProblem> {
  if (!json || typeof json !== 'object' || (json as { type?: unknown }).type !== 'FeatureCollection') {
    return err({ code: 'not-feature-collection' });
  }
  const features = (json as { features?: unknown }).features;
  if (!Array.isArray(features) || features.length === 0) return err({ code: 'no-features' });
  const crs = crsProblem(json);
  if (crs) return err(crs);
  const keys = propertyKeys(features);
  const mapping = opts.mapping ?? guessMapping(keys);
  const nowIso = opts.now.toISOString();
  const items: PreviewItem[] = [];
  const skipped: SkippedFeature[] = [];
  const seen = new Set<string>();

  features.forEach((f: unknown, feature) => {
    const problems: GeometryProblem[] = [];
    if (!f || typeof f !== 'object' || (f as { type?: unknown }).type !== 'Feature') {
      skipped.push({ feature, problems: [{ feature, code: 'not-a-feature' }] });
      return;
    }
    const { geometry, properties, id } = f as { geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: unknown; id?: unknown };
    const props = (properties && typeof properties === 'object' ? properties : {}) as Record<string, unknown>;
    const get = (field: ClosureField) => (mapping[field] ? props[mapping[field]!] : undefined);
    const flat =
      geometry && typeof geometry === 'object' && typeof geometry.type === 'string' && geometry.type in DEPTH
        ? { type: geometry.type, coordinates: to2d(geometry.coordinates, DEPTH[geometry.type]) }
        : geometry;
    const g = geometryProblem(flat);
    if (g) problems.push(g);
    const kind = textOf(get('kind'));
    const cause = textOf(get('reason'));
    const reason = kind && cause ? `${kind}(${cause})` : kind || cause;
    if (!reason) problems.push({ code: 'reason-required' });
    else if (reason.length > MAX_CLOSURE_TEXT) problems.push({ code: 'reason-too-long', value: MAX_CLOSURE_TEXT });
    const road = textOf(get('road'));
    if (road.length > MAX_CLOSURE_TEXT) problems.push({ code: 'road-too-long', value: MAX_CLOSURE_TEXT });
    const since = parseClosureTime(get('since'));
    const until = parseClosureTime(get('until'));
    if (since === 'invalid') problems.push({ code: 'since-not-iso', value: textOf(get('since')) });
    if (until === 'invalid') problems.push({ code: 'until-not-iso', value: textOf(get('until')) });
    const start = typeof since === 'string' && since !== 'invalid' ? Date.parse(since) : opts.now.getTime();
    if (typeof until === 'string' && until !== 'invalid' && Date.parse(until) <= start) problems.push({ code: 'until-not-after-since' });
    if (problems.length > 0) {
      skipped.push({ feature, problems: problems.map((p) => ({ feature, ...p })) });
      return;
    }
    const closureId = importedClosureId({ id }, flat, road);
    if (seen.has(closureId)) return; // the same feature twice in one file: once is enough
    seen.add(closureId);
    const geo = flat as RoadClosure['geometry'];
    items.push({
      feature,
      update: opts.existingIds.has(closureId),
      sinceGiven: typeof since === 'string',
      closure: {
        id: closureId,
        geometry: { type: geo.type, coordinates: geo.coordinates },
        reason,
        ...(road ? { road } : {}),
        since: (since as string | null) ?? nowIso,
        until: (until as string | null) ?? null,
        source: opts.source ?? 'import',
      },
    });
  });
  return ok({ keys, mapping, items, skipped });
}

/** Adds the new closures and updates the ones a previous import of the same file created, in one transaction. */
export function applyClosureImport(hqDoc: Y.Doc, items: readonly PreviewItem[]): { added: number; updated: number } {
  let added = 0;
  let updated = 0;
  hqDoc.transact(() => {
    for (const { closure, sinceGiven } of items) {
      if (hqRoadClosures(hqDoc).has(closure.id)) {
        const { id, since, ...rest } = closure;
        if (updateClosure(hqDoc, id, sinceGiven ? { ...rest, since } : rest).ok) updated++;
      } else if (addClosure(hqDoc, closure).ok) added++;
    }
  });
  return { added, updated };
}
