// Shelter capacity from covered floor area: the Cabinet Office shelter guideline (revised Dec
// 2024, after Noto, aligned with Sphere) asks for 3.5 m² of covered space per person.
import type * as Y from 'yjs';
import { hqShelters, shelterMeta } from './schema';
import { type Result, err, ok } from './result';

export const SQUARE_METRES_PER_PERSON = 3.5;

/** People a floor area holds at 3.5 m² each, rounded down (a part of a person has no space). */
export function capacityFromFloorArea(m2: number): number {
  if (!Number.isFinite(m2) || m2 <= 0) return 0;
  // The epsilon keeps 35 m² at 10 people despite binary floating point.
  return Math.floor(m2 / SQUARE_METRES_PER_PERSON + 1e-9);
}

export type CapacityInputError = 'not-a-number' | 'negative' | 'not-whole' | 'too-large';

/** Largest capacity HQ can type: well above any single building, small enough to catch typos. */
export const MAX_CAPACITY = 100_000;

/** Parses a capacity typed by a person ("120", "１２０" from a Japanese IME). */
export function parseCapacity(text: string): Result<number, CapacityInputError> {
  const n = Number(toHalfWidthDigits(text).trim().replace(/,/g, ''));
  if (text.trim() === '' || !Number.isFinite(n)) return err('not-a-number');
  if (n < 0) return err('negative');
  if (!Number.isInteger(n)) return err('not-whole');
  if (n > MAX_CAPACITY) return err('too-large');
  return ok(n);
}

/** Parses a floor area in m² (decimals allowed). */
export function parseFloorArea(text: string): Result<number, CapacityInputError> {
  const n = Number(toHalfWidthDigits(text).trim().replace(/,/g, ''));
  if (text.trim() === '' || !Number.isFinite(n)) return err('not-a-number');
  if (n < 0) return err('negative');
  if (n > MAX_CAPACITY * SQUARE_METRES_PER_PERSON) return err('too-large');
  return ok(n);
}

/** Full-width digits, point, comma and minus to ASCII. */
export function toHalfWidthDigits(s: string): string {
  return s.replace(/[０-９．，－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * The capacity the shelter's staff reported in its own document (meta `capacity`, a compatible
 * extension): staff cannot write the registry, and an imported 指定避難所 often has no 定員.
 * Used where the registry has none (effectiveCapacity).
 */
export function setReportedCapacity(doc: Y.Doc, capacity: number, now: Date): Result<number, CapacityInputError> {
  if (!Number.isInteger(capacity)) return err('not-whole');
  if (capacity < 1) return err('negative');
  if (capacity > MAX_CAPACITY) return err('too-large');
  const meta = shelterMeta(doc);
  doc.transact(() => {
    meta.set('capacity', capacity);
    meta.set('capacityReportedAt', now.toISOString());
  });
  return ok(capacity);
}

/** The shelter's reported capacity (meta `capacity`), or null. */
export function reportedCapacity(doc: Y.Doc): number | null {
  const v = shelterMeta(doc).get('capacity');
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_CAPACITY ? v : null;
}

/** The registry's capacity when it has one, else what the shelter reported; 0 when neither (unknown). */
export function effectiveCapacity(registry: number, reported: number | null | undefined): number {
  return registry > 0 ? registry : (reported ?? 0);
}

/** Sets a registered shelter's capacity in the hq document. */
export function setShelterCapacity(hqDoc: Y.Doc, shelterId: string, capacity: number): Result<number, 'not-found' | CapacityInputError> {
  const m = hqShelters(hqDoc).get(shelterId);
  if (!m) return err('not-found');
  if (!Number.isInteger(capacity)) return err('not-whole');
  if (capacity < 0) return err('negative');
  if (capacity > MAX_CAPACITY) return err('too-large');
  hqDoc.transact(() => {
    if (m.get('capacity') !== capacity) m.set('capacity', capacity);
    // Typed by hand: a later registry import keeps it unless HQ chooses otherwise (registry-import.ts).
    if (m.get('capacitySource') !== 'hq') m.set('capacitySource', 'hq');
  });
  return ok(capacity);
}
