// Purges the roster of shelters closed longer than HQ's retention period (domain/retention.ts).
// The server checks every PURGE_CHECK_MS (and at start): each shelter whose summary says closed,
// with a closure older than the retention, and not yet purged, has its document replaced by the
// purged state. Tablets learn it when they next connect (core/sync-service.ts refuses their old copy with
// CLOSE.purged and they drop it); audit entries naming the purged people are redacted.
import { CLOSE } from '../../domain/protocol';
import { namesOnRecord, peopleOnRecord, purgeDueAt, purgedState, retentionDays } from '../../domain/retention';
import { shelterDocName } from '../../domain/schema';
import type { DerivedLayers } from './derived-layers';
import type { DocRegistry } from '../core/registry';
import type { DocStore } from '../store/types';
import type { SyncService } from '../core/sync-service';
import type { UpdateWriter } from '../core/writer';

export const PURGE_CHECK_MS = 60 * 60_000;
/** What an audit entry that named a purged person says instead. */
export const REDACTED = '（保存期間経過により削除）';

export interface PurgeOutcome {
  shelterId: string;
  epoch: string;
  people: number;
  auditRedacted: number;
}

export class Purger {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PurgeOutcome[]> | null = null;

  constructor(
    private readonly deps: {
      registry: DocRegistry;
      sync: SyncService;
      writer: UpdateWriter;
      derived: DerivedLayers;
      store: DocStore;
      clock: () => Date;
      log: (line: string) => void;
      /** Resolved SOS requests are erased with the same retention setting. */
      sos?: { purgeResolved(now: Date): Promise<number> };
      /** What HQ derived from a closed support list follows the same setting. */
      supportList?: { purgeDerived(now: Date): Promise<number> };
    },
  ) {}

  start(intervalMs = PURGE_CHECK_MS): void {
    const tick = () => void this.runDue().catch((e) => console.error(`purge check failed: ${(e as Error).message}`));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): Promise<unknown> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }

  /**
   * The shelters whose purge is due now: closed (as the server recorded it, derived-layers.ts) longer than
   * the retention, with people on record. A shelter purged before and reopened since has people
   * again and is purged again from its last closure. Nothing here reads a field a tablet writes.
   */
  due(now = this.deps.clock()): string[] {
    const hq = this.deps.derived.hqDoc();
    if (!hq) return [];
    const days = retentionDays(hq);
    return this.deps.derived
      .overview()
      .shelters.filter((s) => {
        if (s.status !== 'closed' || !s.peopleOnRecord) return false;
        const at = purgeDueAt(s.closedAt, days);
        return at !== null && Date.parse(at) <= now.getTime();
      })
      .map((s) => s.shelterId);
  }

  /** Purges every shelter that is due; one run at a time. */
  runDue(): Promise<PurgeOutcome[]> {
    if (this.running) return this.running;
    const run = (async () => {
      const out: PurgeOutcome[] = [];
      for (const id of this.due()) out.push(await this.purge(id));
      await this.deps.sos?.purgeResolved(this.deps.clock());
      await this.deps.supportList?.purgeDerived(this.deps.clock());
      return out;
    })();
    // Cleared after the run, also when it finished at once (nothing due).
    const tracked: Promise<PurgeOutcome[]> = run.finally(() => {
      if (this.running === tracked) this.running = null;
    });
    tracked.catch(() => undefined); // the caller of runDue() hears the failure
    this.running = tracked;
    return run;
  }

  /** Purges one shelter's roster now (whatever its status: the caller decided). */
  async purge(shelterId: string): Promise<PurgeOutcome> {
    const { registry, sync, writer, derived, store, clock, log } = this.deps;
    const name = shelterDocName(shelterId);
    if (registry.replacing.has(name)) throw new Error(`${name} is already being purged`);
    registry.replacing.add(name);
    try {
      const at = clock();
      const epoch = at.toISOString();
      // Connected tablets retry in a moment (1013) and are then told of the purge (CLOSE.purged);
      // what they sent before is committed first, so the purge covers it.
      sync.closeDoc(name, CLOSE.tryAgainLater, 'document being purged, try again');
      await writer.flush();
      const taken = await registry.peek(name, (live) => ({
        state: purgedState(live.doc, at),
        names: namesOnRecord(live.doc),
        people: peopleOnRecord(live.doc),
      }));
      await registry.replace(name, epoch, taken.state);
      const auditRedacted = await store.redactAudit(taken.names, REDACTED);
      await derived.refresh(name);
      // Counts only: a log never carries a name.
      log(`purged ${name}: ${taken.people} people on record removed, ${auditRedacted} audit entries redacted`);
      return { shelterId, epoch, people: taken.people, auditRedacted };
    } finally {
      registry.replacing.delete(name);
    }
  }
}
