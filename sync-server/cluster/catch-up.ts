// Catching a loaded document up with what other instances committed to the shared store (a
// doorbell rang, or the doorbell was lost and is back: peer-feed.ts). Rings that arrive together
// are caught up together: one read for every document that asked, then another round for those
// that rang again meanwhile. The registry (core/registry.ts) owns the documents; this reads the
// store by sequence number and hands each update to the registry to apply.
import type { LiveDoc } from '../core/live-doc';
import type { SharedFeed } from '../store/types';

/** What catch-up needs of the registry. */
export interface CatchUpHost {
  /** `live` is still the registry's copy of its document (not unloaded or replaced meanwhile). */
  isCurrent(live: LiveDoc): boolean;
  /** Another instance purged the document: ours holds the old content and must go. */
  drop(live: LiveDoc, epoch: string): void;
  /** Applies an update another instance committed, as if our own writer had. */
  apply(live: LiveDoc, update: Uint8Array, at: string | null): void;
  /** A catch-up of `live` ended (it may cool down again). */
  settled(live: LiveDoc): void;
}

export class PeerCatchUp {
  private readonly wanted = new Set<LiveDoc>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly feed: SharedFeed,
    private readonly host: CatchUpHost,
  ) {}

  /** Resolves once `live` is caught up (with every document asked for in the same round). */
  request(live: LiveDoc): Promise<void> {
    if (!this.wanted.has(live)) {
      this.wanted.add(live);
      live.pendingWrites++; // stays loaded until caught up
    }
    this.running ??= this.run();
    return this.running;
  }

  /** The document is gone from the registry: nothing to catch up. */
  forget(live: LiveDoc): void {
    this.wanted.delete(live);
  }

  private async run(): Promise<void> {
    try {
      while (this.wanted.size > 0) {
        // Rings read in this event-loop turn join the round.
        await new Promise((r) => setImmediate(r));
        const round = [...this.wanted];
        this.wanted.clear();
        try {
          const read = await this.feed.readSinceMany(round.map((l) => ({ docName: l.name, afterSeq: l.lastSeq })));
          for (const live of round) {
            const since = read.get(live.name);
            if (!since || !this.host.isCurrent(live)) continue;
            if (since.snapshot && since.snapshot.uptoSeq > live.lastSeq) {
              // Another instance purged the document: ours holds the old content and must go.
              if (since.snapshot.epoch !== live.epoch) {
                this.host.drop(live, since.snapshot.epoch);
                continue;
              }
              // Another instance compacted past what we had: its snapshot holds everything up to uptoSeq.
              this.host.apply(live, since.snapshot.data, since.snapshot.lastUpdateAt);
              live.appliedThrough(since.snapshot.uptoSeq);
            }
            for (const u of since.updates) {
              if (live.hasApplied(u.seq)) continue;
              this.host.apply(live, u.data, u.receivedAt);
              live.markApplied(u.seq, true);
            }
          }
        } catch (e) {
          // The next ring, the reconnect or the periodic catch-up (peer-feed.ts) tries again.
          console.error(`catching up with other instances failed: ${(e as Error).message}`);
        } finally {
          for (const live of round) {
            live.pendingWrites--;
            this.host.settled(live);
          }
        }
      }
    } finally {
      // Reset as soon as the loop finds nothing left, so a later ring starts a new run instead
      // of joining one that has ended.
      this.running = null;
    }
  }
}
