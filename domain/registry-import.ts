// Shelter registry import: the CSV files municipalities already publish (GSI 指定避難所 and
// 指定緊急避難場所, デジタル庁 推奨データセット 指定緊急避難場所) become shelters in the hq document.
// Two steps, so HQ sees what will happen before anything changes: previewRegistryImport reads
// the bytes and sorts rows into add / update / unchanged / bad; applyRegistryImport writes the
// preview in one transaction. Rows are matched by the registry's own id (共通ID, ID), else by
// name and address, so importing the same file again updates instead of duplicating. GSI and
// デジタル庁 give the same place different ids: each source's id is kept under its own key, so
// importing one file and then the other does not make them overwrite each other. The files'
// 受入対象者 (who the shelter takes in, e.g. 福祉避難所) and 備考 are kept on the shelter.
// GSI also publishes the same tables as GeoJSON (Point features with the same property names).
// An update writes only the fields that changed, so a re-import never undoes a rename typed at
// another desk meanwhile.
import type * as Y from 'yjs';
import { csvRecords } from './csv-records';
import { HAZARDS, type Hazard, SHELTER_ID_PATTERN, hqShelters, toYMap } from './schema';
import { asFiniteNumber, asString, asStringList } from './coerce';
import { type Result, err, ok } from './result';

// domain/ has no DOM or Node types; TextDecoder exists in both browsers and Node (with
// Shift_JIS in both), so this module declares the little it uses.
interface TextDecoderLike {
  decode(input: Uint8Array): string;
}
declare const TextDecoder: {
  new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoderLike;
};

/** Key on a shelter's Y.Map holding a registry id from before ids were kept per source (still matched). */
export const REGISTRY_ID_KEY = 'registryId';

/** Where a registry's ids come from: GSI's 共通ID and デジタル庁's ID name the same place differently. */
export type RegistrySource = 'gsi' | 'digital-agency';

/** Key on a shelter's Y.Map holding each source's id (compatible extensions of schema v1). */
export const SOURCE_ID_KEYS: Record<RegistrySource, string> = { gsi: 'gsiId', 'digital-agency': 'digitalAgencyId' };

export type RegistryFormat = 'gsi-shelter' | 'gsi-emergency' | 'digital-agency-emergency';
import { decodeFileBytes, type CsvEncoding } from './file-text';
export type { CsvEncoding };

/** The eight hazard columns, in the order of HAZARDS (GSI names; デジタル庁 prefixes 災害種別_). */
export const HAZARD_COLUMNS: Record<Hazard, string> = {
  flood: '洪水',
  landslide: '崖崩れ、土石流及び地滑り',
  'storm-surge': '高潮',
  earthquake: '地震',
  tsunami: '津波',
  fire: '大規模な火事',
  'inland-flood': '内水氾濫',
  volcano: '火山現象',
};

interface FormatSpec {
  source: RegistrySource;
  id: string;
  name: string;
  address: string;
  lat: string;
  lon: string;
  /** Hazard column per hazard, or null when the format carries no hazards. */
  hazards: Record<Hazard, string> | null;
  capacity: string | null;
  /** 受入対象者 (GSI 指定避難所 only). */
  accepts: string | null;
  /** 備考. */
  note: string | null;
}

const GSI_COMMON = { source: 'gsi' as const, id: '共通ID', name: '施設・場所名', address: '住所', lat: '緯度', lon: '経度', note: '備考' };

export const FORMATS: Record<RegistryFormat, FormatSpec> = {
  'gsi-shelter': { ...GSI_COMMON, hazards: null, capacity: null, accepts: '受入対象者' },
  'gsi-emergency': { ...GSI_COMMON, hazards: HAZARD_COLUMNS, capacity: null, accepts: null },
  'digital-agency-emergency': {
    source: 'digital-agency',
    id: 'ID',
    name: '名称',
    address: '所在地_連結表記',
    lat: '緯度',
    lon: '経度',
    hazards: Object.fromEntries(HAZARDS.map((h) => [h, `災害種別_${HAZARD_COLUMNS[h]}`])) as Record<Hazard, string>,
    capacity: '想定収容人数',
    accepts: null,
    note: '備考',
  },
};

