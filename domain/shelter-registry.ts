// Adding a shelter to the registry by hand (a gymnasium opened as an extra shelter, a town
// without a published CSV). Same record as a CSV import writes; bad input changes nothing.
import type * as Y from 'yjs';
import { hqMeta, hqShelters, toYMap } from './schema';
import { MAX_CAPACITY, toHalfWidthDigits } from './capacity';
import { type Result, err, ok } from './result';

export interface ShelterInput {
  name: string;
  address: string;
  lat: string;
  lon: string;
  capacity: string;
  districtId: string;
}

export type ShelterFieldError = 'required' | 'too-long' | 'not-a-number' | 'out-of-range' | 'duplicate';
export type ShelterErrors = Partial<Record<keyof ShelterInput, ShelterFieldError>>;

const MAX_TEXT = 200;

function number(text: string): number | null {
  const t = toHalfWidthDigits(text).trim().replace(/,/g, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function validateShelterInput(hqDoc: Y.Doc, input: ShelterInput): ShelterErrors {
  const e: ShelterErrors = {};
  const name = input.name.trim();
  if (name === '') e.name = 'required';
  else if (name.length > MAX_TEXT) e.name = 'too-long';
  else {
    hqShelters(hqDoc).forEach((m) => {
      if (String(m.get('name') ?? '').trim() === name && String(m.get('address') ?? '').trim() === input.address.trim()) e.name = 'duplicate';
    });
  }
  if (input.address.trim().length > MAX_TEXT) e.address = 'too-long';
  const lat = number(input.lat);
  if (lat === null) e.lat = 'required';
  else if (Number.isNaN(lat)) e.lat = 'not-a-number';
  else if (Math.abs(lat) > 90) e.lat = 'out-of-range';
  const lon = number(input.lon);
  if (lon === null) e.lon = 'required';
  else if (Number.isNaN(lon)) e.lon = 'not-a-number';
  else if (Math.abs(lon) > 180) e.lon = 'out-of-range';
  const cap = number(input.capacity);
  if (cap !== null && Number.isNaN(cap)) e.capacity = 'not-a-number';
  else if (cap !== null && (!Number.isInteger(cap) || cap < 0 || cap > MAX_CAPACITY)) e.capacity = 'out-of-range';
  return e;
}

export function addShelter(hqDoc: Y.Doc, input: ShelterInput, ctx: { newId: () => string }): Result<string, ShelterErrors> {
  const errors = validateShelterInput(hqDoc, input);
  if (Object.keys(errors).length > 0) return err(errors);
  const id = ctx.newId();
  hqDoc.transact(() => {
    hqShelters(hqDoc).set(
      id,
      toYMap({
        name: input.name.trim(),
        address: input.address.trim(),
        lat: number(input.lat),
        lon: number(input.lon),
        capacity: number(input.capacity) ?? 0,
        districtId: input.districtId,
        hazards: [],
      }),
    );
  });
  return ok(id);
}

export type RegionNameError = 'required' | 'too-long';

/** The deployment's display name (hq meta.region): shown on the wall, the public page and CAP. */
export function setRegionName(hqDoc: Y.Doc, name: string): Result<string, RegionNameError> {
  const v = name.trim();
  if (v === '') return err('required');
  if (v.length > 100) return err('too-long');
  if (hqMeta(hqDoc).get('region') !== v) hqMeta(hqDoc).set('region', v);
  return ok(v);
}
