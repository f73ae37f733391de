// Group commit. Updates accepted during one event-loop turn (from any connection, for any
// document) are appended to the store in ONE transaction; only after it commits are they
// applied to the live documents (which forwards them, see sync.ts) and confirmed to their
// senders with MESSAGE_STORED. One fsync per batch instead of one per update is what lets the
// server be durable and still fast.
import type { DocRegistry, LiveDoc } from './docs';
import type { Metrics } from './metrics';
import type { SerialQueue } from './serial';
import type { DocStore } from './store/types';

/** Who sent an update: told once per batch how many of its updates to `live` are stored, or that they failed. */
export interface UpdateOrigin {
  committed(live: LiveDoc, count: number): void;
  storeFailed(error: Error): void;
}

interface Pending {
  live: LiveDoc;
  update: Uint8Array;
  origin: UpdateOrigin | null;
}

export class UpdateWriter {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: DocStore,
    private readonly registry: DocRegistry,
    private readonly queue: SerialQueue,
    private readonly metrics: Metrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Accepts a validated update; it is committed, then applied and forwarded, in submission order. */
  submit(live: LiveDoc, update: Uint8Array, origin: UpdateOrigin | null): void {
    live.pendingWrites++;
    this.pending.push({ live, update, origin });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Commits everything submitted so far; resolves when it is applied. */
  flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.queue.idle();
    return this.queue.run(() => this.commit(batch));
  }

  private async commit(batch: Pending[]): Promise<void> {
    const at = this.clock();
    const t0 = performance.now();
    let seqs: number[];
    try {
      seqs = await this.store.append(
        batch.map((p) => ({ docName: p.live.name, update: p.update })),
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
      return;
    }
    this.metrics.observeCommit((performance.now() - t0) / 1000);
    this.metrics.updatesStored += batch.length;
    const iso = at.toISOString();
    const confirm = new Map<UpdateOrigin, Map<LiveDoc, number>>();
    batch.forEach((p, i) => {
      p.live.pendingWrites--;
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