export interface RegistryRow {
  /** Line in the file (1 = header), for the bad-row report and the preview. */
  line: number;
  registryId: string | null;
  name: string;
  address: string;
  lat: number;
  lon: number;
  /** null when the format has no hazard columns (an update then keeps what HQ has). */
  hazards: Hazard[] | null;
  /** null when the file has no capacity (GSI files never do). */
  capacity: number | null;
  /** 受入対象者 and 備考 as written; null when the format has no such column. */
  accepts: string | null;
  note: string | null;
}

export type BadRowReason =
  | 'missing-name'
  | 'invalid-lat'
  | 'invalid-lon'
  | 'invalid-capacity'
  | 'wrong-column-count'
  | 'duplicate-in-file';

export interface BadRow {
  line: number;
  reason: BadRowReason;
  /** The offending value as written in the file, when there is one. */
  value?: string;
}

export type ShelterField = 'name' | 'address' | 'lat' | 'lon' | 'hazards' | 'capacity' | 'accepts' | 'note';

/** One field an update changes: what HQ has now and what the file says. */
export interface FieldChange {
  field: ShelterField;
  from: string;
  to: string;
  /** The capacity HQ typed by hand (CAPACITY_SOURCE_KEY): kept unless HQ says otherwise. */
  handEdited?: boolean;
}

/**
 * Where a shelter's capacity came from: 'hq' once HQ typed it (setShelterCapacity). An import
 * that carries a capacity does not overwrite it unless HQ chooses to in the preview.
 */
export const CAPACITY_SOURCE_KEY = 'capacitySource';

export interface RegistryPreview {
  format: RegistryFormat;
  encoding: CsvEncoding;
  toAdd: { shelterId: string; row: RegistryRow }[];
  toUpdate: { shelterId: string; row: RegistryRow; changes: FieldChange[] }[];
  /** Rows that match a shelter and would change nothing. */
  unchanged: number;
  bad: BadRow[];
}

export type RegistryImportError =
  | { kind: 'empty' }
  | { kind: 'unknown-format'; header: string[] }
  | { kind: 'not-geojson' };

// ---- bytes → text -------------------------------------------------------------------------

/**
 * Municipal files come as UTF-8 with or without BOM, or as Shift_JIS. A fatal UTF-8 decode
 * fails on almost any Shift_JIS Japanese text (its lead bytes are invalid UTF-8 sequences),
 * so trying UTF-8 first and falling back is reliable for these files.
 */
/** A municipal file's text (UTF-8 with or without BOM, else Shift_JIS): domain/file-text.ts. */
export const decodeCsvBytes = decodeFileBytes;

// ---- text → rows --------------------------------------------------------------------------

export function detectFormat(header: readonly string[]): RegistryFormat | null {
  const has = (c: string) => header.includes(c);
  const spec = (f: RegistryFormat) => FORMATS[f];
  const complete = (f: RegistryFormat) => {
    const s = spec(f);
    return [s.name, s.address, s.lat, s.lon, ...(s.hazards ? Object.values(s.hazards) : [])].every(has);
  };
  if (complete('digital-agency-emergency')) return 'digital-agency-emergency';
  if (complete('gsi-emergency')) return 'gsi-emergency';
  if (complete('gsi-shelter')) return 'gsi-shelter';
  return null;
}

const TRUE_MARKS = new Set(['1', '○', '◯', '〇', 'true', 'TRUE', '有', 'あり', 'y', 'Y']);

function parseCoordinate(raw: string, limit: number): number | null {
  const t = raw.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
}

/** Spaces of any width and case differences do not make two shelters different. */
function matchKey(name: string, address: string): string {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return `${norm(name)}\u0000${norm(address)}`;
}

interface ParsedRows {
  format: RegistryFormat;
  rows: RegistryRow[];
  bad: BadRow[];
}

