// Hazard layers: the areas a city's hazard maps draw (洪水浸水想定区域 with its depth ranks,
// 家屋倒壊等氾濫想定区域, 土砂災害警戒区域 yellow / 特別警戒区域 red, tsunami and storm-surge
// inundation), in a compact form every phone can fetch once, keep offline and look up the
// home point in without sending it anywhere.
//
// The compact form: coordinates quantized to 1e-5° (about 1 m), each ring delta-encoded, every
// zone with its bounding box; rings simplified (Douglas–Peucker at about 2 m) when built. A
// 20,000-polygon layer is a few MB of JSON and a fraction of that gzipped; the lookup decodes it
// once into typed arrays and a grid, then answers a point in well under a millisecond.
//
// No DOM, no Node: the HQ page builds layers in a worker and the resident page looks them up.

export const HAZARD_KINDS = ['flood', 'collapse', 'landslide', 'tsunami', 'storm-surge'] as const;
export type HazardKind = (typeof HAZARD_KINDS)[number];

/**
 * Depth ranks of 国土数値情報 (the A31 classes the hazard maps draw), in metres. A zone of a
 * flood, tsunami or storm-surge layer carries the rank index as its value.
 */
export const DEPTH_RANKS: readonly { min: number; max: number }[] = [
  { min: 0, max: 0.5 },
  { min: 0.5, max: 3 },
  { min: 3, max: 5 },
  { min: 5, max: 10 },
  { min: 10, max: 20 },
  { min: 20, max: Infinity },
];
export type DepthRank = 0 | 1 | 2 | 3 | 4 | 5;

/** Landslide classes: 1 土砂災害警戒区域 (yellow), 2 土砂災害特別警戒区域 (red). */
export const LANDSLIDE_YELLOW = 1;
export const LANDSLIDE_RED = 2;

/** The values a zone of each kind may carry. */
export function valueRange(kind: HazardKind): { min: number; max: number } {
  if (kind === 'collapse') return { min: 1, max: 1 };
  if (kind === 'landslide') return { min: 1, max: 2 };
  return { min: 0, max: DEPTH_RANKS.length - 1 };
}

export const QUANTUM = 1e5;
/** Simplification tolerance in quantized units (≈ 2 m). */
export const SIMPLIFY_TOLERANCE = 2;
export const MAX_ZONES = 200_000;

/** One zone: a value and its rings (the first outer, the rest holes), each delta-encoded. */
export interface CompactZone {
  /** Depth rank, landslide class or 1 (collapse). */
  v: number;
  /** Bounding box, quantized: [minX, minY, maxX, maxY] (x = lon, y = lat). */
  b: [number, number, number, number];
  /** Rings: [x0, y0, dx1, dy1, dx2, dy2, …] in quantized units. */
  r: number[][];
}

export interface HazardLayer {
  format: 'hinanjo-hazard-1';
  id: string;
  kind: HazardKind;
  name: string;
  /** Where the data came from, as HQ wrote it (e.g. 国土数値情報 A31 令和3年度). */
  source: string;
  importedAt: string;
  zones: CompactZone[];
}

export type Ring = [number, number][];

// ---- building ------------------------------------------------------------------------------

function quantize(v: number): number {
  return Math.round(v * QUANTUM);
}

/** Douglas–Peucker on a closed ring of quantized points; keeps at least 4 points. */
export function simplifyRing(points: [number, number][], tolerance = SIMPLIFY_TOLERANCE): [number, number][] {
  if (points.length <= 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  const t2 = tolerance * tolerance;
  while (stack.length) {
    const [a, z] = stack.pop()!;
    const [ax, ay] = points[a];
    const [zx, zy] = points[z];
    const dx = zx - ax;
    const dy = zy - ay;
    const len2 = dx * dx + dy * dy;
    let worst = -1;
    let worstD = t2;
    for (let i = a + 1; i < z; i++) {
      const [px, py] = points[i];
      let d2: number;
      if (len2 === 0) d2 = (px - ax) ** 2 + (py - ay) ** 2;
      else {
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
      }
      if (d2 > worstD) {
        worstD = d2;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, z]);
    }
  }
  const out = points.filter((_, i) => keep[i]);
  return out.length >= 4 ? out : points;
}

export type RingProblem = 'not-a-ring' | 'bad-coordinate' | 'too-few-points';

