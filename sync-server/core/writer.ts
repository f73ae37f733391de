// Group commit. Updates accepted during one event-loop turn (from any connection, for any
// document) are appended to the store in ONE transaction; only after it commits are they
// applied to the live documents (which forwards them, see sync-service.ts) and confirmed to their
// senders with MESSAGE_STORED. One fsync per batch instead of one per update is what lets the
// server be durable and still fast.
//
// Pipelined: the moment a batch is durable, the updates that arrived meanwhile go to the store
// as the next batch, and only then is the durable one applied and forwarded, so the next fsync
// (on the store's writer thread, or in PostgreSQL) runs while this thread forwards. One batch is
// appended at a time, and batches are applied in commit order.
import type { LiveDoc } from './live-doc';
import type { DocRegistry } from './registry';
import type { Metrics } from './metrics';
import type { SerialQueue } from './serial';
import type { UpdateLog } from '../store/types';

/** Who sent an update: told once per batch how many of its updates to `live` are stored, or that they failed. */
export interface UpdateOrigin {
  committed(live: LiveDoc, count: number): void;
  storeFailed(error: Error): void;
}

const applyFailed = (e: unknown) => console.error(`applying a stored batch failed: ${(e as Error).message}`);

interface Committed {
  seqs: number[];
  at: string;
}

interface Pending {
  live: LiveDoc;
  update: Uint8Array;
  origin: UpdateOrigin | null;
}

export class UpdateWriter {
  private pending: Pending[] = [];
  private scheduled = false;
  /**
   * The batch being appended, until it is applied; while it is, new updates wait and become ONE
   * next batch.
   */
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly store: UpdateLog,
    private readonly registry: DocRegistry,
    private readonly queue: SerialQueue,
    private readonly metrics: Metrics,
    private readonly clock: () => Date = () => new Date(),
    /**
     * Runs the next batch "soon": after this event-loop turn, so frames read in it join the batch.
     * A deterministic test passes its own and decides when batches commit.
     */
    private readonly scheduleBatch: (run: () => void) => void = (run) => void setImmediate(run),
  ) {}

  /** Accepts a validated update; it is committed, then applied and forwarded, in submission order. */
  submit(live: LiveDoc, update: Uint8Array, origin: UpdateOrigin | null): void {
    live.pendingWrites++;
    this.pending.push({ live, update, origin });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    this.scheduleBatch(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  private startBatch(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const appended = this.queue.run(() => this.append(batch));
    this.inFlight = appended.then((committed) => this.durable(batch, committed)).catch(applyFailed);
  }

  /**
   * A batch is durable (or refused). Everything that arrived during its commit is handed to the
   * store now, directly: the queue ahead of it may hold compactions, which cannot conflict with
   * it (a snapshot covers only applied updates, and these get higher sequence numbers). Then
   * the durable batch is applied and forwarded while the next one is being made durable.
   */
  private durable(batch: Pending[], committed: Committed | null): void {
    this.inFlight = null;
    if (this.pending.length > 0) {
      const next = this.pending;
      this.pending = [];
      const appended = this.append(next);
      // Through the queue all the same, so that queue.idle() means every append is done.
      this.inFlight = this.queue.run(() => appended).then((c) => this.durable(next, c)).catch(applyFailed);
    }
    if (committed) this.apply(batch, committed);
  }

  /** A batch is being committed, or updates wait for the next one. */
  get busy(): boolean {
    return this.inFlight !== null || this.pending.length > 0;
  }

  /** Resolves when the batch being committed (if any) is applied; waits for no later batch. */
  async settled(): Promise<void> {
    const current = this.inFlight;
    if (current) await current;
  }

  /** Commits everything submitted so far; resolves when it is applied (shutdown, tests). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight) await this.inFlight;
      else if (this.pending.length > 0) this.startBatch();
      else break;
    }
    await this.queue.idle();
  }

  /** Makes a batch durable: its sequence numbers and receipt time, or null when the store refused it. */
  private async append(batch: Pending[]): Promise<Committed | null> {
    const at = this.clock();
    const t0 = performance.now();
    let seqs: number[];
    try {
      seqs = await this.store.append(
        batch.map((p) => ({ docName: p.live.name, update: p.update, epoch: p.live.epoch })),
        at,
      );
    } catch (e) {
      // Nothing was stored, so nothing is applied or forwarded; the senders still hold their
      // changes and send them again after reconnecting.
      const failed = new Set<UpdateOrigin>();
      for (const p of batch) {
        p.live.pendingWrites--;
        if (p.origin) failed.add(p.origin);
      }
      for (const o of failed) o.storeFailed(e as Error);
      console.error(`store append failed: ${(e as Error).message}`);
      return null;
    }
    this.metrics.observeCommit((performance.now() - t0) / 1000);
    const refused = seqs.filter((s) => s === 0).length;
    this.metrics.updatesStored += batch.length - refused;
    // Made on a copy a purge has replaced (on another instance, a moment before): dropped, not
    // stored, never forwarded; the copy is dropped and its tablets refused as soon as this
    // instance catches up. A count only: the update may hold the very names the purge removed.
    if (refused > 0) console.error(`${refused} update(s) made on a purged copy were refused`);
    return { seqs, at: at.toISOString() };
  }

  /** Applies a durable batch to the live documents (which forwards it) and confirms it. */
  private apply(batch: Pending[], { seqs, at: iso }: Committed): void {
    const confirm = new Map<UpdateOrigin, Map<LiveDoc, number>>();
    batch.forEach((p, i) => {
      p.live.pendingWrites--;
      if (seqs[i] === 0) {
        // Refused by the store: made on a purged copy. Catching up drops the copy at once.
        void this.registry.catchUp(p.live);
        return;
      }
      try {
        this.registry.applyCommitted(p.live, p.update, seqs[i], p.origin, iso);
      } catch (e) {
        // Decoded fine but did not apply; it is stored, and a reload skips it (docs.ts).
        console.error(`${p.live.name}: a stored update did not apply: ${(e as Error).message}`);
      }
      if (p.origin) {
        let docs = confirm.get(p.origin);
        if (!docs) confirm.set(p.origin, (docs = new Map()));
        docs.set(p.live, (docs.get(p.live) ?? 0) + 1);
      }
    });
    for (const [origin, docs] of confirm) for (const [live, n] of docs) origin.committed(live, n);
  }
}