export function parseRegistryCsv(text: string): Result<ParsedRows, RegistryImportError> {
  const records = csvRecords(text);
  if (records.length === 0) return err({ kind: 'empty' });
  return parseRegistryTable(records[0].fields.map((h) => h.trim()), records.slice(1));
}

/**
 * A GSI GeoJSON file: Point features whose properties carry the CSV's column names. The point
 * gives the coordinates when 緯度 / 経度 are not among the properties. Feature n is "line" n + 2,
 * as if the file were the CSV with its header (so bad rows read the same in the report).
 */
export function parseRegistryGeoJson(json: unknown): Result<ParsedRows, RegistryImportError> {
  if (!json || typeof json !== 'object' || (json as { type?: unknown }).type !== 'FeatureCollection') return err({ kind: 'not-geojson' });
  const features = (json as { features?: unknown }).features;
  if (!Array.isArray(features) || features.length === 0) return err({ kind: 'empty' });
  const keys = new Set<string>();
  for (const f of features) {
    const props = (f as { properties?: unknown } | null)?.properties;
    if (props && typeof props === 'object') for (const k of Object.keys(props)) keys.add(k.trim());
  }
  keys.add('緯度');
  keys.add('経度');
  const header = [...keys];
  const records = features.map((f, i) => {
    const props = ((f as { properties?: unknown } | null)?.properties ?? {}) as Record<string, unknown>;
    const coords = (f as { geometry?: { type?: unknown; coordinates?: unknown } | null })?.geometry;
    const point = coords?.type === 'Point' && Array.isArray(coords.coordinates) ? (coords.coordinates as unknown[]) : null;
    const value = (k: string): string => {
      const v = props[k];
      if (v === undefined || v === null || v === '') {
        if (k === '経度' && point) return String(point[0] ?? '');
        if (k === '緯度' && point) return String(point[1] ?? '');
        return '';
      }
      return String(v);
    };
    return { line: i + 2, fields: header.map(value) };
  });
  return parseRegistryTable(header, records);
}

function parseRegistryTable(header: string[], records: readonly { line: number; fields: string[] }[]): Result<ParsedRows, RegistryImportError> {
  const format = detectFormat(header);
  if (!format) return err({ kind: 'unknown-format', header });
  const spec = FORMATS[format];
  const col = (name: string | null) => (name === null ? -1 : header.indexOf(name));
  const idx = {
    id: col(spec.id),
    name: col(spec.name),
    address: col(spec.address),
    lat: col(spec.lat),
    lon: col(spec.lon),
    capacity: col(spec.capacity),
    accepts: col(spec.accepts),
    note: col(spec.note),
  };

  const rows: RegistryRow[] = [];
  const bad: BadRow[] = [];
  const seenIds = new Set<string>();
  for (const { line: ln, fields } of records) {
    if (fields.length !== header.length) {
      bad.push({ line: ln, reason: 'wrong-column-count', value: `${fields.length}/${header.length}` });
      continue;
    }
    const get = (i: number) => (i < 0 ? '' : (fields[i] ?? '').trim());
    const name = get(idx.name);
    if (name === '') {
      bad.push({ line: ln, reason: 'missing-name' });
      continue;
    }
    const lat = parseCoordinate(get(idx.lat), 90);
    if (lat === null) {
      bad.push({ line: ln, reason: 'invalid-lat', value: get(idx.lat) });
      continue;
    }
    const lon = parseCoordinate(get(idx.lon), 180);
    if (lon === null) {
      bad.push({ line: ln, reason: 'invalid-lon', value: get(idx.lon) });
      continue;
    }
    let capacity: number | null = null;
    const capRaw = get(idx.capacity).replace(/,/g, '');
    if (capRaw !== '') {
      const n = Number(capRaw);
      if (!Number.isInteger(n) || n < 0) {
        bad.push({ line: ln, reason: 'invalid-capacity', value: get(idx.capacity) });
        continue;
      }
      capacity = n;
    }
    const registryId = get(idx.id) || null;
    if (registryId !== null) {
      if (seenIds.has(registryId)) {
        bad.push({ line: ln, reason: 'duplicate-in-file', value: registryId });
        continue;
      }
      seenIds.add(registryId);
    }
    const hazards = spec.hazards
      ? HAZARDS.filter((h) => TRUE_MARKS.has(get(header.indexOf(spec.hazards![h]))))
      : null;
    rows.push({
      line: ln,
      registryId,
      name,
      address: get(idx.address),
      lat,
      lon,
      hazards,
      capacity,
      // a quoted cell that spans lines keeps its line breaks, as \n whatever the file used
      accepts: idx.accepts < 0 ? null : get(idx.accepts).replace(/\r\n?/g, '\n'),
      note: idx.note < 0 ? null : get(idx.note).replace(/\r\n?/g, '\n'),
    });
  }
  return ok({ format, rows, bad });
}

