// Evacuees: check-in of a household in one step, check-out, edits. Each person is a Y.Map and
// every write touches only the keys it means to change, so a check-out on one tablet and an
// edit of the same person on another both survive the merge.
import * as Y from 'yjs';
import {
  AGE_GROUPS, type AgeGroup, CONSENT_LEVELS, type Person, SEXES, type Sex, STAY_TYPES, type StayType, type Need,
  shelterPeople,
} from './schema';
import { asAgeGroup, asConsent, asProtected, asSex, asStay, asString, asStringList, asStringOrNull } from './coerce';
import { isKanaOnly, storedKana } from './normalize';
import { type Result, err, ok } from './result';

/** What a user types for one person: a Person without what the check-in itself sets. */
export type PersonInput = Omit<Person, 'id' | 'householdId' | 'checkedInAt' | 'checkedOutAt'>;

export const PERSON_INPUT_KEYS = [
  'name', 'kana', 'ageGroup', 'sex', 'needs', 'language', 'districtId', 'stay', 'note', 'consent', 'protected', 'birthYear',
] as const satisfies readonly (keyof PersonInput)[];

/** Codes the UI translates and shows next to the field. */
export type PersonFieldError = 'required' | 'kana-script' | 'invalid-choice' | 'too-long' | 'invalid-year';
export type FieldErrors = Partial<Record<keyof PersonInput, PersonFieldError>>;

export const PERSON_LIMITS = { name: 100, kana: 100, need: 40, needs: 30, language: 35, districtId: 64, note: 1000 } as const;

/** A form's starting values. */
export function emptyPersonInput(): PersonInput {
  return {
    name: '', kana: '', ageGroup: 'adult', sex: 'unanswered', needs: [], language: 'ja', districtId: '',
    stay: 'shelter', note: '', consent: 'none', protected: false, birthYear: null,
  };
}

/** Older than anyone alive; a year after this one is a typing mistake. */
export const MIN_BIRTH_YEAR = 1900;

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

function fieldError(key: keyof PersonInput, v: unknown, thisYear: number): PersonFieldError | null {
  switch (key) {
    case 'name': {
      if (typeof v !== 'string' || v.trim() === '') return 'required';
      return v.trim().length > PERSON_LIMITS.name ? 'too-long' : null;
    }
    case 'kana': {
      if (v === undefined || v === null || v === '') return null;
      if (typeof v !== 'string') return 'kana-script';
      if (!isKanaOnly(v.trim())) return 'kana-script';
      return v.trim().length > PERSON_LIMITS.kana ? 'too-long' : null;
    }
    case 'ageGroup':
      return (AGE_GROUPS as readonly unknown[]).includes(v) ? null : 'invalid-choice';
    case 'sex':
      return (SEXES as readonly unknown[]).includes(v) ? null : 'invalid-choice';
    case 'stay':
      return (STAY_TYPES as readonly unknown[]).includes(v) ? null : 'invalid-choice';
    case 'needs': {
      if (!Array.isArray(v)) return 'invalid-choice';
      if (v.length > PERSON_LIMITS.needs) return 'too-long';
      for (const n of v) {
        if (typeof n !== 'string' || n.trim() === '') return 'invalid-choice';
        if (n.length > PERSON_LIMITS.need) return 'too-long';
      }
      return null;
    }
    case 'language': {
      if (v === '' || v === undefined) return null;
      if (typeof v !== 'string' || !LANGUAGE_TAG.test(v)) return 'invalid-choice';
      return v.length > PERSON_LIMITS.language ? 'too-long' : null;
    }
    case 'districtId': {
      if (v === undefined) return null;
      if (typeof v !== 'string') return 'invalid-choice';
      return v.length > PERSON_LIMITS.districtId ? 'too-long' : null;
    }
    case 'note': {
      if (v === undefined) return null;
      if (typeof v !== 'string') return 'invalid-choice';
      return v.length > PERSON_LIMITS.note ? 'too-long' : null;
    }
    case 'consent':
      return (CONSENT_LEVELS as readonly unknown[]).includes(v) ? null : 'invalid-choice';
    case 'protected':
      // Any mark is taken (and stored as a boolean, cleanField): refusing "true" would leave a
      // person unprotected on a form that meant to protect them.
      return null;
    case 'birthYear':
      if (v === null || v === undefined) return null;
      return Number.isInteger(v) && (v as number) >= MIN_BIRTH_YEAR && (v as number) <= thisYear ? null : 'invalid-year';
  }
}

/**
 * Every problem of a person's input; an empty object when it can be saved. `thisYear` is the
 * caller's calendar year (a birth year after it is a typing mistake): domain/ reads no clock.
 */
