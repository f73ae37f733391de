// The device's own copy of every document it has opened: Yjs updates in IndexedDB (Dexie),
// plus the local changes the server has not yet confirmed as stored. Written before anything
// goes on the wire, so closing the tab or losing power right after "saved" loses nothing.
// Updates are stored in Yjs's v2 encoding: a 10,000-person shelter is a third smaller and is
// applied noticeably faster at start-up than in v1 (the wire protocol stays v1).
import { isConfirmed } from '../../domain/confirmations';
import Dexie, { type Table } from 'dexie';
import * as Y from 'yjs';

/** One Yjs update in v2 encoding. */
export interface UpdateRow {
  id?: number;
  docName: string;
  update: Uint8Array;
}

/**
 * A local change: confirmed once the server's stored state vector has clock ≥ this for client.
 * A delete-only change (deleteOnly) adds no clock, so no state vector can confirm it: it is
 * confirmed by id, from the STORED count of the socket that carried it (see synced-doc.ts).
 */
export interface PendingRow {
  id?: number;
  docName: string;
  client: number;
  clock: number;
  deleteOnly?: boolean;
  /** Records the change touched (pending-records.ts); rows written before this field count 1. */
  records?: number;
  /** A shelter box has confirmed storing it (the middle tier); the row stays until the city does. */
  atBox?: boolean;
}

/** Unconfirmed records: not yet at the city (`pending`), and of those, not even in a box (`local`). */
export interface PendingCounts {
  pending: number;
  local: number;
}

function counts(rows: readonly PendingRow[]): PendingCounts {
  return { pending: pendingRecords(rows), local: pendingRecords(rows.filter((r) => !r.atBox)) };
}

/** What the sync indicator counts: records, not rows. */
export function pendingRecords(rows: readonly PendingRow[]): number {
  return rows.reduce((n, r) => n + (r.records ?? 1), 0);
}

export interface MetaRow {
  key: string;
  value: string;
}

/** Above this many rows a document's updates are merged into one snapshot row. */
export const COMPACT_AFTER_ROWS = 200;

class HinanjoStore extends Dexie {
  updatesV2!: Table<UpdateRow, number>;
  pending!: Table<PendingRow, number>;
  meta!: Table<MetaRow, string>;

  constructor() {
    super('hinanjo');
    this.version(1).stores({
      updates: '++id, docName',
      pending: '++id, docName',
      meta: 'key',
    });
    // v2: updates in Yjs v2 encoding, in a table of their own (v1 rows were never shipped).
    this.version(2).stores({ updates: null, updatesV2: '++id, docName' });
  }
}

let store: HinanjoStore | null = null;

export function localStore(): HinanjoStore {
  if (!store) {
    store = new HinanjoStore();
    // Without this the browser may evict the tablet's only copy of offline work under storage
    // pressure; granted or not, nothing else changes.
    void navigator.storage?.persist?.().catch(() => false);
  }
  return store;
}

/**
 * A document's updates, its pending count and the ids of its delete-only pending rows, read in
 * one transaction: every delete-only row returned has its deletion in the updates returned.
 */
export async function loadDoc(docName: string): Promise<{ updates: Uint8Array[]; pending: PendingCounts; deleteOnly: number[] }> {
  const db = localStore();
  return db.transaction('r', db.updatesV2, db.pending, async () => {
    const rows = await db.updatesV2.where('docName').equals(docName).toArray();
    const pending = await db.pending.where('docName').equals(docName).toArray();
    return {
      updates: rows.map((r) => r.update),
      pending: counts(pending),
      deleteOnly: pending.filter((p) => p.deleteOnly).map((p) => p.id as number),
    };
  });
}

/** A update to persist; `pending` for local changes (this client's clock after the change). */
export interface UpdateToStore {
  update: Uint8Array;
  pending: { client: number; clock: number; deleteOnly?: boolean; records?: number } | null;
}

/**
 * Persists updates in one IndexedDB transaction: all of them or none. Returns, for each entry of
 * the batch, the id of its pending row (null when it has none).
 */
export async function appendUpdates(docName: string, batch: readonly UpdateToStore[]): Promise<(number | null)[]> {
  const db = localStore();
  return db.transaction('rw', db.updatesV2, db.pending, async () => {
    await db.updatesV2.bulkAdd(batch.map(({ update }) => ({ docName, update })));
    const pending = batch.flatMap((b) => (b.pending ? [{ docName, ...b.pending }] : []));
    const ids = pending.length > 0 ? await db.pending.bulkAdd(pending, { allKeys: true }) : [];
    let i = 0;
    return batch.map((b) => (b.pending ? (ids[i++] as number) : null));
  });
}

