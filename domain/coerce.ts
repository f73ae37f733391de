// Readers that turn whatever a document holds into the schema's types. Documents come from
// other devices, older versions and third-party clients, so a missing or odd value gets a
// documented default instead of crashing a screen or the server.
import * as Y from 'yjs';
import {
  AGE_GROUPS, type AgeGroup, CONSENT_LEVELS, type Consent, SEXES, type Sex, STAY_TYPES, type StayType,
  SHELTER_STATUSES, type ShelterStatus, oneOf,
} from './vocabulary';

export function asString(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

export function asStringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function asFiniteNumber(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * A person's consent. Records written before consent tiers hold `consentSafetyInfo: true|false`
 * instead: true meant "tell whoever asks" (→ 'anyone'). Anything unreadable is 'none': when in
 * doubt, nothing is disclosed.
 */
export function asConsent(consent: unknown, legacyFlag?: unknown): Consent {
  if (consent === undefined && legacyFlag === true) return 'anyone';
  return oneOf(CONSENT_LEVELS, consent, 'none');
}

/**
 * A protection mark (DV, stalking, viewing restriction). Any truthy value protects — `"true"`,
 * `1`, even `"false"` from a confused client: when in doubt, a name is not disclosed.
 */
export function asProtected(v: unknown): boolean {
  return Boolean(v);
}

/** Unknown stay types count where most people are: in the shelter. */
export function asStay(v: unknown): StayType {
  return oneOf(STAY_TYPES, v, 'shelter');
}

export function asAgeGroup(v: unknown): AgeGroup {
  return oneOf(AGE_GROUPS, v, 'adult');
}

export function asSex(v: unknown): Sex {
  return oneOf(SEXES, v, 'unanswered');
}

export function asShelterStatus(v: unknown): ShelterStatus {
  return oneOf(SHELTER_STATUSES, v, 'open');
}

/** A string list stored as a plain array (schema v1) or, from other clients, as a Y.Array. */
export function asStringList(v: unknown): string[] {
  const arr = v instanceof Y.Array ? v.toArray() : v;
  if (!Array.isArray(arr)) return [];
  return arr.filter((x): x is string => typeof x === 'string');
}

/** A plain JSON value from a Y type or a plain value. */
export function asPlain(v: unknown): unknown {
  return v instanceof Y.AbstractType ? v.toJSON() : v;
}

/** Milliseconds since the epoch, or NaN for anything that is not a parseable time. */
export function timeOf(v: unknown): number {
  return typeof v === 'string' && v !== '' ? Date.parse(v) : Number.NaN;
}
