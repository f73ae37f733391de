// The shared vocabulary of the schema: levels, crowding bands, statuses, stay types… and the
// checks that read them from untrusted input. Import-free on purpose: the resident page (which
// must stay small and never load Yjs) and the server use the very same lists.

export const HAZARDS = [
  'flood', 'landslide', 'storm-surge', 'earthquake', 'tsunami', 'fire', 'inland-flood', 'volcano',
] as const;
export type Hazard = (typeof HAZARDS)[number];

export const AGE_GROUPS = ['infant', 'child', 'adult', 'elderly'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const SEXES = ['female', 'male', 'other', 'unanswered'] as const;
export type Sex = (typeof SEXES)[number];

export const STAY_TYPES = ['shelter', 'car', 'home'] as const;
export type StayType = (typeof STAY_TYPES)[number];

/** Known needs; the schema allows others (free strings), these are the ones the UI offers. */
export const NEEDS = [
  'wheelchair', 'medical', 'pregnant', 'infant-care', 'allergy', 'dialysis', 'oxygen', 'pet',
  'interpreter', 'halal', 'vegetarian', 'hearing', 'visual', 'dementia',
] as const;
export type Need = (typeof NEEDS)[number] | (string & {});

/**
 * Who may be told that a person is here (安否情報), as the civil-protection form 様式第1号 asks:
 * nobody, family (relatives, including by marriage, and cohabitants), or anyone who asks
 * (acquaintances, workplaces…). Chosen at check-in, changeable.
 */
export const CONSENT_LEVELS = ['none', 'family', 'anyone'] as const;
export type Consent = (typeof CONSENT_LEVELS)[number];

export const SHELTER_STATUSES = ['open', 'closed', 'full'] as const;
export type ShelterStatus = (typeof SHELTER_STATUSES)[number];

export const LEDGER_REASONS = ['received', 'distributed', 'adjusted', 'transferred'] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

export const REQUEST_STATUSES = ['open', 'acknowledged', 'delivered', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** 警戒レベル: 0 none … 5 緊急安全確保. */
export const LEVELS = [0, 1, 2, 3, 4, 5] as const;
export type Level = (typeof LEVELS)[number];

/** `unknown`: open, but no capacity is on record (an imported 指定避難所 whose 定員 was blank). */
export const CROWDING_BANDS = ['available', 'somewhat-crowded', 'crowded', 'full', 'unknown', 'closed'] as const;
export type CrowdingBand = (typeof CROWDING_BANDS)[number];

/** True when v is one of the list's values. */
export function isOneOf<T extends string | number>(list: readonly T[], v: unknown): v is T {
  return (list as readonly unknown[]).includes(v);
}

/** v when it is one of the list's values, else the fallback the caller chose for its purpose. */
export function oneOf<T extends string | number>(list: readonly T[], v: unknown, fallback: T): T {
  return isOneOf(list, v) ? v : fallback;
}

/** A level from anything: 0 (none) unless it is one of 0–5. */
export function asLevel(v: unknown): Level {
  return oneOf(LEVELS, v, 0);
}
