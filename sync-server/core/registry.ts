// The in-memory registry of live documents. A document is loaded from the store when the
// first holder (a connection, or the derived layers for the hq document) acquires it, and unloaded a
// grace period after the last one releases it. Updates reach a live document only through
// applyCommitted(), i.e. after the store committed them (writer.ts).
import * as Y from 'yjs';
import { parseDocName, shelterPeople } from '../../domain/schema';
import { PeopleShadow, addedPeople } from '../../domain/people-shadow';
import { LiveDoc } from './live-doc';
import { PeerCatchUp } from '../cluster/catch-up';
import type { Clock } from '../../domain/sync/clock';
import { nodeClock } from './node-clock';
import type { Metrics } from './metrics';
import type { SerialQueue } from './serial';
import type { UpdateLog } from '../store/types';

export interface RegistryOptions {
  /** How long a document with no holder stays in memory (a reconnecting tablet finds it warm). */
  unloadGraceMs: number;
  /** Updates after the snapshot that trigger a compaction. */
  compactThreshold: number;
  /** A hot document with no change for this long goes cold (hq stays hot: the derived layers read it). */
  coolAfterMs: number;
  /** The timers of unloading and cooling (Node's, unref'd; a deterministic harness's own). */
  clock?: Clock;
  /** Hold a shelter encoded while only people are added to it (applyTo); the city server does. */
  encodeBusyShelters?: boolean;
}

/** The origin of updates that another server instance committed (applied through catchUp). */
export const PEER_ORIGIN = Symbol('peer instance');

export interface RegistryEvents {
  /** A document was loaded: core/sync-service.ts wires broadcasting, derived-layers.ts its summaries. */
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
  private readonly clock: Clock;
  /** Following other instances on a shared store (null on a store of its own). */
  private readonly peers: PeerCatchUp | null;
  /** Documents being purged: core/sync-service.ts refuses connections to them until the new state is stored. */
  readonly replacing = new Set<string>();

  constructor(
    private readonly store: UpdateLog,
    private readonly queue: SerialQueue,
    private readonly metrics: Metrics,
    private readonly opts: RegistryOptions,
  ) {
    this.clock = opts.clock ?? nodeClock;
    const feed = store.feed;
    this.peers = feed
      ? new PeerCatchUp(feed, {
          isCurrent: (live) => this.live.get(live.name) === live,
          drop: (live, epoch) => this.drop(live, epoch),
          apply: (live, update, at) => this.applyPeer(live, update, at),
          settled: (live) => this.scheduleCool(live),
        })
      : null;
  }

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
      this.clock.clearTimer(live.unloadTimer);
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
    this.applyTo(live, update, origin);
    for (const l of this.listeners) l.changed?.(live, update, origin);
    // At 75–100 % of the threshold, by document (LiveDoc.spread): not all shelters in one second.
    if (live.updatesSinceSnapshot >= Math.max(1, Math.floor(this.opts.compactThreshold * (0.75 + live.spread / 4)))) this.compact(live);
    this.scheduleCool(live);
  }

  /**
   * Applies a committed update. A shelter document that only gains people (a surge of
   * check-ins) is held encoded, with a shadow of what its readers need (domain/people-shadow.ts):
   * a live document costs 8–13 kB of heap per person, encoded ~410 B. Anything else makes it live.
   */
  private applyTo(live: LiveDoc, update: Uint8Array, origin: unknown): void {
    if (live.ref.kind !== 'shelter' || !this.opts.encodeBusyShelters) {
      Y.applyUpdate(live.doc, update, origin);
      return;
    }
    if (!live.isHot && live.shadow) {
      const shadow = live.shadow;
      const added = addedPeople(update, (c) => live.clockOf(c), (id) => shadow.has(id));
      if (added) {
        live.appendEncoded(update, added);
        return;
      }
    }
    const doc = live.doc;
    const people = shelterPeople(doc);
    const added = addedPeople(update, (c) => live.clockOf(c), (id) => people.has(id));
    Y.applyUpdate(doc, update, origin);
    live.addOnlyStreak = added ? live.addOnlyStreak + 1 : 0;
    if (live.addOnlyStreak >= live.encodeAfterAdds) live.cool(PeopleShadow.of(doc));
  }

  /** On a shared store, sequence numbers are per document and gap-free (store/postgres.ts). */
  private get gapFree(): boolean {
    return this.store.feed !== undefined;
  }

  /**
   * Reads and applies what other instances committed to a loaded document since the last update
   * applied here (cluster/catch-up.ts). Resolves once `live` is caught up.
   */
  catchUp(live: LiveDoc): Promise<void> {
    return this.peers?.request(live) ?? Promise.resolve();
  }

  /** Applies an update another instance committed (PEER_ORIGIN), as if our writer had. */
  private applyPeer(live: LiveDoc, update: Uint8Array, at: string | null): void {
    if (at && (!live.lastUpdateAt || at > live.lastUpdateAt)) live.lastUpdateAt = at;
    live.approxBytes += update.byteLength;
    try {
      this.applyTo(live, update, PEER_ORIGIN);
    } catch (e) {
      console.error(`${live.name}: an update from another instance did not apply: ${(e as Error).message}`);
      return;
    }
    this.metrics.peerUpdatesApplied++;
    for (const l of this.listeners) l.changed?.(live, update, PEER_ORIGIN);
  }

  private scheduleCool(live: LiveDoc): void {
    if (live.ref.kind === 'hq') return;
    if (live.coolTimer) this.clock.clearTimer(live.coolTimer);
    live.coolTimer = this.clock.setTimer(() => {
      live.coolTimer = null;
      if (this.live.get(live.name) === live && live.pendingWrites === 0) live.cool();
    }, this.opts.coolAfterMs);
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
   * content back), and `replaced` listeners close its connections (core/sync-service.ts: CLOSE.purged).
   */
  async replace(name: string, epoch: string, state: Uint8Array): Promise<void> {
    await this.queue.run(() => this.store.replaceDocument(name, state, epoch));
    const live = this.live.get(name);
    if (live) this.drop(live, epoch);
  }

  private clearTimers(live: LiveDoc): void {
    if (live.unloadTimer) this.clock.clearTimer(live.unloadTimer);
    if (live.coolTimer) this.clock.clearTimer(live.coolTimer);
    live.unloadTimer = live.coolTimer = null;
  }

  private drop(live: LiveDoc, epoch: string): void {
    this.clearTimers(live);
    this.live.delete(live.name);
    this.peers?.forget(live);
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
    live.unloadTimer = this.clock.setTimer(() => {
      live.unloadTimer = null;
      if (live.holders > 0) return;
      if (live.pendingWrites > 0) return this.scheduleUnload(live, 50);
      this.unload(live);
    }, delay);
  }

  private unload(live: LiveDoc): void {
    if (this.live.get(live.name) !== live) return;
    this.clearTimers(live);
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
        if (ref.kind === 'hq') void live.doc; // derived-layers.ts reads hq on every change
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