/** A GeoJSON ring ([lon, lat] positions) quantized, deduplicated and simplified. */
export function compactRing(ring: unknown): { ok: true; points: [number, number][] } | { ok: false; problem: RingProblem } {
  if (!Array.isArray(ring)) return { ok: false, problem: 'not-a-ring' };
  const pts: [number, number][] = [];
  for (const p of ring) {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return { ok: false, problem: 'bad-coordinate' };
    const [lon, lat] = p;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) return { ok: false, problem: 'bad-coordinate' };
    const q: [number, number] = [quantize(lon), quantize(lat)];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) pts.push(q);
  }
  if (pts.length >= 2 && (pts[0][0] !== pts[pts.length - 1][0] || pts[0][1] !== pts[pts.length - 1][1])) pts.push([pts[0][0], pts[0][1]]);
  if (pts.length < 4) return { ok: false, problem: 'too-few-points' };
  return { ok: true, points: simplifyRing(pts) };
}

function deltaEncode(points: [number, number][]): number[] {
  const out: number[] = [];
  let px = 0;
  let py = 0;
  for (const [x, y] of points) {
    out.push(x - px, y - py);
    px = x;
    py = y;
  }
  return out;
}

/** The polygons of a GeoJSON geometry (Polygon or MultiPolygon), or a reason it has none. */
export function polygonsOf(geometry: unknown): { ok: true; polygons: unknown[][] } | { ok: false; problem: 'no-geometry' | 'not-a-polygon' } {
  if (!geometry || typeof geometry !== 'object') return { ok: false, problem: 'no-geometry' };
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Polygon' && Array.isArray(g.coordinates)) return { ok: true, polygons: [g.coordinates] };
  if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) return { ok: true, polygons: g.coordinates as unknown[][] };
  return { ok: false, problem: 'not-a-polygon' };
}

/** A zone from one polygon (outer ring and holes), or the problem with it. */
export function compactZone(value: number, polygon: unknown[]): { ok: true; zone: CompactZone } | { ok: false; problem: RingProblem } {
  const rings: number[][] = [];
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < polygon.length; i++) {
    const r = compactRing(polygon[i]);
    if (!r.ok) {
      if (i === 0) return r;
      continue; // a broken hole is dropped, the zone stays (it errs on the side of the hazard)
    }
    if (i === 0) {
      for (const [x, y] of r.points) b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    }
    rings.push(deltaEncode(r.points));
  }
  return { ok: true, zone: { v: value, b, r: rings } };
}

// ---- checking what arrives at the server ---------------------------------------------------

export type LayerProblem = 'not-a-layer' | 'bad-kind' | 'bad-name' | 'bad-zone' | 'too-many-zones' | 'empty';

/** Whether `v` is a layer the server can store and phones can read (HQ built it; check anyway). */
export function checkHazardLayer(v: unknown): LayerProblem | null {
  if (!v || typeof v !== 'object') return 'not-a-layer';
  const l = v as Partial<HazardLayer>;
  if (l.format !== 'hinanjo-hazard-1' || typeof l.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(l.id)) return 'not-a-layer';
  if (!HAZARD_KINDS.includes(l.kind as HazardKind)) return 'bad-kind';
  if (typeof l.name !== 'string' || l.name.trim() === '' || l.name.length > 100 || typeof l.source !== 'string' || l.source.length > 200) return 'bad-name';
  if (!Array.isArray(l.zones)) return 'not-a-layer';
  if (l.zones.length === 0) return 'empty';
  if (l.zones.length > MAX_ZONES) return 'too-many-zones';
  const range = valueRange(l.kind as HazardKind);
  for (const z of l.zones) {
    if (!z || typeof z !== 'object' || !Number.isInteger(z.v) || z.v < range.min || z.v > range.max) return 'bad-zone';
    if (!Array.isArray(z.b) || z.b.length !== 4 || !z.b.every(Number.isInteger)) return 'bad-zone';
    if (!Array.isArray(z.r) || z.r.length === 0) return 'bad-zone';
    for (const ring of z.r) if (!Array.isArray(ring) || ring.length < 8 || ring.length % 2 !== 0 || !ring.every(Number.isInteger)) return 'bad-zone';
  }
  return null;
}

// ---- looking up a point ----------------------------------------------------------------------

interface DecodedZone {
  v: number;
  b: [number, number, number, number];
  rings: Int32Array[];
}

export interface LayerIndex {
  kind: HazardKind;
  id: string;
  name: string;
  zones: DecodedZone[];
  /** Grid over the layer's extent: cell → zone indexes whose bounding box touches it. */
  grid: Map<number, number[]>;
  origin: [number, number];
  cell: number;
  cols: number;
}

const GRID_CELLS = 256;