export async function countUpdates(docName: string): Promise<number> {
  return localStore().updatesV2.where('docName').equals(docName).count();
}

/**
 * Replaces a document's stored updates by one snapshot, atomically. The snapshot is built from
 * the stored rows themselves, not from the in-memory doc, so rows another tab wrote are kept.
 */
export async function compact(docName: string): Promise<void> {
  const db = localStore();
  await db.transaction('rw', db.updatesV2, async () => {
    const rows = await db.updatesV2.where('docName').equals(docName).toArray();
    if (rows.length <= 1) return;
    const snapshot = Y.mergeUpdatesV2(rows.map((r) => r.update));
    await db.updatesV2.bulkDelete(rows.map((r) => r.id as number));
    await db.updatesV2.add({ docName, update: snapshot });
  });
}

/**
 * Deletes the pending rows that a stored state vector covers (never a delete-only one: its clock
 * says nothing) and the delete-only rows `deletesStored` names; returns how many records remain.
 */
export async function confirmPending(
  docName: string,
  stored: Map<number, number>,
  deletesStored: ReadonlySet<number> = new Set(),
): Promise<PendingCounts> {
  const db = localStore();
  return db.transaction('rw', db.pending, async () => {
    const rows = await db.pending.where('docName').equals(docName).toArray();
    const covered = rows.filter((r) => isCovered(r, stored, deletesStored)).map((r) => r.id as number);
    await db.pending.bulkDelete(covered);
    const gone = new Set(covered);
    return counts(rows.filter((r) => !gone.has(r.id as number)));
  });
}

function isCovered(r: PendingRow, stored: Map<number, number>, deletesStored: ReadonlySet<number>): boolean {
  return isConfirmed({ id: r.id as number, client: r.client, clock: r.clock, deleteOnly: r.deleteOnly }, stored, deletesStored);
}

/** Marks the pending rows a shelter box confirmed (same rules as confirmPending); they stay pending for the city. */
export async function markAtBox(
  docName: string,
  stored: Map<number, number>,
  deletesStored: ReadonlySet<number> = new Set(),
): Promise<PendingCounts> {
  const db = localStore();
  return db.transaction('rw', db.pending, async () => {
    const rows = await db.pending.where('docName').equals(docName).toArray();
    for (const r of rows) {
      if (!r.atBox && isCovered(r, stored, deletesStored)) {
        r.atBox = true;
        await db.pending.update(r.id as number, { atBox: true });
      }
    }
    return counts(rows);
  });
}

export async function countPending(docName: string): Promise<number> {
  return localStore().pending.where('docName').equals(docName).count();
}

export async function readMeta(key: string): Promise<string | null> {
  return (await localStore().meta.get(key))?.value ?? null;
}

export async function writeMeta(key: string, value: string): Promise<void> {
  await localStore().meta.put({ key, value });
}

/** Deletes one document's rows (and its meta keys); the database and other documents stay. */
export async function deleteDocRows(docName: string): Promise<number> {
  const db = localStore();
  return db.transaction('rw', db.updatesV2, db.pending, db.meta, async () => {
    const n = await db.updatesV2.where('docName').equals(docName).delete();
    await db.pending.where('docName').equals(docName).delete();
    await db.meta.where('key').startsWith(`${docName}:`).delete();
    return n;
  });
}

/**
 * Drops one document's local copy (its roster was purged: purged-copy.ts). When no other document
 * holds unsent changes the whole database goes: IndexedDB keeps deleted rows in its files until it
 * compacts them, and deleting the database removes them at once. Otherwise only this document's
 * rows are deleted, so another document's offline work survives.
 */
export async function dropLocalDoc(docName: string): Promise<'database' | 'rows'> {
  const db = localStore();
  const othersPending = await db.pending.where('docName').notEqual(docName).count();
  if (othersPending === 0) {
    await deleteLocalStore();
    return 'database';
  }
  await deleteDocRows(docName);
  return 'rows';
}

/** Deletes the whole local database (a revoked device wipes itself: wipe.ts). */
export async function deleteLocalStore(): Promise<void> {
  const db = localStore();
  store = null;
  await db.delete();
}
