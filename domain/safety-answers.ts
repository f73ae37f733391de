// Safety answers (安否情報) for the city's inquiry desk: who may be told that a person is in a
// shelter, following the civil-protection form (様式第1号) that lets a person refuse answers to
// relatives and to acquaintances separately, and the rule that a protected person (DV, stalking,
// viewing restriction) is never disclosed. The desk searches by the full name as it was given,
// in kanji or kana, width- and script-insensitive; a prefix never matches (that would disclose
// everyone whose name starts alike).
import type { Consent, Person } from './schema';
import { normalizeForMatch } from './normalize';
import { isPresent } from './counts';
import { MIN_BIRTH_YEAR } from './people';

/** How the person asking is related to the one asked about, as the desk records it. */
export const RELATIONS = ['family', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Whether `consent` lets the desk answer someone of `relation`. */
export function consentAllows(consent: Consent, relation: Relation): boolean {
  if (consent === 'anyone') return true;
  if (consent === 'family') return relation === 'family';
  return false;
}

export interface SafetyQuery {
  name: string;
  relation: Relation;
  /**
   * The year of birth the caller gave, if any: a record with another year is not the person
   * asked about; one with no year recorded still matches (the desk then has only the name).
   */
  birthYear?: number | null;
}

export interface SafetyAnswer {
  shelterId: string;
  shelterName: string;
  name: string;
  kana: string;
  /** In the shelter (any stay type) or left, and since when. */
  present: boolean;
  checkedInAt: string;
  checkedOutAt: string | null;
}

export const MAX_QUERY_LENGTH = 100;

export type SafetyQueryError = 'name-required' | 'name-too-long' | 'relation' | 'birth-year';

/** `thisYear`: the caller's calendar year (domain/ reads no clock). */
export function validateSafetyQuery(q: { name?: unknown; relation?: unknown; birthYear?: unknown }, thisYear: number): SafetyQueryError | null {
  if (typeof q.name !== 'string' || normalizeForMatch(q.name) === '') return 'name-required';
  if (q.name.length > MAX_QUERY_LENGTH) return 'name-too-long';
  if (!(RELATIONS as readonly unknown[]).includes(q.relation)) return 'relation';
  const y = q.birthYear;
  if (y !== undefined && y !== null && !(Number.isInteger(y) && (y as number) >= MIN_BIRTH_YEAR && (y as number) <= thisYear)) return 'birth-year';
  return null;
}

/** How the question is written in the audit log: the name, and the year when one was given. */
export function describeQuery(q: SafetyQuery): string {
  return q.birthYear ? `${q.name} (${q.birthYear})` : q.name;
}

/**
 * The people of one shelter that may be disclosed for this query: the whole name or the whole
 * kana equal to what was asked (spaces, width and kana script ignored), not protected, and with
 * consent covering the relation.
 */
export function answersFor(
  people: readonly Person[],
  q: SafetyQuery,
  shelter: { id: string; name: string },
): SafetyAnswer[] {
  const asked = normalizeForMatch(q.name);
  if (asked === '') return [];
  return people
    .filter((p) => !p.protected && consentAllows(p.consent, q.relation))
    .filter((p) => normalizeForMatch(p.name) === asked || (p.kana !== '' && normalizeForMatch(p.kana) === asked))
    .filter((p) => !q.birthYear || p.birthYear === null || p.birthYear === q.birthYear)
    .map((p) => ({
      shelterId: shelter.id,
      shelterName: shelter.name,
      name: p.name,
      kana: p.kana,
      present: isPresent(p),
      checkedInAt: p.checkedInAt,
      checkedOutAt: p.checkedOutAt,
    }));
}