// ---- rows → preview -----------------------------------------------------------------------

/** A shelter id for a registry row: derived from the registry id when that is URL-safe, so two
 * HQ desks importing the same file offline create the same shelter, not two. */
export function shelterIdForRow(row: RegistryRow, newId: () => string): string {
  if (row.registryId) {
    const candidate = `reg-${row.registryId}`;
    if (SHELTER_ID_PATTERN.test(candidate)) return candidate;
  }
  return newId();
}

function sameHazards(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** A CSV (any of the encodings) or, for a name ending in .geojson / .json, a GeoJSON file. */
export function previewRegistryImport(
  hqDoc: Y.Doc,
  bytes: Uint8Array,
  opts: { newId: () => string; fileName?: string },
): Result<RegistryPreview, RegistryImportError> {
  const { text, encoding } = decodeCsvBytes(bytes);
  const isJson = /\.(geo)?json$/i.test(opts.fileName ?? '') || /^\s*\{/.test(text);
  let parsed: Result<ParsedRows, RegistryImportError>;
  if (isJson) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return err({ kind: 'not-geojson' });
    }
    parsed = parseRegistryGeoJson(json);
  } else parsed = parseRegistryCsv(text);
  if (!parsed.ok) return parsed;
  const { format, rows, bad } = parsed.value;
  const source = FORMATS[format].source;
  const sourceKey = SOURCE_ID_KEYS[source];

  const byRegistryId = new Map<string, string>();
  const byNameAddress = new Map<string, string>();
  // A shelter typed in by hand often has no address yet: its name alone identifies it.
  const byNameOnly = new Map<string, string>();
  hqShelters(hqDoc).forEach((m, id) => {
    // This source's own id, else an id kept before ids were per source.
    const rid = asString(m.get(sourceKey)) || asString(m.get(REGISTRY_ID_KEY));
    if (rid) byRegistryId.set(rid, id);
    const address = asString(m.get('address'));
    byNameAddress.set(matchKey(asString(m.get('name')), address), id);
    if (address.trim() === '') byNameOnly.set(matchKey(asString(m.get('name')), ''), id);
  });

  const preview: RegistryPreview = { format, encoding, toAdd: [], toUpdate: [], unchanged: 0, bad };
  const claimed = new Set<string>();
  for (const row of rows) {
    const existing =
      (row.registryId !== null ? byRegistryId.get(row.registryId) : undefined) ??
      byNameAddress.get(matchKey(row.name, row.address)) ??
      byNameOnly.get(matchKey(row.name, ''));
    if (existing === undefined || claimed.has(existing)) {
      let shelterId = shelterIdForRow(row, opts.newId);
      if (hqShelters(hqDoc).has(shelterId) || claimed.has(shelterId)) shelterId = opts.newId();
      claimed.add(shelterId);
      preview.toAdd.push({ shelterId, row });
      continue;
    }
    claimed.add(existing);
    const m = hqShelters(hqDoc).get(existing)!;
    const changes = changedFields(m, row);
    const idMissing = row.registryId !== null && asString(m.get(sourceKey)) !== row.registryId;
    if (changes.length === 0 && !idMissing) preview.unchanged++;
    else preview.toUpdate.push({ shelterId: existing, row, changes });
  }
  return ok(preview);
}

