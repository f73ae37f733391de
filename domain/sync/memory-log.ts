// The local log in memory, with the same rules as the tablet's IndexedDB one (web/lib/sync/local-store.ts):
// the deterministic harness runs replicas on it, and a "reload" opens a new replica on the same
// log, as a tablet reopens its IndexedDB. Every method resolves on a later microtask, like
// IndexedDB, so a replica's write chain is exercised as it is in the browser.
import * as Y from 'yjs';
import { type LoadedDoc, type LocalLog, type PendingCounts, type PendingRow, type UpdateToStore, pendingCounts, rowConfirmed } from './local-log';

export class MemoryLog implements LocalLog {
  private nextId = 1;
  readonly updates = new Map<string, { id: number; update: Uint8Array }[]>();
  readonly pending = new Map<string, PendingRow[]>();
  readonly meta = new Map<string, string>();
  /** Every pending row id ever created, in order (a harness maps them to the changes it saw). */
  readonly createdPendingIds: number[] = [];

  async load(docName: string): Promise<LoadedDoc> {
    await Promise.resolve();
    const rows = this.pending.get(docName) ?? [];
    return {
      updates: (this.updates.get(docName) ?? []).map((r) => r.update),
      pending: pendingCounts(rows),
      deleteOnly: rows.filter((r) => r.deleteOnly).map((r) => r.id as number),
    };
  }

  async append(docName: string, batch: readonly UpdateToStore[]): Promise<(number | null)[]> {
    await Promise.resolve();
    const updates = this.updates.get(docName) ?? [];
    const pending = this.pending.get(docName) ?? [];
    const ids = batch.map((b) => {
      updates.push({ id: this.nextId++, update: b.update });
      if (!b.pending) return null;
      const id = this.nextId++;
      pending.push({ id, docName, ...b.pending });
      this.createdPendingIds.push(id);
      return id;
    });
    this.updates.set(docName, updates);
    this.pending.set(docName, pending);
    return ids;
  }

  async countUpdates(docName: string): Promise<number> {
    await Promise.resolve();
    return this.updates.get(docName)?.length ?? 0;
  }

  async compact(docName: string): Promise<void> {
    await Promise.resolve();
    const rows = this.updates.get(docName) ?? [];
    if (rows.length <= 1) return;
    this.updates.set(docName, [{ id: this.nextId++, update: Y.mergeUpdatesV2(rows.map((r) => r.update)) }]);
  }

  async confirm(docName: string, stored: ReadonlyMap<number, number>, deletesStored: ReadonlySet<number>): Promise<PendingCounts> {
    await Promise.resolve();
    const left = (this.pending.get(docName) ?? []).filter((r) => !rowConfirmed(r, stored, deletesStored));
    this.pending.set(docName, left);
    return pendingCounts(left);
  }

  async markAtBox(docName: string, stored: ReadonlyMap<number, number>, deletesStored: ReadonlySet<number>): Promise<PendingCounts> {
    await Promise.resolve();
    const rows = this.pending.get(docName) ?? [];
    for (const r of rows) if (!r.atBox && rowConfirmed(r, stored, deletesStored)) r.atBox = true;
    return pendingCounts(rows);
  }

  async readMeta(key: string): Promise<string | null> {
    await Promise.resolve();
    return this.meta.get(key) ?? null;
  }

  async writeMeta(key: string, value: string): Promise<void> {
    await Promise.resolve();
    this.meta.set(key, value);
  }

  /** This client's own changes the log still holds as unconfirmed by the city (for invariants). */
  pendingRows(docName: string): readonly PendingRow[] {
    return this.pending.get(docName) ?? [];
  }
}
