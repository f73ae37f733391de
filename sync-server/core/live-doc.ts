// One document the server holds in memory, hot or cold; the registry (registry.ts) loads and
// unloads it, and applies to it only what the store has committed.
import * as Y from 'yjs';
import type { DocRef } from '../../domain/schema';
import type { SyncConnection } from './connection';

/**
 * A document the server holds. It is either hot (a Y.Doc in memory) or cold (only its encoded
 * state, about a tenth of the memory). Connecting and syncing work on a cold document through
 * Yjs' binary update functions; the first committed update, or a reader of `doc` (summaries),
 * makes it hot; an idle hot document cools down. That is how 300 large shelters with a tablet
 * each fit in a small server.
 */
export class LiveDoc {
  /** Sync connections on this document (a connection adds and removes itself: connection.ts). */
  readonly conns = new Set<SyncConnection>();
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
  /** Timer handles of the registry's clock (registry.ts sets and clears them). */
  unloadTimer: unknown = null;
  coolTimer: unknown = null;
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

  /** Frees the document; the registry has cleared its timers. */
  destroy(): void {
    this.hot?.destroy();
    this.hot = null;
    this.cold = null;
  }
}
