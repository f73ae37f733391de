// Retention of people's data: a closed shelter's roster is purged a number of days after the
// closure (HQ's setting, 90 by default), as Person Finder's expiry rules ask of a record that has
// served its purpose. What stays is what the city needs afterwards and names nobody: the supply
// ledger, the items, the requests, and the counts of who was there.
//
// A purge does not delete inside the document (Yjs keeps tombstones, and a tablet holding the
// old state would send the names back). It builds a NEW document from what stays; the new
// document carries `meta.purgedAt`, its epoch. A client says which epoch its local copy belongs
// to when it connects, and one with an older copy is told to drop it (protocol.ts, CLOSE.purged).
import * as Y from 'yjs';
import { type Result, err, ok } from './result';
import { AGE_GROUPS, type AgeGroup, type LedgerEntry, type Item, SCHEMA_VERSION, hqMeta, shelterItems, shelterMeta, shelterPeople, shelterRequests, shelterStock } from './schema';
import { asAgeGroup } from './coerce';

export const DEFAULT_RETENTION_DAYS = 90;
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

/** HQ's setting (hq meta `retentionDays`), or the default when unset or unreadable. */
export function retentionDays(hq: Y.Doc): number {
  const v = hqMeta(hq).get('retentionDays');
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_RETENTION_DAYS && v <= MAX_RETENTION_DAYS ? v : DEFAULT_RETENTION_DAYS;
}

export function setRetentionDays(hq: Y.Doc, days: number): Result<number, 'out-of-range'> {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) return err('out-of-range');
  if (hqMeta(hq).get('retentionDays') !== days) hqMeta(hq).set('retentionDays', days);
  return ok(days);
}

/** When a shelter closed at `closedAt` is purged; null when it is not closed (or the time is unreadable). */
export function purgeDueAt(closedAt: string | null | undefined, days: number): string | null {
  if (!closedAt) return null;
  const t = Date.parse(closedAt);
  return Number.isFinite(t) ? new Date(t + days * DAY_MS).toISOString() : null;
}

/**
 * When the server holds a shelter to have closed, from its own record (the previous summary)
 * rather than from `meta.closedAt`, which a tablet writes: a tablet that kept a future or stale
 * closedAt would otherwise postpone the purge for ever. Seen open then closed: closed now.
 * Already closed: the time recorded then. Closed at first sight (a document the server has
 * never summarized): the document's closedAt, never later than now, else now.
 */
export function recordedClosure(
  previous: { status: string; closedAt?: string | null } | undefined,
  status: string,
  docClosedAt: unknown,
  now: Date,
): string | null {
  if (status !== 'closed') return null;
  if (previous?.status === 'closed' && previous.closedAt) return previous.closedAt;
  if (previous) return now.toISOString();
  const t = typeof docClosedAt === 'string' ? Date.parse(docClosedAt) : NaN;
  return Number.isFinite(t) && t <= now.getTime() ? new Date(t).toISOString() : now.toISOString();
}

/** The epoch of a shelter document: '' until it is purged, then the time of the purge. */
export function docEpoch(doc: Y.Doc): string {
  const v = shelterMeta(doc).get('purgedAt');
  return typeof v === 'string' ? v : '';
}

/** What a purge leaves of the roster: counts of everyone who was ever checked in. */
export interface RetainedCounts {
  people: number;
  households: number;
  ageGroups: Record<AgeGroup, number>;
  needs: Record<string, number>;
  firstCheckInAt: string | null;
  lastCheckOutAt: string | null;
}

export function retainedCounts(doc: Y.Doc): RetainedCounts {
  const households = new Set<string>();
  const out: RetainedCounts = {
    people: 0,
    households: 0,
    ageGroups: Object.fromEntries(AGE_GROUPS.map((a) => [a, 0])) as Record<AgeGroup, number>,
    needs: {},
    firstCheckInAt: null,
    lastCheckOutAt: null,
  };
  for (const m of shelterPeople(doc).values()) {
    out.people++;
    const h = m.get('householdId');
    if (typeof h === 'string') households.add(h);
    out.ageGroups[asAgeGroup(m.get('ageGroup'))]++;
    const needs = m.get('needs');
    if (Array.isArray(needs)) for (const n of needs) if (typeof n === 'string') out.needs[n] = (out.needs[n] ?? 0) + 1;
    const inAt = m.get('checkedInAt');
    if (typeof inAt === 'string' && (!out.firstCheckInAt || inAt < out.firstCheckInAt)) out.firstCheckInAt = inAt;
    const outAt = m.get('checkedOutAt');
    if (typeof outAt === 'string' && outAt && (!out.lastCheckOutAt || outAt > out.lastCheckOutAt)) out.lastCheckOutAt = outAt;
  }
  out.households = households.size;
  return out;
}

