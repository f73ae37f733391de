// The in-memory registry of live documents. A document is loaded from the store when the
// first holder (a connection, or derive.ts for the hq document) acquires it, and unloaded a
// grace period after the last one releases it. Updates reach a live document only through
// applyCommitted(), i.e. after the store committed them (writer.ts).
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { DocRef } from '../domain/schema';
import { parseDocName } from '../domain/schema';
import type { Metrics } from './metrics';
import type { SerialQueue } from './serial';
import type { DocStore } from './store/types';

export interface LiveDoc {
  readonly name: string;
  readonly ref: DocRef;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** Sync connections on this document (sync.ts adds and removes itself). */
  readonly conns: Set<unknown>;
  holders: number;
  /** Updates accepted by the writer and not yet applied; the document stays loaded meanwhile. */
  pendingWrites: number;
  lastSeq: number;
  updatesSinceSnapshot: number;
  lastUpdateAt: string | null;
  unloadTimer: NodeJS.Timeout | null;
}

export interface RegistryOptions {
  /** How long a document with no holder stays in memory (a reconnecting tablet finds it warm). */
  unloadGraceMs: number;
  /** Updates after the snapshot that trigger a compaction. */
  compactThreshold: number;
}

export interface RegistryEvents {
  /** A document was loaded: sync.ts wires broadcasting, derive.ts its summaries. */
  loaded?(live: LiveDoc): void;
  /** A committed update was applied (origin: the connection it came from, or another tag). */
  changed?(live: LiveDoc, origin: unknown): void;
  unloaded?(live: LiveDoc): void;
}

export class DocRegistry {
  private readonly live = new Map<string, LiveDoc>();
  private readonly loading = new Map<string, Promise<LiveDoc>>();
  private readonly listeners: RegistryEvents[] = [];

  constructor(
    private readonly store: DocStore,
    private readonly queue: SerialQueue,
    private readonly metrics: Metrics,
    private readonly opts: RegistryOptions,
  ) {}

  on(events: RegistryEvents): void {
    this.listeners.push(events);
  }

  get(name: string): LiveDoc | undefined {
    return this.live.get(name);
  }

  loadedDocs(): IterableIterator<LiveDoc> {
    return this.live.values();
  }

  /** Loads (or finds) a document and counts one more holder. */
  async acquire(name: string): Promise<LiveDoc> {
    const live = this.live.get(name) ?? (await this.load(name));
    live.holders++;
    if (live.unloadTimer) {
      clearTimeout(live.unloadTimer);
      live.unloadTimer = null;
    }
    return live;
  }

  release(live: LiveDoc): void {
    live.holders--;
    this.scheduleUnload(live);
  }

  /** Loads a document for a moment (start-up summaries), unloading it after unless held. */
  async peek<T>(name: string, fn: (live: LiveDoc) => T): Promise<T> {
    const live = await this.acquire(name);
    try {
      return fn(live);
    } finally {
      live.holders--;
      this.scheduleUnload(live, 0);
    }
  }

  /** Applies an update that the store has committed as `seq`. */
  applyCommitted(live: LiveDoc, update: Uint8Array, seq: number, origin: unknown, at: string): void {
    live.lastSeq = Math.max(live.lastSeq, seq);
    live.updatesSinceSnapshot++;
    live.lastUpdateAt = at;
    Y.applyUpdate(live.doc, update, origin);
    for (const l of this.listeners) l.changed?.(live, origin);
    if (live.updatesSinceSnapshot >= this.opts.compactThreshold) this.compact(live);
  }

  /** Folds the log into one snapshot; the snapshot is taken now, written in queue order. */
  compact(live: LiveDoc): Promise<void> {
    if (live.updatesSinceSnapshot === 0) return Promise.resolve();
    const snapshot = Y.encodeStateAsUpdate(live.doc);
    const upto = live.lastSeq;
    live.updatesSinceSnapshot = 0;
    return this.queue.run(() => this.store.compact(live.name, snapshot, upto)).catch((e) => {
      // The log is still complete; the next threshold crossing tries again.
      console.error(`compaction of ${live.name} failed: ${(e as Error).message}`);
    });
  }

  /** Compacts and drops every document (shutdown). */
  async unloadAll(): Promise<void> {
    const all = [...this.live.values()];
    for (const live of all) this.unload(live);
    await this.queue.idle();
  }

  private scheduleUnload(live: LiveDoc, delay = this.opts.unloadGraceMs): void {
    if (live.holders > 0 || live.unloadTimer) return;
    live.unloadTimer = setTimeout(() => {
      live.unloadTimer = null;
      if (live.holders > 0) return;
      if (live.pendingWrites > 0) return this.scheduleUnload(live, 50);
      this.unload(live);
    }, delay);
    live.unloadTimer.unref?.();
  }

  private unload(live: LiveDoc): void {
    if (this.live.get(live.name) !== live) return;
    if (live.unloadTimer) clearTimeout(live.unloadTimer);
    this.live.delete(live.name);
    this.metrics.documentsLoaded = this.live.size;
    // Compacting on the way out keeps the next cold load to one snapshot.
    if (live.updatesSinceSnapshot > 1) void this.compact(live);
    for (const l of this.listeners) l.unloaded?.(live);
    live.awareness.destroy();
    live.doc.destroy();
  }

  private load(name: string): Promise<LiveDoc> {
    const pending = this.loading.get(name);
    if (pending) return pending;
    const ref = parseDocName(name);
    if (!ref) return Promise.reject(new Error(`not a document name: ${name}`));
    const p = this.store
      .loadUpdates(name)
      .then((stored) => {
        const doc = new Y.Doc({ gc: true });
        let skipped = 0;
        doc.transact(() => {
          for (const u of stored.updates) {
            try {
              Y.applyUpdate(doc, u);
            } catch {
              // Validated before storing, so this means a damaged row: load the rest.
              skipped++;
            }
          }
        });
        if (skipped) console.error(`${name}: skipped ${skipped} stored update(s) that do not apply`);
        const awareness = new Awareness(doc);
        awareness.setLocalState(null);
        const live: LiveDoc = {
          name,
          ref,
          doc,
          awareness,
          conns: new Set(),
          holders: 0,
          pendingWrites: 0,
          lastSeq: stored.lastSeq,
          updatesSinceSnapshot: stored.updatesSinceSnapshot,
          lastUpdateAt: stored.lastUpdateAt,
          unloadTimer: null,
        };
        this.live.set(name, live);
        this.metrics.documentsLoaded = this.live.size;
        for (const l of this.listeners) l.loaded?.(live);
        return live;
      })
      .finally(() => this.loading.delete(name));
    this.loading.set(name, p);
    return p;
  }
}