export function validatePersonInput(input: PersonInput, thisYear: number): FieldErrors {
  return validateFields(input, PERSON_INPUT_KEYS, thisYear);
}

function validateFields(input: Partial<PersonInput>, keys: readonly (keyof PersonInput)[], thisYear: number): FieldErrors {
  const errors: FieldErrors = {};
  for (const key of keys) {
    const e = fieldError(key, input[key], thisYear);
    if (e) errors[key] = e;
  }
  return errors;
}

const hasErrors = (e: FieldErrors) => Object.keys(e).length > 0;

/** The stored form of a field: trimmed text, half-width kana widened, needs without repeats. */
function cleanField<K extends keyof PersonInput>(key: K, v: PersonInput[K]): PersonInput[K] {
  switch (key) {
    case 'name':
    case 'note':
    case 'districtId':
    case 'language':
      return (v as string).trim() as PersonInput[K];
    case 'kana':
      return storedKana((v as string | undefined) ?? '') as PersonInput[K];
    case 'needs':
      return [...new Set((v as string[]).map((n) => n.trim()))] as PersonInput[K];
    case 'protected':
      return asProtected(v) as PersonInput[K];
    default:
      return v;
  }
}

export interface CheckInContext {
  now: Date;
  newId: () => string;
  /** Adds the people to an existing household instead of starting a new one. */
  householdId?: string;
}

export type MemberErrors = { memberIndex: number; errors: FieldErrors }[];

/**
 * Checks in a household: every member is validated first, then all are written in one
 * transaction, or nothing is written. An empty household is reported as a missing name on
 * its first member.
 */
export function checkInHousehold(
  doc: Y.Doc,
  members: readonly PersonInput[],
  ctx: CheckInContext,
): Result<{ householdId: string; personIds: string[] }, MemberErrors> {
  if (members.length === 0) return err([{ memberIndex: 0, errors: { name: 'required' } }]);
  const problems: MemberErrors = [];
  members.forEach((m, memberIndex) => {
    const errors = validatePersonInput(m, ctx.now.getUTCFullYear());
    if (hasErrors(errors)) problems.push({ memberIndex, errors });
  });
  if (problems.length > 0) return err(problems);

  const householdId = ctx.householdId ?? ctx.newId();
  const checkedInAt = ctx.now.toISOString();
  const personIds: string[] = [];
  const people = shelterPeople(doc);
  doc.transact(() => {
    for (const input of members) {
      const id = ctx.newId();
      const m = new Y.Map<unknown>();
      m.set('householdId', householdId);
      for (const key of PERSON_INPUT_KEYS) m.set(key, cleanField(key, input[key] ?? emptyPersonInput()[key]));
      m.set('checkedInAt', checkedInAt);
      m.set('checkedOutAt', null);
      people.set(id, m);
      personIds.push(id);
    }
  });
  return ok({ householdId, personIds });
}

export type PresenceError = 'not-found' | 'already-left' | 'not-checked-out';

/** Records that a person left. Only `checkedOutAt` is written. */
export function checkOutPerson(doc: Y.Doc, personId: string, now: Date): Result<Person, PresenceError> {
  const m = shelterPeople(doc).get(personId);
  if (!(m instanceof Y.Map)) return err('not-found');
  if (asStringOrNull(m.get('checkedOutAt')) !== null) return err('already-left');
  m.set('checkedOutAt', now.toISOString());
  return ok(readPersonMap(personId, m));
}

/** Checks out every member of a household who is still present, in one transaction. */
export function checkOutHousehold(doc: Y.Doc, householdId: string, now: Date): Result<string[], 'not-found'> {
  const members = householdMaps(doc, householdId);
  if (members.length === 0) return err('not-found');
  const at = now.toISOString();
  const ids: string[] = [];
  doc.transact(() => {
    for (const [id, m] of members) {
      if (asStringOrNull(m.get('checkedOutAt')) !== null) continue;
      m.set('checkedOutAt', at);
      ids.push(id);
    }
  });
  return ok(ids);
}

/** Takes back a check-out made by mistake. */
export function undoCheckOut(doc: Y.Doc, personId: string): Result<Person, PresenceError> {
  const m = shelterPeople(doc).get(personId);
  if (!(m instanceof Y.Map)) return err('not-found');
  if (asStringOrNull(m.get('checkedOutAt')) === null) return err('not-checked-out');
  m.set('checkedOutAt', null);
  return ok(readPersonMap(personId, m));
}

export type EditError = { code: 'not-found' } | { code: 'invalid'; errors: FieldErrors };

/**
 * Changes some fields of a person. Only the keys in the patch are validated (an old record
 * written by another client may hold values this version would not accept), and only the keys
 * whose value really changes are written.
 */
