// Corrections a shelter worker makes to the roster, each kept in the person's history so the
// record says what happened: a check-out taken back (re-admission after a mistaken check-out),
// two records of one person merged, a check-in time corrected (a tablet with a wrong clock).
// A merge deletes the second record; deleting is not a departure (departures count
// checkedOutAt), so the day's departures do not move.
import * as Y from 'yjs';
import { asStringList, asStringOrNull, asString } from './coerce';
import { readPersonMap } from './people';
import { type NotDuplicate, type Person, type PersonEvent, shelterNotDuplicates, shelterPeople } from './schema';
import { type Result, err, ok } from './result';

const HISTORY = 'history';

/** Check-in times further ahead than this are flagged (a tablet whose clock is wrong). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

function personMap(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const m = shelterPeople(doc).get(id);
  return m instanceof Y.Map ? m : null;
}

function appendHistory(m: Y.Map<unknown>, e: PersonEvent): void {
  let h = m.get(HISTORY);
  if (!(h instanceof Y.Array)) {
    h = new Y.Array<PersonEvent>();
    m.set(HISTORY, h);
  }
  (h as Y.Array<PersonEvent>).push([e]);
}

/** The corrections made to a person, oldest first (malformed entries from a foreign client skipped). */
export function personHistory(doc: Y.Doc, personId: string): PersonEvent[] {
  const h = personMap(doc, personId)?.get(HISTORY);
  if (!(h instanceof Y.Array)) return [];
  return h.toArray().filter((e): e is PersonEvent => !!e && typeof e === 'object' && typeof (e as PersonEvent).event === 'string');
}

export type ReadmitError = 'not-found' | 'not-checked-out';

/** Takes back a check-out (made by mistake, or the person came back from a night in the car). */
export function readmitPerson(doc: Y.Doc, personId: string, ctx: { now: Date; by: string }): Result<Person, ReadmitError> {
  const m = personMap(doc, personId);
  if (!m) return err('not-found');
  const previousCheckOut = asStringOrNull(m.get('checkedOutAt'));
  if (previousCheckOut === null) return err('not-checked-out');
  doc.transact(() => {
    m.set('checkedOutAt', null);
    appendHistory(m, { event: 'readmitted', at: ctx.now.toISOString(), by: ctx.by, previousCheckOut });
  });
  return ok(readPersonMap(personId, m));
}

export type MergeError = 'not-found' | 'same-person-id';

/**
 * "Same person — merge": keeps `keepId`, folds what only the other record knew into it (needs
 * are united; empty kana, note and language are filled; the earlier check-in time wins), records
 * the merge in its history and deletes the other record.
 */
export function mergePeople(doc: Y.Doc, keepId: string, removeId: string, ctx: { now: Date; by: string }): Result<Person, MergeError> {
  if (keepId === removeId) return err('same-person-id');
  const keep = personMap(doc, keepId);
  const drop = personMap(doc, removeId);
  if (!keep || !drop) return err('not-found');
  const a = readPersonMap(keepId, keep);
  const b = readPersonMap(removeId, drop);
  doc.transact(() => {
    const needs = [...new Set([...a.needs, ...asStringList(drop.get('needs'))])];
    if (needs.length !== a.needs.length) keep.set('needs', needs);
    if (!a.kana && b.kana) keep.set('kana', b.kana);
    if (!a.note && b.note) keep.set('note', b.note);
    else if (b.note && b.note !== a.note) keep.set('note', `${a.note}\n${b.note}`);
    if (b.checkedInAt && b.checkedInAt < a.checkedInAt) keep.set('checkedInAt', b.checkedInAt);
    for (const e of personHistory(doc, removeId)) appendHistory(keep, e);
    appendHistory(keep, {
      event: 'merged',
      at: ctx.now.toISOString(),
      by: ctx.by,
      from: removeId,
      fromCheckedInAt: b.checkedInAt,
      fromName: b.name,
      fromKana: b.kana,
    });
    shelterPeople(doc).delete(removeId);
    // The pair no longer exists; drop any "not the same" marks that named the removed record.
    for (const key of [...shelterNotDuplicates(doc).keys()]) if (key.split('|').includes(removeId)) shelterNotDuplicates(doc).delete(key);
  });
  return ok(readPersonMap(keepId, keep));
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** "Not the same person": the pair is never flagged again (on every tablet, once synced). */
export function markNotDuplicate(doc: Y.Doc, a: string, b: string, ctx: { now: Date; by: string }): void {
  const value: NotDuplicate = { at: ctx.now.toISOString(), by: ctx.by };
  shelterNotDuplicates(doc).set(pairKey(a, b), value);
}

export function isMarkedNotDuplicate(doc: Y.Doc, a: string, b: string): boolean {
  return shelterNotDuplicates(doc).has(pairKey(a, b));
}

export type CheckInTimeError = 'not-found' | 'invalid-time' | 'in-the-future' | 'after-check-out';

/** Corrects a check-in time (ISO); refuses a time in the future or after the person left. */
export function correctCheckInTime(
  doc: Y.Doc,
  personId: string,
  iso: string,
  ctx: { now: Date; by: string },
): Result<Person, CheckInTimeError> {
  const m = personMap(doc, personId);
  if (!m) return err('not-found');
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return err('invalid-time');
  if (t.getTime() > ctx.now.getTime() + FUTURE_TOLERANCE_MS) return err('in-the-future');
  const out = asStringOrNull(m.get('checkedOutAt'));
  if (out && t.toISOString() > out) return err('after-check-out');
  const from = asString(m.get('checkedInAt'));
  const to = t.toISOString();
  if (from === to) return ok(readPersonMap(personId, m));
  doc.transact(() => {
    m.set('checkedInAt', to);
    appendHistory(m, { event: 'check-in-corrected', at: ctx.now.toISOString(), by: ctx.by, from, to });
  });
  return ok(readPersonMap(personId, m));
}

/** True when a recorded time lies ahead of `now` by more than the tolerance (wrong tablet clock). */
export function isInTheFuture(iso: string | null, now: Date): boolean {
  if (!iso) return false;
  const t = new Date(iso).getTime();
  return Number.isFinite(t) && t > now.getTime() + FUTURE_TOLERANCE_MS;
}