/** People on record in a shelter document (what a purge would remove). */
export function peopleOnRecord(doc: Y.Doc): number {
  return shelterPeople(doc).size;
}

/** Names and kana of everyone on record: what must not be found anywhere after the purge. */
export function namesOnRecord(doc: Y.Doc): string[] {
  const out = new Set<string>();
  for (const m of shelterPeople(doc).values()) {
    for (const k of ['name', 'kana'] as const) {
      const v = m.get(k);
      if (typeof v === 'string' && v.trim()) out.add(v.trim());
    }
  }
  return [...out];
}

/**
 * The purged document, as one update: a fresh document (new client ids, no tombstones) with the
 * shelter's meta (status, opening and closing times, and `purgedAt`), its items, supply ledger and
 * requests, and the retained counts. People, households and the duplicate decisions are gone.
 */
export function purgedState(doc: Y.Doc, at: Date): Uint8Array {
  const counts = retainedCounts(doc);
  const oldMeta = shelterMeta(doc);
  const items = [...shelterItems(doc).entries()].map(([id, v]) => [id, { ...(v as Item) }] as const);
  const ledger = shelterStock(doc).toArray().map((e) => ({ ...(e as LedgerEntry) }));
  const requests = [...shelterRequests(doc).entries()].map(([id, m]) => [id, m.toJSON()] as const);
  const fresh = new Y.Doc();
  fresh.transact(() => {
    const meta = shelterMeta(fresh);
    meta.set('schema', SCHEMA_VERSION);
    for (const k of ['status', 'openedAt', 'closedAt']) {
      const v = oldMeta.get(k);
      if (v !== undefined && v !== null) meta.set(k, v);
    }
    meta.set('purgedAt', at.toISOString());
    meta.set('retainedCounts', counts);
    for (const [id, v] of items) shelterItems(fresh).set(id, v);
    shelterStock(fresh).push(ledger);
    for (const [id, r] of requests) {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(r)) if (v !== undefined) m.set(k, v);
      shelterRequests(fresh).set(id, m);
    }
  });
  const state = Y.encodeStateAsUpdate(fresh);
  fresh.destroy();
  return state;
}

/**
 * What a shelter box keeps after dropping a purged copy, before it fetches the city's: nothing.
 * The epoch is kept by the box's store beside it; `meta.purgedAt` is the city's to write (a box
 * that wrote its own would send it up, and the city refuses that write).
 */
export function emptyState(): Uint8Array {
  return Y.encodeStateAsUpdate(new Y.Doc());
}

/** One line of HQ's retention view: a closed shelter and when its roster goes (or went). */
export interface RetentionLine {
  shelterId: string;
  closedAt: string;
  /** When the purge is due; null once purged. */
  dueAt: string | null;
  /** Whole days until due (0: due now, the next check purges it). */
  daysLeft: number | null;
  purgedAt: string | null;
  peopleOnRecord: number;
  /** After the purge: the counts that stay. */
  retained: { people: number; households: number } | null;
}

/** Closed and purged shelters, the soonest purge first, then the purged (latest first). */
export function retentionSchedule(
  shelters: readonly { shelterId: string; status: string; closedAt?: string | null; purgedAt?: string | null; peopleOnRecord?: number; retained?: { people: number; households: number } | null }[],
  days: number,
  now: Date,
): RetentionLine[] {
  const lines: RetentionLine[] = [];
  for (const s of shelters) {
    // Purged and not reopened since (a reopened shelter has people on record again).
    if (s.purgedAt && !s.peopleOnRecord) {
      lines.push({ shelterId: s.shelterId, closedAt: s.closedAt ?? '', dueAt: null, daysLeft: null, purgedAt: s.purgedAt, peopleOnRecord: s.peopleOnRecord ?? 0, retained: s.retained ?? null });
      continue;
    }
    if (s.status !== 'closed') continue;
    const dueAt = purgeDueAt(s.closedAt, days);
    if (!dueAt) continue;
    const daysLeft = Math.max(0, Math.ceil((Date.parse(dueAt) - now.getTime()) / DAY_MS));
    lines.push({ shelterId: s.shelterId, closedAt: s.closedAt!, dueAt, daysLeft, purgedAt: null, peopleOnRecord: s.peopleOnRecord ?? 0, retained: null });
  }
  return lines.sort((a, b) =>
    a.dueAt && b.dueAt ? (a.dueAt < b.dueAt ? -1 : 1) : a.dueAt ? -1 : b.dueAt ? 1 : (a.purgedAt! > b.purgedAt! ? -1 : 1));
}
