// The in-memory registry of live documents. A document is loaded from the store when the
// first holder (a connection, or derive.ts for the hq document) acquires it, and unloaded a
// grace period after the last one releases it. Updates reach a live document only through
// applyCommitted(), i.e. after the store committed them (writer.ts).
import * as Y from 'yjs';
import type { DocRef } from '../../domain/schema';
import { parseDocName } from '../../domain/schema';
import type { Metrics } from './metrics';
import type { SerialQueue } from './serial';
import type { DocStore } from '../store/types';

/**
 * A document the server holds. It is either hot (a Y.Doc in memory) or cold (only its encoded
 * state, about a tenth of the memory). Connecting and syncing work on a cold document through
 * Yjs' binary update functions; the first committed update, or a reader of `doc` (summaries),
 * makes it hot; an idle hot document cools down. That is how 300 large shelters with a tablet
 * each fit in a small server.
 */
export class LiveDoc {
  /** Sync connections on this document (sync.ts adds and removes itself). */
  readonly conns = new Set<unknown>();
  holders = 0;
  /** Updates accepted by the writer and not yet applied; the document stays loaded meanwhile. */
  pendingWrites = 0;
  /**
   * Every update with a sequence number ≤ lastSeq is applied here: what a summary is "as of"
   * and how far a compaction may fold. On a shared store another instance's update can get a
   * lower number than ours and arrive later, so ours wait in `appliedAbove` until the gap fills.
   */
  lastSeq: number;
  readonly appliedAbove = new Set<number>();
  /** This instance's own updates since its last compaction (what the threshold counts). */
  updatesSinceSnapshot: number;
  /**
   * The sequence number the last snapshot covers, as far as this instance knows. On a shared
   * store, updates other instances wrote are applied without counting toward the threshold, and
   * this tells a compaction that they are still in the log.
   */
  compactedSeq: number;
  lastUpdateAt: string | null;
  /**
   * The document's epoch ('' until a purge, retention.ts), as the store keeps it with the
   * snapshot: no decoding. Only a purge changes it, and a purge replaces the LiveDoc.
   */
  readonly epoch: string;
  /**
   * Bytes of the stored state plus every update accepted since it was loaded: an upper bound of
   * the document's size (updates overlap), for the size quota (write-limits.ts).
   */
  approxBytes: number;
  unloadTimer: NodeJS.Timeout | null = null;
  coolTimer: NodeJS.Timeout | null = null;
  private hot: Y.Doc | null = null;
  private cold: { update: Uint8Array; sv: Uint8Array } | null;

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    state: Uint8Array,
    stored: { lastSeq: number; updatesSinceSnapshot: number; lastUpdateAt: string | null; epoch?: string },
  ) {
    this.cold = { update: state, sv: Y.encodeStateVectorFromUpdate(state) };
    this.approxBytes = state.byteLength;
    this.lastSeq = stored.lastSeq;
    this.updatesSinceSnapshot = stored.updatesSinceSnapshot;
    this.compactedSeq = stored.updatesSinceSnapshot === 0 ? stored.lastSeq : 0;
    this.lastUpdateAt = stored.lastUpdateAt;
    this.epoch = stored.epoch ?? '';
  }

  /** Records that update `seq` is applied (gapFree: the store's numbers have no gaps per document). */
  markApplied(seq: number, gapFree: boolean): void {
    if (!gapFree) {
      this.lastSeq = Math.max(this.lastSeq, seq);
      return;
    }
    if (seq <= this.lastSeq) return;
    this.appliedAbove.add(seq);
    while (this.appliedAbove.delete(this.lastSeq + 1)) this.lastSeq++;
  }

  /** Everything up to `seq` is applied (a snapshot that covers it was). */
  appliedThrough(seq: number): void {
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    for (const s of this.appliedAbove) if (s <= seq) this.appliedAbove.delete(s);
    while (this.appliedAbove.delete(this.lastSeq + 1)) this.lastSeq++;
  }

  hasApplied(seq: number): boolean {
    return seq <= this.lastSeq || this.appliedAbove.has(seq);
  }

  get isHot(): boolean {
    return this.hot !== null;
  }

  /** The Y.Doc, instantiated from the cold state if needed. */
  get doc(): Y.Doc {
    if (!this.hot) {
      const doc = new Y.Doc({ gc: true });
      Y.applyUpdate(doc, this.cold!.update);
      this.hot = doc;
      this.cold = null;
    }
    return this.hot;
  }

  stateVector(): Uint8Array {
    return this.hot ? Y.encodeStateVector(this.hot) : this.cold!.sv;
  }

  /** What a client with state vector `sv` lacks (sync step 2). */
  diff(sv: Uint8Array): Uint8Array {
    return this.hot ? Y.encodeStateAsUpdate(this.hot, sv) : Y.diffUpdate(this.cold!.update, sv);
  }

  /** The whole state as one update (compaction snapshot). */
  snapshot(): Uint8Array {
    return this.hot ? Y.encodeStateAsUpdate(this.hot) : this.cold!.update;
  }

  cool(): void {
    if (!this.hot) return;
    const update = Y.encodeStateAsUpdate(this.hot);
    this.cold = { update, sv: Y.encodeStateVector(this.hot) };
    this.hot.destroy();
    this.hot = null;
  }

  destroy(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    if (this.coolTimer) clearTimeout(this.coolTimer);
    this.hot?.destroy();
    this.hot = null;
    this.cold = null;
  }
}