export function editPerson(doc: Y.Doc, personId: string, patch: Partial<PersonInput>, thisYear: number): Result<Person, EditError> {
  const m = shelterPeople(doc).get(personId);
  if (!(m instanceof Y.Map)) return err({ code: 'not-found' });
  const keys = PERSON_INPUT_KEYS.filter((k) => k in patch && patch[k] !== undefined);
  const errors = validateFields(patch, keys, thisYear);
  if (hasErrors(errors)) return err({ code: 'invalid', errors });
  const current = readPersonMap(personId, m);
  doc.transact(() => {
    for (const key of keys) {
      const next = cleanField(key, patch[key] as PersonInput[typeof key]);
      if (sameValue(current[key], next)) continue;
      m.set(key, next);
    }
  });
  return ok(readPersonMap(personId, m));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function asBirthYear(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_BIRTH_YEAR ? v : null;
}

/** A person record with schema defaults for anything missing or malformed. */
export function readPersonMap(id: string, m: Y.Map<unknown>): Person {
  return {
    id,
    householdId: asString(m.get('householdId'), id),
    name: asString(m.get('name')),
    kana: asString(m.get('kana')),
    ageGroup: asAgeGroup(m.get('ageGroup')),
    sex: asSex(m.get('sex')),
    needs: asStringList(m.get('needs')),
    language: asString(m.get('language')),
    districtId: asString(m.get('districtId')),
    stay: asStay(m.get('stay')),
    checkedInAt: asString(m.get('checkedInAt')),
    checkedOutAt: asStringOrNull(m.get('checkedOutAt')),
    note: asString(m.get('note')),
    consent: asConsent(m.get('consent'), m.get('consentSafetyInfo')),
    protected: asProtected(m.get('protected')),
    birthYear: asBirthYear(m.get('birthYear')),
  };
}

export function readPerson(doc: Y.Doc, personId: string): Person | null {
  const m = shelterPeople(doc).get(personId);
  return m instanceof Y.Map ? readPersonMap(personId, m) : null;
}

/** Everyone ever checked in, in check-in order (then id, so every replica lists them alike). */
export function readPeople(doc: Y.Doc): Person[] {
  const out: Person[] = [];
  shelterPeople(doc).forEach((m, id) => {
    if (m instanceof Y.Map) out.push(readPersonMap(id, m));
  });
  return out.sort(byCheckIn);
}

function byCheckIn(a: Person, b: Person): number {
  if (a.checkedInAt !== b.checkedInAt) return a.checkedInAt < b.checkedInAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function householdMaps(doc: Y.Doc, householdId: string): [string, Y.Map<unknown>][] {
  const out: [string, Y.Map<unknown>][] = [];
  shelterPeople(doc).forEach((m, id) => {
    if (m instanceof Y.Map && m.get('householdId') === householdId) out.push([id, m]);
  });
  return out;
}

/** The members of a household, present or not, in check-in order. */
export function householdMembers(doc: Y.Doc, householdId: string): Person[] {
  return householdMaps(doc, householdId).map(([id, m]) => readPersonMap(id, m)).sort(byCheckIn);
}

/** The editable fields of a person, e.g. to fill an edit form. */
export function toPersonInput(p: Person): PersonInput {
  const { name, kana, ageGroup, sex, needs, language, districtId, stay, note, consent } = p;
  return { name, kana, ageGroup, sex, needs: [...needs], language, districtId, stay, note, consent, protected: p.protected, birthYear: p.birthYear };
}

/**
 * Records from before consent tiers hold `consentSafetyInfo: true|false`, which readPersonMap
 * reads as the tier it meant (true → 'anyone'). Writing that tier into the record from here would
 * race a tier staff choose on another tablet at the same time (Yjs would keep one of the two by
 * client id, possibly the migration's), so the tier is written only by a person's own edit; this
 * removes the old key once a tier is there. Returns how many records it cleaned.
 */
export function migrateConsent(doc: Y.Doc): number {
  let n = 0;
  doc.transact(() => {
    shelterPeople(doc).forEach((m) => {
      if (!(m instanceof Y.Map) || !m.has('consentSafetyInfo') || !m.has('consent')) return;
      m.delete('consentSafetyInfo');
      n++;
    });
  });
  return n;
}

/** Whether some record has both the old key and a tier (cheap: no write). */
export function hasLegacyConsent(doc: Y.Doc): boolean {
  for (const m of shelterPeople(doc).values()) if (m instanceof Y.Map && m.has('consentSafetyInfo') && m.has('consent')) return true;
  return false;
}

/** The name to show where others may see the screen: nothing of a protected person. */
export function visibleName(p: Person, hidden: string): string {
  return p.protected ? hidden : p.name;
}