/** The fields a row would change on a shelter, with the values before and after. */
function changedFields(m: Y.Map<unknown>, row: RegistryRow): FieldChange[] {
  const out: FieldChange[] = [];
  const check = (field: ShelterField, from: string, to: string) => {
    if (from !== to) out.push({ field, from, to });
  };
  check('name', asString(m.get('name')), row.name);
  if (row.address.trim()) check('address', asString(m.get('address')), row.address);
  const num = (v: unknown) => { const n = asFiniteNumber(v, NaN); return Number.isNaN(n) ? '' : String(n); };
  check('lat', num(m.get('lat')), String(row.lat));
  check('lon', num(m.get('lon')), String(row.lon));
  if (row.hazards !== null && !sameHazards(asStringList(m.get('hazards')), row.hazards)) {
    check('hazards', asStringList(m.get('hazards')).join(', '), row.hazards.join(', '));
  }
  if (row.capacity !== null) {
    const before = out.length;
    check('capacity', num(m.get('capacity')), String(row.capacity));
    if (out.length > before && m.get(CAPACITY_SOURCE_KEY) === 'hq') out[out.length - 1].handEdited = true;
  }
  // An empty field in one source never erases another source's value: the 指定緊急避難場所 list
  // has no 受入対象者 and often a blank 備考 where the 指定避難所 list wrote 福祉避難所.
  if (row.accepts) check('accepts', asString(m.get('accepts')), row.accepts);
  if (row.note) check('note', asString(m.get('note')), row.note);
  return out;
}

// ---- preview → document -------------------------------------------------------------------

/**
 * Writes a preview in one transaction. New shelters start with capacity 0 when the file has
 * none (GSI files never do) and in `districtId` (HQ picks it in the preview); an update keeps
 * what the file does not carry: capacity, district, hazards of a file without hazard columns.
 */
export function applyRegistryImport(
  hqDoc: Y.Doc,
  preview: RegistryPreview,
  opts: { districtId?: string; capacity?: number; overwriteHandEditedCapacity?: boolean } = {},
): { added: number; updated: number } {
  const shelters = hqShelters(hqDoc);
  const sourceKey = SOURCE_ID_KEYS[FORMATS[preview.format].source];
  hqDoc.transact(() => {
    for (const { shelterId, row } of preview.toAdd) {
      shelters.set(
        shelterId,
        toYMap({
          name: row.name,
          address: row.address,
          lat: row.lat,
          lon: row.lon,
          capacity: row.capacity ?? opts.capacity ?? 0,
          districtId: opts.districtId ?? '',
          hazards: row.hazards ?? [],
          [sourceKey]: row.registryId ?? undefined,
          accepts: row.accepts || undefined,
          note: row.note || undefined,
        }),
      );
    }
    for (const { shelterId, row } of preview.toUpdate) {
      const m = shelters.get(shelterId);
      if (!m) continue; // deleted since the preview: nothing to update
      // Only what differs now (not at preview time): an unchanged field is never written, so a
      // rename made at another desk meanwhile survives the merge.
      for (const c of changedFields(m, row)) {
        if (c.handEdited && !opts.overwriteHandEditedCapacity) continue; // HQ's own value stays
        const value = c.field === 'hazards' ? row.hazards : c.field === 'lat' ? row.lat : c.field === 'lon' ? row.lon : c.field === 'capacity' ? row.capacity : row[c.field];
        m.set(c.field, value);
        if (c.field === 'capacity') m.delete(CAPACITY_SOURCE_KEY);
      }
      if (row.registryId !== null && asString(m.get(sourceKey)) !== row.registryId) m.set(sourceKey, row.registryId);
    }
  });
  return { added: preview.toAdd.length, updated: preview.toUpdate.length };
}