export interface RegistryOptions {
  /** How long a document with no holder stays in memory (a reconnecting tablet finds it warm). */
  unloadGraceMs: number;
  /** Updates after the snapshot that trigger a compaction. */
  compactThreshold: number;
  /** A hot document with no change for this long goes cold (hq stays hot: derive.ts reads it). */
  coolAfterMs: number;
}

/** The origin of updates that another server instance committed (applied through catchUp). */
export const PEER_ORIGIN = Symbol('peer instance');

export interface RegistryEvents {
  /** A document was loaded: sync.ts wires broadcasting, derive.ts its summaries. */
  loaded?(live: LiveDoc): void;
  /** A committed update was applied (origin: the connection it came from, or another tag). */
  changed?(live: LiveDoc, update: Uint8Array, origin: unknown): void;
  unloaded?(live: LiveDoc): void;
  /** A document was replaced (a purge, here or on another instance): its connections must go. */
  replaced?(live: LiveDoc, epoch: string): void;
}

export class DocRegistry {
  private readonly live = new Map<string, LiveDoc>();
  private readonly loading = new Map<string, Promise<LiveDoc>>();
  private readonly listeners: RegistryEvents[] = [];
  /** Documents waiting to catch up with other instances, and the round that runs them. */
  private readonly catchUpWanted = new Set<LiveDoc>();
  private catchUpRunning: Promise<void> | null = null;
  /** Documents being purged: sync.ts refuses connections to them until the new state is stored. */
  readonly replacing = new Set<string>();

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

  /** Loads a document for a moment (start-up summaries) and unloads it at once unless held. */
  async peek<T>(name: string, fn: (live: LiveDoc) => T): Promise<T> {
    const live = await this.acquire(name);
    try {
      return fn(live);
    } finally {
      live.holders--;
      if (live.holders === 0 && live.pendingWrites === 0) this.unload(live);
    }
  }

  /** Applies an update that the store has committed as `seq`. */
  applyCommitted(live: LiveDoc, update: Uint8Array, seq: number, origin: unknown, at: string): void {
    live.markApplied(seq, this.gapFree);
    // Ours got a number past one we have not seen (another instance's): fetch it now rather
    // than only when its doorbell rings, which a lost LISTEN connection may have swallowed.
    if (live.appliedAbove.size > 0) void this.catchUp(live);
    live.updatesSinceSnapshot++;
    live.lastUpdateAt = at;
    Y.applyUpdate(live.doc, update, origin);
    for (const l of this.listeners) l.changed?.(live, update, origin);
    if (live.updatesSinceSnapshot >= this.opts.compactThreshold) this.compact(live);
    this.scheduleCool(live);
  }

  /** On a shared store, sequence numbers are per document and gap-free (store/postgres.ts). */
  private get gapFree(): boolean {
    return this.store.feed !== undefined;
  }

  /**
   * Reads and applies what other instances committed to a loaded document since the last update
   * applied here (a shared store's doorbell rang, or the doorbell was lost and is back). Rings
   * that arrive together are caught up together: one read for every document that asked, then
   * another round for those that rang again meanwhile. Resolves once `live` is caught up.
   */
  catchUp(live: LiveDoc): Promise<void> {
    if (!this.store.feed) return Promise.resolve();
    if (!this.catchUpWanted.has(live)) {
      this.catchUpWanted.add(live);
      live.pendingWrites++; // stays loaded until caught up
    }
    this.catchUpRunning ??= this.runCatchUps();
    return this.catchUpRunning;
  }