/** Decodes a layer once for lookups. */
export function indexHazardLayer(layer: HazardLayer): LayerIndex {
  const zones: DecodedZone[] = layer.zones.map((z) => ({
    v: z.v,
    b: z.b,
    rings: z.r.map((ring) => {
      const out = new Int32Array(ring.length);
      let x = 0;
      let y = 0;
      for (let i = 0; i < ring.length; i += 2) {
        x += ring[i];
        y += ring[i + 1];
        out[i] = x;
        out[i + 1] = y;
      }
      return out;
    }),
  }));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const z of zones) {
    minX = Math.min(minX, z.b[0]);
    minY = Math.min(minY, z.b[1]);
    maxX = Math.max(maxX, z.b[2]);
    maxY = Math.max(maxY, z.b[3]);
  }
  const cell = Math.max(1, Math.ceil(Math.max(maxX - minX, maxY - minY, 1) / GRID_CELLS));
  const cols = Math.ceil((maxX - minX + 1) / cell);
  const grid = new Map<number, number[]>();
  zones.forEach((z, i) => {
    for (let cy = Math.floor((z.b[1] - minY) / cell); cy <= Math.floor((z.b[3] - minY) / cell); cy++) {
      for (let cx = Math.floor((z.b[0] - minX) / cell); cx <= Math.floor((z.b[2] - minX) / cell); cx++) {
        const k = cy * cols + cx;
        const list = grid.get(k);
        if (list) list.push(i);
        else grid.set(k, [i]);
      }
    }
  });
  return { kind: layer.kind, id: layer.id, name: layer.name, zones, grid, origin: [minX, minY], cell, cols };
}

