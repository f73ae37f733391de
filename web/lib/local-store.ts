// The device's own copy of every document it has opened: Yjs updates in IndexedDB (Dexie),
// plus the local changes the server has not yet confirmed as stored. Written before anything
// goes on the wire, so closing the tab or losing power right after "saved" loses nothing.
// Updates are stored in Yjs's v2 encoding: a 10,000-person shelter is a third smaller and is
// applied noticeably faster at start-up than in v1 (the wire protocol stays v1).
import Dexie, { type Table } from 'dexie';
import * as Y from 'yjs';

/** One Yjs update in v2 encoding. */
export interface UpdateRow {
  id?: number;
  docName: string;
  update: Uint8Array;
}

/** A local change: confirmed once the server's stored state vector has clock ≥ this for client. */
export interface PendingRow {
  id?: number;
  docName: string;
  client: number;
  clock: number;
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

export async function loadUpdates(docName: string): Promise<Uint8Array[]> {
  const rows = await localStore().updatesV2.where('docName').equals(docName).toArray();
  return rows.map((r) => r.update);
}

/** A update to persist; `pending` for local changes (this client's clock after the change). */
export interface UpdateToStore {
  update: Uint8Array;
  pending: { client: number; clock: number } | null;
}

/** Persists updates in one IndexedDB transaction: all of them or none. */
export async function appendUpdates(docName: string, batch: readonly UpdateToStore[]): Promise<void> {
  const db = localStore();
  await db.transaction('rw', db.updatesV2, db.pending, async () => {
    await db.updatesV2.bulkAdd(batch.map(({ update }) => ({ docName, update })));
    const pending = batch.flatMap((b) => (b.pending ? [{ docName, ...b.pending }] : []));
    if (pending.length > 0) await db.pending.bulkAdd(pending);
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

/** Deletes the pending rows that a stored state vector covers; returns how many remain. */
export async function confirmPending(docName: string, stored: Map<number, number>): Promise<number> {
  const db = localStore();
  return db.transaction('rw', db.pending, async () => {
    const rows = await db.pending.where('docName').equals(docName).toArray();
    const covered = rows.filter((r) => (stored.get(r.client) ?? 0) >= r.clock).map((r) => r.id as number);
    await db.pending.bulkDelete(covered);
    return rows.length - covered.length;
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
