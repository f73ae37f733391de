// The sync data contract (schema v1) of shared/DESIGN.md, as types and accessors.
// Every module that reads or writes a Yjs document goes through these accessors so that
// a key name lives in exactly one place.
import * as Y from 'yjs';

export const SCHEMA_VERSION = 1;

// ---- document names ---------------------------------------------------------------------

export const HQ_DOC = 'hq';
/** Shelter ids are generated on a device or taken from a registry: keep them URL- and path-safe. */
export const SHELTER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function shelterDocName(shelterId: string): string {
  return `shelter/${shelterId}`;
}

export type DocRef = { kind: 'hq' } | { kind: 'shelter'; shelterId: string };

/** Parses a document name; null for anything the server must refuse. */
export function parseDocName(name: string): DocRef | null {
  if (name === HQ_DOC) return { kind: 'hq' };
  const m = /^shelter\/(.+)$/.exec(name);
  if (m && SHELTER_ID_PATTERN.test(m[1])) return { kind: 'shelter', shelterId: m[1] };
  return null;
}

// ---- vocabularies (domain/vocabulary.ts: no imports, so the resident page can use them without Yjs)

export * from './vocabulary';
import type { AgeGroup, Consent, CrowdingBand, Hazard, Level, LedgerReason, Need, RequestStatus, Sex, ShelterStatus, StayType } from './vocabulary';

// ---- record shapes (plain values as read from the Y.Maps) ----------------------------------

export interface ShelterInfo {
  id: string;
  name: string;
  address: string;
  lat: number;
  lon: number;
  capacity: number;
  districtId: string;
  hazards: Hazard[];
}

export interface District {
  id: string;
  name: string;
  level: Level;
  issuedAt: string | null;
}

export interface RoadClosure {
  id: string;
  /** A GeoJSON geometry object (LineString, Polygon, Multi*…). */
  geometry: { type: string; coordinates: unknown };
  reason: string;
  /** Where: the road or place (a compatible extension; imported files name it). */
  road?: string;
  since: string;
  until: string | null;
  source: string;
}

export interface Person {
  id: string;
  householdId: string;
  name: string;
  kana: string;
  ageGroup: AgeGroup;
  sex: Sex;
  needs: Need[];
  language: string;
  districtId: string;
  stay: StayType;
  checkedInAt: string;
  checkedOutAt: string | null;
  note: string;
  /**
   * Year of birth (西暦), optional: the safety desk tells apart two people of the same name with it
   * (a compatible extension; absent or null when not given).
   */
  birthYear: number | null;
  /** Who may be told this person is here (安否情報). Replaces v1's boolean `consentSafetyInfo`. */
  consent: Consent;
  /**
   * DV, stalking or a residence-register viewing restriction: never disclosed to anyone, left out
   * of every answer, list others may see, and export; only HQ's own totals count them.
   */
  protected: boolean;
}

export interface LedgerEntry {
  id: string;
  item: string;
  delta: number;
  reason: LedgerReason;
  at: string;
  by: string;
  note?: string;
}

export interface Item {
  id: string;
  name: string;
  /** The base unit: every ledger delta is in it (L, 食, 枚). */
  unit: string;
  perPersonPerDay: number | null;
  /**
   * How the item arrives, counted in packs (a compatible extension): 本 of 2 L, 箱 of 24 食.
   * Staff type packs; the ledger stores base units (packs × size).
   */
  packs?: Pack[];
}

/** A pack of an item: its unit word and how many base units it holds (a whole number). */
export interface Pack {
  unit: string;
  size: number;
}

export interface SupplyRequest {
  id: string;
  item: string;
  quantity: number;
  status: RequestStatus;
  createdAt: string;
  note: string;
  /** When the status last changed; a compatible extension. */
  updatedAt?: string;
  /** The item's unit when the request was made (本 / 箱 / L), so HQ reads "120 L"; a compatible extension. */
  unit?: string;
}

export interface ShelterMeta {
  schema: number;
  status: ShelterStatus;
  openedAt: string | null;
}

/** One change of a district's level, kept by HQ (a compatible extension: `getArray('levelHistory')`). */
export interface LevelChange {
  districtId: string;
  from: Level;
  to: Level;
  at: string;
  by: string;
}

// ---- accessors -----------------------------------------------------------------------------

export const hqMeta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
export const hqShelters = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('shelters');
export const hqDistricts = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('districts');
export const hqRoadClosures = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('roadClosures');
export const hqLevelHistory = (doc: Y.Doc) => doc.getArray<LevelChange>('levelHistory');

export const shelterMeta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
export const shelterPeople = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('people');
export const shelterStock = (doc: Y.Doc) => doc.getArray<LedgerEntry>('stock');
export const shelterItems = (doc: Y.Doc) => doc.getMap<Item>('items');
export const shelterRequests = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('requests');
/** Pairs staff marked "not the same person" (a compatible extension): `idA|idB` (sorted) → DuplicateDecision. */
export const shelterNotDuplicates = (doc: Y.Doc) => doc.getMap<NotDuplicate>('notDuplicates');

/** A roster correction kept on the person (a compatible extension: the person's `history`, a Y.Array). */
export type PersonEvent =
  | { event: 'readmitted'; at: string; by: string; previousCheckOut: string }
  | { event: 'merged'; at: string; by: string; from: string; fromCheckedInAt: string; fromName: string; fromKana: string }
  | { event: 'check-in-corrected'; at: string; by: string; from: string; to: string };

export interface NotDuplicate {
  at: string;
  by: string;
}

/** Copies a nested Y.Map into a plain object (arrays stay arrays). */
export function plain<T>(m: Y.Map<unknown>): T {
  return m.toJSON() as T;
}

/** Builds a Y.Map from a plain record; call inside a transaction. */
export function toYMap(record: Record<string, unknown>): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(record)) if (v !== undefined) m.set(k, v);
  return m;
}