function insideRing(ring: Int32Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
    const xi = ring[i];
    const yi = ring[i + 1];
    const xj = ring[j];
    const yj = ring[j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The highest value of the layer's zones at a point (inside an outer ring, outside its holes), or null. */
export function valueAt(index: LayerIndex, lat: number, lon: number): number | null {
  const x = quantize(lon);
  const y = quantize(lat);
  const cx = Math.floor((x - index.origin[0]) / index.cell);
  const cy = Math.floor((y - index.origin[1]) / index.cell);
  if (cx < 0 || cy < 0 || cx >= index.cols) return null;
  const candidates = index.grid.get(cy * index.cols + cx);
  if (!candidates) return null;
  let best: number | null = null;
  for (const i of candidates) {
    const z = index.zones[i];
    if (best !== null && z.v <= best) continue;
    if (x < z.b[0] || x > z.b[2] || y < z.b[1] || y > z.b[3]) continue;
    if (!insideRing(z.rings[0], x, y)) continue;
    let inHole = false;
    for (let h = 1; h < z.rings.length; h++) if (insideRing(z.rings[h], x, y)) inHole = true;
    if (!inHole) best = z.v;
  }
  return best;
}

/** What the hazard maps say about one place, every layer taken together. */
export interface HazardAtPoint {
  /** Depth rank of river flooding (洪水浸水想定区域), null outside every zone. */
  flood: number | null;
  /** Inside a 家屋倒壊等氾濫想定区域. */
  collapse: boolean;
  /** 0 outside, 1 土砂災害警戒区域 (yellow), 2 特別警戒区域 (red). */
  landslide: number;
  tsunami: number | null;
  stormSurge: number | null;
}

export function hazardAt(indexes: readonly LayerIndex[], lat: number, lon: number): HazardAtPoint {
  const out: HazardAtPoint = { flood: null, collapse: false, landslide: 0, tsunami: null, stormSurge: null };
  const max = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.max(a, b));
  for (const ix of indexes) {
    const v = valueAt(ix, lat, lon);
    if (v === null) continue;
    if (ix.kind === 'flood') out.flood = max(out.flood, v);
    else if (ix.kind === 'collapse') out.collapse = true;
    else if (ix.kind === 'landslide') out.landslide = Math.max(out.landslide, v);
    else if (ix.kind === 'tsunami') out.tsunami = max(out.tsunami, v);
    else out.stormSurge = max(out.stormSurge, v);
  }
  return out;
}

// ---- mapping a file's attributes to values (the import preview) ------------------------------

/** How a file's features become zones: which property holds the value, and what each value means. */
export interface HazardMapping {
  kind: HazardKind;
  /** The property holding the depth or class; null: every feature is one value (collapse). */
  property: string | null;
  /** The file's value (as text) → depth rank or class; a value mapped to null is skipped. */
  values: Record<string, number | null>;
}

/** Depth rank of a depth written as text ("0.5m以上3.0m未満", "3～5m", "2.4") or a number of metres. */
export function rankOfDepth(text: string): number | null {
  const t = text.normalize('NFKC').replace(/\s/g, '');
  const numbers = [...t.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
  if (numbers.length === 0) return null;
  const lower = /未満/.test(t) && !/以上/.test(t) ? 0 : numbers[0];
  const i = DEPTH_RANKS.findIndex((r) => lower >= r.min && lower < r.max);
  return i < 0 ? null : i;
}

/** A guess for a landslide value: 特別 → red, 警戒 → yellow; codes 1 and 2 as the A33 codes. */
export function classOfLandslide(text: string): number | null {
  const t = text.normalize('NFKC').trim();
  if (/特別/.test(t) || /red|レッド/i.test(t)) return LANDSLIDE_RED;
  if (/警戒/.test(t) || /yellow|イエロー/i.test(t)) return LANDSLIDE_YELLOW;
  if (t === '1') return LANDSLIDE_YELLOW;
  if (t === '2') return LANDSLIDE_RED;
  return null;
}

const KIND_WORDS: [HazardKind, RegExp][] = [
  ['collapse', /家屋倒壊|氾濫流|河岸侵食|collapse/i],
  ['landslide', /土砂|急傾斜|土石流|地すべり|landslide|A33/i],
  ['tsunami', /津波|tsunami|A40/i],
  ['storm-surge', /高潮|storm.?surge|A49/i],
  ['flood', /洪水|浸水|flood|A31/i],
];

/** Guesses the kind from the file name and its property keys and values. */
export function guessKind(fileName: string, keys: readonly string[], sample: readonly string[]): HazardKind {
  const hay = [fileName, ...keys, ...sample].join(' ');
  for (const [kind, re] of KIND_WORDS) if (re.test(hay)) return kind;
  return 'flood';
}

/** Distinct values of a property over the features, as text, in first-seen order (at most `limit`). */
export function distinctValues(features: readonly unknown[], property: string, limit = 50): string[] {
  const seen = new Set<string>();
  for (const f of features) {
    const v = (f as { properties?: Record<string, unknown> } | null)?.properties?.[property];
    if (v === undefined || v === null) continue;
    seen.add(String(v));
    if (seen.size >= limit) break;
  }
  return [...seen];
}

/** The property most likely to hold the value: the one whose values read as depths (or classes). */
export function guessMapping(kind: HazardKind, features: readonly unknown[], keys: readonly string[]): HazardMapping {
  if (kind === 'collapse') return { kind, property: null, values: {} };
  const read = kind === 'landslide' ? classOfLandslide : rankOfDepth;
  const named = kind === 'landslide' ? /区域区分|区分|class|A33_00[12]|種別/i : /浸水深|深さ|depth|ランク|rank|A31[a-z]?_\d+|A40_|A49_/i;
  let best: { key: string; score: number } | null = null;
  for (const key of keys) {
    const values = distinctValues(features, key, 30);
    if (values.length === 0) continue;
    const readable = values.filter((v) => read(v) !== null).length / values.length;
    const score = readable + (named.test(key) ? 0.5 : 0) - (values.length > 20 ? 0.5 : 0);
    if (!best || score > best.score) best = { key, score };
  }
  const property = best && best.score > 0.4 ? best.key : null;
  const values: Record<string, number | null> = {};
  if (property) for (const v of distinctValues(features, property, 200)) values[v] = read(v);
  return { kind, property, values };
}

export type FeatureProblem = 'no-geometry' | 'not-a-polygon' | RingProblem | 'no-value' | 'unmapped-value';

export interface BuiltLayer {
  layer: HazardLayer;
  /** Features left out, with why (the preview lists them in Japanese). */
  skipped: { index: number; problem: FeatureProblem; value?: string }[];
  features: number;
}

/**
 * Builds a layer from GeoJSON features and the mapping HQ confirmed. Valid features are kept,
 * invalid ones listed: the file is not refused for one bad feature. `progress` is called now
 * and then with the share done (a worker reports it to the page).
 */
export function buildHazardLayer(
  features: readonly unknown[],
  mapping: HazardMapping,
  meta: { id: string; name: string; source: string; importedAt: string },
  progress?: (done: number) => void,
): BuiltLayer {
  const zones: CompactZone[] = [];
  const skipped: BuiltLayer['skipped'] = [];
  const range = valueRange(mapping.kind);
  features.forEach((f, index) => {
    if (progress && index % 500 === 0) progress(index / Math.max(1, features.length));
    const feature = f as { geometry?: unknown; properties?: Record<string, unknown> } | null;
    let value: number;
    if (mapping.property === null) value = range.max;
    else {
      const raw = feature?.properties?.[mapping.property];
      if (raw === undefined || raw === null || raw === '') return void skipped.push({ index, problem: 'no-value' });
      const v = mapping.values[String(raw)];
      if (v === undefined || v === null || v < range.min || v > range.max) return void skipped.push({ index, problem: 'unmapped-value', value: String(raw) });
      value = v;
    }
    const polys = polygonsOf(feature?.geometry);
    if (!polys.ok) return void skipped.push({ index, problem: polys.problem });
    for (const polygon of polys.polygons) {
      const z = compactZone(value, polygon);
      if (!z.ok) skipped.push({ index, problem: z.problem });
      else zones.push(z.zone);
    }
  });
  progress?.(1);
  return { layer: { format: 'hinanjo-hazard-1', ...meta, kind: mapping.kind, zones }, skipped, features: features.length };
}
