// Several instances on one shared store (PostgreSQL): how each one learns what the others did.
// The store's doorbell says "document D has committed up to seq N" (never the update); this
// instance then reads what it lacks by sequence and applies it as if its own writer had:
// forwarded to its clients, summarized for status.json and the HQ overview, counted for the
// next STORED. A revocation rings too, and every instance closes that token's sockets.
// When the doorbell was lost (the LISTEN connection broke) and comes back, and every
// CATCH_UP_EVERY_MS as a safety net, the instance compares each document's last sequence
// number with its own and catches up on whatever is behind.
import { parseDocName } from '../../domain/schema';
import type { DerivedLayers } from '../features/derived-layers';
import type { DocRegistry } from '../core/registry';
import type { UpdateLog } from '../store/types';
import type { SyncService } from '../core/sync-service';

const CATCH_UP_EVERY_MS = 30_000;

export class PeerFeed {
  private stopListening: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Shelters not loaded here whose summary is being refreshed. */
  private readonly refreshing = new Set<string>();
  private stopped = false;

  /**
   * `derived` absent: only documents loaded here are followed (the deterministic harness's
   * instances, which keep no summaries). `catchUpEveryMs` null: no periodic catch-up (the harness
   * calls catchUpAll itself, when its seed says the doorbell was lost).
   */
  constructor(
    private readonly deps: { store: UpdateLog; registry: DocRegistry; derived?: DerivedLayers; sync: SyncService },
    private readonly opts: { catchUpEveryMs: number | null } = { catchUpEveryMs: CATCH_UP_EVERY_MS },
  ) {}

  /** Subscribes (when the store is shared), then catches up on anything committed before. */
  async start(): Promise<void> {
    const feed = this.deps.store.feed;
    if (!feed) return;
    this.stopListening = await feed.listen({
      committed: (doc, seq) => this.committed(doc, seq),
      revoked: (jti) => this.deps.sync.closeToken(jti),
      reconnected: () => void this.catchUpAll(),
    });
    if (this.opts.catchUpEveryMs !== null) {
      this.timer = setInterval(() => void this.catchUpAll(), this.opts.catchUpEveryMs);
      this.timer.unref();
    }
    await this.catchUpAll();
  }

  private committed(docName: string, seq: number): void {
    if (!this.stopped) void this.follow(docName, seq);
  }

  /** Brings this instance up to `seq` of `docName`, if it holds it or summarizes it. */
  private follow(docName: string, seq: number): Promise<void> {
    const live = this.deps.registry.get(docName);
    // Our own commits ring too; they are applied already.
    if (live) return live.hasApplied(seq) ? Promise.resolve() : this.deps.registry.catchUp(live);
    const derived = this.deps.derived;
    if (derived && parseDocName(docName)?.kind === 'shelter' && (derived.summarySeq(docName) ?? -1) < seq) {
      return this.refreshSummary(docName, seq);
    }
    return Promise.resolve();
  }

  /**
   * A shelter no client of ours has open changed elsewhere: load it for a while (the registry's
   * unload grace), so this instance's summary, status.json and overview stream follow it; while
   * it is loaded, later rings apply incrementally.
   */
  private async refreshSummary(docName: string, seq: number): Promise<void> {
    if (this.refreshing.has(docName)) return;
    this.refreshing.add(docName);
    try {
      const live = await this.deps.registry.acquire(docName);
      try {
        // A fresh load read everything; a document loaded meanwhile may still be behind.
        if (!live.hasApplied(seq)) await this.deps.registry.catchUp(live);
        this.deps.derived?.changedElsewhere(live);
      } finally {
        this.deps.registry.release(live);
      }
    } catch (e) {
      console.error(`${docName}: could not follow another instance's change: ${(e as Error).message}`);
    } finally {
      this.refreshing.delete(docName);
    }
  }

  /** Catches up every loaded document, and every shelter summary, that is behind the store. */
  async catchUpAll(): Promise<void> {
    if (this.stopped) return;
    let seqs: Map<string, number>;
    try {
      seqs = await this.deps.store.lastSeqs();
    } catch (e) {
      console.error(`catching up with other instances failed: ${(e as Error).message}`);
      return;
    }
    await Promise.all([...seqs].map(([name, seq]) => this.follow(name, seq)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.stopListening?.();
  }
}
