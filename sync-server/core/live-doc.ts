// One document the server holds in memory, hot or cold; the registry (registry.ts) loads and
// unloads it, and applies to it only what the store has committed.
import * as Y from 'yjs';
import type { DocRef } from '../../domain/schema';
import type { SyncConnection } from './connection';
import type { AddedPeople, PeopleShadow } from '../../domain/people-shadow';

/**
 * Appended updates are merged into the encoded state once they are as large as it (at least
 * FOLD_MIN_BYTES): a merge costs the whole state, so this keeps its cost per update bounded and
 * the memory at most about twice the state. Each document's threshold is shifted by up to a
 * quarter (`spread`): hundreds of shelters filling at the same pace would otherwise all merge in
 * the same second, which held every forward for a second in the disaster bench.
 */
const FOLD_MIN_BYTES = 32_768;

/**
 * A document the server holds. It is either hot (a Y.Doc in memory) or cold (only its encoded
 * state, a twentieth of the memory or less). Connecting and syncing work on a cold document
 * through Yjs' binary update functions; a committed update, or a reader of `doc`, makes it hot;
 * an idle hot document cools down. A busy shelter that is only gaining people stays cold while
 * written: check-ins are appended to its encoded state, and its readers read its `shadow`
 * (core/registry.ts applyTo). That is how a disaster day's 855 shelters and 183,000 people fit
 * in under a gigabyte.
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
  /**
   * A shelter held encoded while check-ins arrive (domain/people-shadow.ts): what its readers
   * need of it, kept from the updates that only add people. Null whenever the document is live,
   * and for a document cooled only for being idle.
   */
  shadow: PeopleShadow | null = null;
  /** Committed updates in a row that only added people (the registry encodes a live shelter after `encodeAfterAdds`). */
  addOnlyStreak = 0;
  /**
   * How many such updates in a row make the registry encode this shelter: 4 at first, doubled
   * (up to 256) each time it has to be made live again, so that a shelter where check-ins and
   * other changes alternate is not encoded and decoded over and over (each costs its whole state).
   */
  encodeAfterAdds = 4;
  private hot: Y.Doc | null = null;
  /** The hot document's state vector, until its next transaction (STORED sends it per batch). */
  private hotSv: Uint8Array | null = null;
  /**
   * The encoded state; `pending`: committed updates appended to it while it stays encoded
   * (merged once they are as large as the state, see FOLD_MIN_BYTES, or when the whole state is
   * needed); `clocks`: its state vector, decoded once something is appended; `sv`: encoded, null
   * until asked after an append.
   */
  private cold: { update: Uint8Array; sv: Uint8Array | null; pending: Uint8Array[]; pendingBytes: number; clocks: Map<number, number> | null } | null;
  /**
   * A number in [0, 1) of this document (from its name) that shifts its thresholds: the merge of
   * appended updates (FOLD_MIN_BYTES) and the compaction (registry.ts) — hundreds of shelters
   * filling at the same pace would otherwise all do the same costly thing in the same second.
   */
  readonly spread: number;

  constructor(
    readonly name: string,
    readonly ref: DocRef,
    state: Uint8Array,
    stored: { lastSeq: number; updatesSinceSnapshot: number; lastUpdateAt: string | null; epoch?: string },
  ) {
    this.cold = { update: state, sv: Y.encodeStateVectorFromUpdate(state), pending: [], pendingBytes: 0, clocks: null };
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    this.spread = (h % 1000) / 1000;
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

  /** The Y.Doc, instantiated from the cold state if needed (a shadow is then dropped: the document is live). */
  get doc(): Y.Doc {
    if (!this.hot) {
      const doc = new Y.Doc({ gc: true });
      Y.applyUpdate(doc, this.folded().update);
      doc.on('afterTransaction', () => (this.hotSv = null));
      this.hot = doc;
      this.cold = null;
      if (this.shadow) this.encodeAfterAdds = Math.min(this.encodeAfterAdds * 2, 256);
      this.shadow = null;
      this.addOnlyStreak = 0;
    }
    return this.hot;
  }

  stateVector(): Uint8Array {
    if (this.hot) return (this.hotSv ??= Y.encodeStateVector(this.hot));
    const cold = this.cold!;
    return (cold.sv ??= Y.encodeStateVector(cold.clocks!));
  }

  /** The document's clock for `client` (what an update from it must continue). */
  clockOf(client: number): number {
    if (this.hot) return Y.getState(this.hot.store, client);
    const cold = this.cold!;
    cold.clocks ??= Y.decodeStateVector(cold.sv!);
    return cold.clocks.get(client) ?? 0;
  }

  /**
   * Appends a committed update that only adds people (`added`, read from it by
   * domain/people-shadow.ts) to a document held encoded with its shadow.
   */
  appendEncoded(update: Uint8Array, added: AddedPeople): void {
    const cold = this.cold!;
    cold.clocks ??= Y.decodeStateVector(cold.sv!);
    for (const [client, clock] of added.clocks) cold.clocks.set(client, clock);
    cold.sv = null;
    cold.pending.push(update);
    cold.pendingBytes += update.byteLength;
    this.shadow!.add(added);
    if (cold.pendingBytes >= Math.max(FOLD_MIN_BYTES, cold.update.byteLength) * (0.75 + this.spread / 2)) this.folded();
  }

  /** What a client with state vector `sv` lacks (sync step 2). */
  diff(sv: Uint8Array): Uint8Array {
    return this.hot ? Y.encodeStateAsUpdate(this.hot, sv) : Y.diffUpdate(this.folded().update, sv);
  }

  /** The whole state as one update (compaction snapshot). */
  snapshot(): Uint8Array {
    return this.hot ? Y.encodeStateAsUpdate(this.hot) : this.folded().update;
  }

  /** Encodes a live document (its readers then read the shadow, if one is given). */
  cool(shadow: PeopleShadow | null = null): void {
    if (!this.hot) return;
    const update = Y.encodeStateAsUpdate(this.hot);
    this.cold = { update, sv: Y.encodeStateVector(this.hot), pending: [], pendingBytes: 0, clocks: null };
    this.shadow = shadow;
    this.hot.destroy();
    this.hot = null;
    this.hotSv = null;
  }

  /** The encoded state with what was appended merged into it. */
  private folded(): { update: Uint8Array } {
    const cold = this.cold!;
    if (cold.pending.length > 0) {
      cold.update = Y.mergeUpdates([cold.update, ...cold.pending]);
      cold.pending = [];
      cold.pendingBytes = 0;
    }
    return cold;
  }

  /** Frees the document; the registry has cleared its timers. */
  destroy(): void {
    this.hot?.destroy();
    this.hot = null;
    this.hotSv = null;
    this.cold = null;
    this.shadow = null;
  }
}
