// The device's own copy of every document it has opened: Yjs updates in IndexedDB (Dexie),
// plus the local changes the server has not yet confirmed as stored. Written before anything
// goes on the wire, so closing the tab or losing power right after "saved" loses nothing.
// Updates are stored in Yjs's v2 encoding: a 10,000-person shelter is a third smaller and is
// applied noticeably faster at start-up than in v1 (the wire protocol stays v1).
// The rules (what confirms a row, what is counted) are domain/sync/local-log.ts's, shared with the
// memory log the deterministic harness runs the same replica on.
import Dexie, { type Table } from 'dexie';
import * as Y from 'yjs';
import {
  type LoadedDoc, type LocalLog, type PendingCounts, type PendingRow, type UpdateToStore, pendingCounts, rowConfirmed,
} from '../../../domain/sync/local-log';

/** One Yjs update in v2 encoding. */
export interface UpdateRow {
  id?: number;
  docName: string;
  update: Uint8Array;
}

export interface MetaRow {
  key: string;
  value: string;
}

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
export async function loadDoc(docName: string): Promise<LoadedDoc> {
  const db = localStore();
  return db.transaction('r', db.updatesV2, db.pending, async () => {
    const rows = await db.updatesV2.where('docName').equals(docName).toArray();
    const pending = await db.pending.where('docName').equals(docName).toArray();
    return {
      updates: rows.map((r) => r.update),
      pending: pendingCounts(pending),
      deleteOnly: pending.filter((p) => p.deleteOnly).map((p) => p.id as number),
    };
  });
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
  stored: ReadonlyMap<number, number>,
  deletesStored: ReadonlySet<number> = new Set(),
): Promise<PendingCounts> {
  const db = localStore();
  return db.transaction('rw', db.pending, async () => {
    const rows = await db.pending.where('docName').equals(docName).toArray();
    const covered = rows.filter((r) => rowConfirmed(r, stored, deletesStored)).map((r) => r.id as number);
    await db.pending.bulkDelete(covered);
    const gone = new Set(covered);
    return pendingCounts(rows.filter((r) => !gone.has(r.id as number)));
  });
}

/** Marks the pending rows a shelter box confirmed (same rules as confirmPending); they stay pending for the city. */
export async function markAtBox(
  docName: string,
  stored: ReadonlyMap<number, number>,
  deletesStored: ReadonlySet<number> = new Set(),
): Promise<PendingCounts> {
  const db = localStore();
  return db.transaction('rw', db.pending, async () => {
    const rows = await db.pending.where('docName').equals(docName).toArray();
    for (const r of rows) {
      if (!r.atBox && rowConfirmed(r, stored, deletesStored)) {
        r.atBox = true;
        await db.pending.update(r.id as number, { atBox: true });
      }
    }
    return pendingCounts(rows);
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

/** The device's log as the sync engine sees it (domain/sync/local-log.ts). */
export const indexedDbLog: LocalLog = {
  load: loadDoc,
  append: appendUpdates,
  countUpdates,
  compact,
  confirm: confirmPending,
  markAtBox,
  readMeta,
  writeMeta,
};