  private async runCatchUps(): Promise<void> {
    const feed = this.store.feed!;
    try {
      while (this.catchUpWanted.size > 0) {
        // Rings read in this event-loop turn join the round.
        await new Promise((r) => setImmediate(r));
        const round = [...this.catchUpWanted];
        this.catchUpWanted.clear();
        try {
          const read = await feed.readSinceMany(round.map((l) => ({ docName: l.name, afterSeq: l.lastSeq })));
          for (const live of round) {
            const since = read.get(live.name);
            if (!since || this.live.get(live.name) !== live) continue;
            if (since.snapshot && since.snapshot.uptoSeq > live.lastSeq) {
              // Another instance purged the document: ours holds the old content and must go.
              if (since.snapshot.epoch !== live.epoch) {
                this.drop(live, since.snapshot.epoch);
                continue;
              }
              // Another instance compacted past what we had: its snapshot holds everything up to uptoSeq.
              this.applyPeer(live, since.snapshot.data, since.snapshot.lastUpdateAt);
              live.appliedThrough(since.snapshot.uptoSeq);
            }
            for (const u of since.updates) {
              if (live.hasApplied(u.seq)) continue;
              this.applyPeer(live, u.data, u.receivedAt);
              live.markApplied(u.seq, true);
            }
          }
        } catch (e) {
          // The next ring, the reconnect or the periodic catch-up (peer-feed.ts) tries again.
          console.error(`catching up with other instances failed: ${(e as Error).message}`);
        } finally {
          for (const live of round) {
            live.pendingWrites--;
            this.scheduleCool(live);
          }
        }
      }
    } finally {
      // Reset as soon as the loop finds nothing left, so a later ring starts a new run instead
      // of joining one that has ended.
      this.catchUpRunning = null;
    }
  }

  private applyPeer(live: LiveDoc, update: Uint8Array, at: string | null): void {
    if (at && (!live.lastUpdateAt || at > live.lastUpdateAt)) live.lastUpdateAt = at;
    live.approxBytes += update.byteLength;
    try {
      Y.applyUpdate(live.doc, update, PEER_ORIGIN);
    } catch (e) {
      console.error(`${live.name}: an update from another instance did not apply: ${(e as Error).message}`);
      return;
    }
    this.metrics.peerUpdatesApplied++;
    for (const l of this.listeners) l.changed?.(live, update, PEER_ORIGIN);
  }

  private scheduleCool(live: LiveDoc): void {
    if (live.ref.kind === 'hq') return;
    if (live.coolTimer) clearTimeout(live.coolTimer);
    live.coolTimer = setTimeout(() => {
      live.coolTimer = null;
      if (this.live.get(live.name) === live && live.pendingWrites === 0) live.cool();
    }, this.opts.coolAfterMs);
    live.coolTimer.unref?.();
  }

  /**
   * Folds the log into one snapshot; the snapshot is taken now, written in queue order. Resolves
   * once the store holds it; when there is nothing new to fold, once an earlier compaction that
   * is still queued has been written (its `compactedSeq` is set before the store has it).
   */
  compact(live: LiveDoc): Promise<void> {
    if (live.updatesSinceSnapshot === 0 && live.lastSeq <= live.compactedSeq) return this.queue.idle();
    const snapshot = live.snapshot();
    live.approxBytes = snapshot.byteLength;
    const upto = live.lastSeq;
    live.updatesSinceSnapshot = 0;
    live.compactedSeq = upto;
    return this.queue.run(() => this.store.compact(live.name, snapshot, upto)).catch((e) => {
      // The log is still complete; the next threshold crossing tries again.
      console.error(`compaction of ${live.name} failed: ${(e as Error).message}`);
    });
  }

  /**
   * Replaces a document by `state` (a purge, purge.ts) in the store. The loaded copy holds the
   * old content: it is dropped without the compaction an unload does (which would write the old
   * content back), and `replaced` listeners close its connections (sync.ts: CLOSE.purged).
   */
  async replace(name: string, epoch: string, state: Uint8Array): Promise<void> {
    await this.queue.run(() => this.store.replaceDocument(name, state, epoch));
    const live = this.live.get(name);
    if (live) this.drop(live, epoch);
  }

  private drop(live: LiveDoc, epoch: string): void {
    this.live.delete(live.name);
    this.catchUpWanted.delete(live);
    this.metrics.documentsLoaded = this.live.size;
    for (const l of this.listeners) l.replaced?.(live, epoch);
    live.destroy();
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
    live.destroy();
  }

  private load(name: string): Promise<LiveDoc> {
    const pending = this.loading.get(name);
    if (pending) return pending;
    const ref = parseDocName(name);
    if (!ref) return Promise.reject(new Error(`not a document name: ${name}`));
    const p = this.store
      .loadUpdates(name)
      .then((stored) => {
        // Merged without instantiating a Y.Doc: a document opened only to be synced stays cold.
        const good = stored.updates.filter((u) => {
          try {
            Y.parseUpdateMeta(u);
            return true;
          } catch {
            return false; // validated before storing, so this means a damaged row: load the rest
          }
        });
        if (good.length < stored.updates.length) {
          console.error(`${name}: skipped ${stored.updates.length - good.length} stored update(s) that do not decode`);
        }
        const state = good.length === 1 ? good[0] : Y.mergeUpdates(good.length ? good : [new Uint8Array([0, 0])]);
        const live = new LiveDoc(name, ref, state, stored);
        if (ref.kind === 'hq') void live.doc; // derive.ts reads hq on every change
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
