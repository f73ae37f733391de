// Derived layers, kept in memory and recomputed on change, never per request:
// - one ShelterSummary per shelter (domain/overview.ts), recomputed ≤ DEBOUNCE_MS after its
//   document changes, its headcount re-reading only the people the change touched
//   (domain/people-tally.ts). Summaries are kept in the store with the document's sequence number, so a
//   restart loads only the shelters that changed since (300 shelters: the server listens at once
//   instead of after loading every one); a summary from an earlier day is used at first and
//   refreshed in the background (its "today" counts have moved on);
// - the public status.json body and its ETag (domain/status.ts), from the hq document and the
//   summaries; road-closures.geojson likewise (domain/closures.ts).
// Closures expire by the clock, so a slow timer rebuilds the public bodies too; an unchanged
// body keeps its ETag. Listeners (the HQ overview SSE stream) hear about each new summary.
import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import { assembleSummary, summarizeShelter, type ShelterSummary } from '../../domain/overview';
import { buildPublicStatus } from '../../domain/status';
import { peopleTallyOf } from '../../domain/people-tally';
import { closuresFeatureCollection } from '../../domain/closures';
import { HQ_DOC, hqShelters, parseDocName } from '../../domain/schema';
import { localDayRange } from '../../domain/counts';
import { recordedClosure } from '../../domain/retention';
import type { ReportCounts } from '../../domain/evacuation-reports';
import type { LiveDoc } from '../core/live-doc';
import type { DocRegistry } from '../core/registry';
import type { DocStore, StoredSummary } from '../store/types';
import type { Clock } from '../../domain/sync/clock';
import { nodeClock } from '../core/node-clock';

export const DEBOUNCE_MS = 150;
/** How often shelters' changes (crowding, counts) may rebuild status.json (schedulePublic). */
export const SHELTER_CHANGES_MS = 500;
/** Summaries are written to the store at most this often (they are a cache, not data). */
const SAVE_SUMMARIES_MS = 2_000;

function parseSummary(data: string, shelterId: string): ShelterSummary | null {
  try {
    const s = JSON.parse(data) as ShelterSummary;
    return s && s.shelterId === shelterId && typeof s.present === 'object' ? s : null;
  } catch {
    return null;
  }
}
const REBUILD_EVERY_MS = 30_000;

export interface PublicBody {
  body: Buffer;
  etag: string;
}

export class DerivedLayers {
  private readonly summaries = new Map<string, ShelterSummary>();
  private reportCounts: ReadonlyMap<string, ReportCounts> = new Map();
  /** The sequence number each shelter document's summary is as of (by document name). */
  private readonly seqs = new Map<string, number>();
  private readonly dirty = new Map<string, unknown>();
  private hq: LiveDoc | null = null;
  private statusBody: PublicBody = emptyBody('{}');
  private closuresBody: PublicBody = emptyBody('{"type":"FeatureCollection","features":[]}');
  private statusContentHash = '';
  private publicTimer: unknown = null;
  private publicDueAt = 0;
  private lastPublicAt = 0;
  private rebuildTimer: unknown = null;
  private readonly listeners = new Set<(change: SummaryChange) => void>();
  private readonly publicListeners = new Set<(etags: PublicEtags) => void>();
  /** Each district's level as status.json last said it (what a change event compares against). */
  private lastLevels = new Map<string, string>();
  /** Every shelter's status (open, closed, full) as status.json last said it. */
  private lastShelters = '';
  /**
   * Summaries computed and not yet written to the store (together, off the hot path), serialized
   * only when written: a string made at each summary (hundreds a second in a surge) would live
   * until the write, long enough to be moved to the old generation, which only a full
   * collection frees.
   */
  private unsaved = new Map<string, { docName: string; seq: number; computedAt: string; summary: ShelterSummary }>();
  private saveTimer: unknown = null;
  private refreshing: Promise<void> = Promise.resolve();
  /** How the last start went (the bench and the tests read it). */
  startStats = { fromStore: 0, summarized: 0, refreshedLater: 0 };

  constructor(
    private readonly registry: DocRegistry,
    private readonly store: DocStore,
    private readonly clock: () => Date = () => new Date(),
    /** Debounces and rebuilds run on these timers (Node's, unref'd; a test's ManualClock). */
    private readonly timers: Clock = nodeClock,
  ) {
    registry.on({
      changed: (live) => this.onChanged(live),
      // A purge (here or on another instance) replaced the document: summarize the new content.
      replaced: (live) => void this.refresh(live.name).catch(() => {}),
      // A change still waiting for its debounce is summarized before the document goes.
      unloaded: (live) => {
        const t = this.dirty.get(live.name);
        if (!t) return;
        this.timers.clearTimer(t);
        this.dirty.delete(live.name);
        this.summarize(live);
        this.schedulePublic();
      },
    });
    this.scheduleRebuild();
  }

  /** Closures expire by the clock: the public bodies are rebuilt every REBUILD_EVERY_MS even without a change. */
  private scheduleRebuild(): void {
    this.rebuildTimer = this.timers.setTimer(() => {
      this.scheduleRebuild();
      this.rebuildPublic();
    }, REBUILD_EVERY_MS);
  }

  /**
   * Pins the hq document and gets a summary of every stored shelter: from the store when it is
   * as of the document's last sequence number, else by loading and summarizing the document.
   */
  async start(): Promise<void> {
    this.hq = await this.registry.acquire(HQ_DOC);
    const now = this.clock();
    const [stored, seqs] = await Promise.all([this.store.loadSummaries().catch(() => []), this.store.lastSeqs()]);
    const kept = new Map(stored.map((s) => [s.docName, s]));
    const today = localDayRange(now).start;
    const later: string[] = [];
    this.startStats = { fromStore: 0, summarized: 0, refreshedLater: 0 };
    for (const [name, seq] of seqs) {
      const ref = parseDocName(name);
      if (ref?.kind !== 'shelter') continue;
      const s = kept.get(name);
      const summary = s && s.seq === seq ? parseSummary(s.data, ref.shelterId) : null;
      if (summary) {
        this.summaries.set(ref.shelterId, summary);
        this.seqs.set(name, s!.seq);
        this.startStats.fromStore++;
        if (localDayRange(new Date(s!.computedAt)).start !== today) later.push(name);
        continue;
      }
      await this.registry.peek(name, (live) => this.summarize(live));
      this.startStats.summarized++;
    }
    this.rebuildPublic();
    // Yesterday's summaries are right about who is here, not about "today": refresh them after start.
    this.startStats.refreshedLater = later.length;
    this.refreshing = (async () => {
      for (const name of later) {
        if (!this.hq) return;
        await this.registry.peek(name, (live) => this.summarize(live)).catch(() => undefined);
      }
      this.schedulePublic();
    })();
  }

  /** Resolves when the start-up refresh of earlier days' summaries is done (tests). */
  whenRefreshed(): Promise<void> {
    return this.refreshing;
  }

  /** Writes the summaries computed since the last write (also on shutdown). */
  async saveSummaries(): Promise<void> {
    if (this.saveTimer) this.timers.clearTimer(this.saveTimer);
    this.saveTimer = null;
    const batch: StoredSummary[] = [...this.unsaved.values()].map(({ summary, ...s }) => ({ ...s, data: JSON.stringify(summary) }));
    this.unsaved = new Map();
    await this.store.saveSummaries(batch).catch((e) => console.error(`saving summaries failed: ${(e as Error).message}`));
  }

  stop(): void {
    if (this.rebuildTimer) this.timers.clearTimer(this.rebuildTimer);
    this.rebuildTimer = null;
    if (this.saveTimer) this.timers.clearTimer(this.saveTimer);
    if (this.publicTimer) this.timers.clearTimer(this.publicTimer);
    // Changes still waiting for their debounce are summarized now, so the kept summaries are
    // current and the next start loads nothing that did not change.
    for (const [name, t] of this.dirty) {
      this.timers.clearTimer(t);
      const live = this.registry.get(name);
      if (live) this.summarize(live);
    }
    this.dirty.clear();
    if (this.hq) this.registry.release(this.hq);
    this.hq = null;
  }

  status(): PublicBody {
    return this.statusBody;
  }

  closures(): PublicBody {
    return this.closuresBody;
  }

  overview(): { generatedAt: string; shelters: ShelterSummary[] } {
    return {
      generatedAt: this.clock().toISOString(),
      shelters: [...this.summaries.values()].sort((a, b) => (a.shelterId < b.shelterId ? -1 : 1)),
    };
  }

  /** Residents' report counts (evacuation/reports.ts) for status.json; rebuilt when they differ. */
  setReportCounts(counts: ReadonlyMap<string, ReportCounts>): void {
    if (JSON.stringify([...counts]) === JSON.stringify([...this.reportCounts])) return;
    this.reportCounts = counts;
    this.schedulePublic();
  }

  reports(): ReadonlyMap<string, ReportCounts> {
    return this.reportCounts;
  }

  /** Called when status.json or road-closures.geojson changes (the resident page's doorbell). */
  onPublicChange(fn: (etags: PublicEtags) => void): () => void {
    this.publicListeners.add(fn);
    return () => this.publicListeners.delete(fn);
  }

  /** The hq document (kept loaded), or null before start / after stop. */
  hqDoc(): Y.Doc | null {
    return this.hq?.doc ?? null;
  }

  /** Summarizes a shelter now from its stored state (after a purge replaced it). */
  async refresh(name: string): Promise<void> {
    const t = this.dirty.get(name);
    if (t) this.timers.clearTimer(t);
    this.dirty.delete(name);
    await this.registry.peek(name, (live) => this.summarize(live));
    this.schedulePublic();
  }

  /** Whether `shelterId` is in the registry (the hq document, kept loaded). */
  isRegistered(shelterId: string): boolean {
    return this.hq ? hqShelters(this.hq.doc).has(shelterId) : false;
  }

  /** The shelters in the registry (the hq document, kept loaded): no store read. */
  registeredShelterIds(): string[] {
    return this.hq ? [...hqShelters(this.hq.doc).keys()].sort() : [];
  }

  publicEtags(): PublicEtags {
    return { status: this.statusBody.etag, closures: this.closuresBody.etag };
  }

  /** Each new summary, as the fields that changed (computed once, whoever listens). */
  onSummary(fn: (change: SummaryChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Recomputes whatever is waiting for its debounce now (tests, shutdown). */
  flushNow(): void {
    for (const [name, t] of this.dirty) {
      this.timers.clearTimer(t);
      this.dirty.delete(name);
      const live = this.registry.get(name);
      if (live) this.summarize(live);
    }
    this.rebuildPublic();
  }

  /** The sequence number of `docName` that its summary here is as of, if there is one. */
  summarySeq(docName: string): number | undefined {
    return this.seqs.get(docName);
  }

  /** A shelter loaded only to follow another instance's change (cluster/peer-feed.ts): summarize it soon. */
  changedElsewhere(live: LiveDoc): void {
    this.onChanged(live);
  }

  private onChanged(live: LiveDoc): void {
    if (live.ref.kind === 'hq') return this.schedulePublic();
    if (this.dirty.has(live.name)) return;
    this.dirty.set(
      live.name,
      this.timers.setTimer(() => {
        this.dirty.delete(live.name);
        // The document may have been unloaded meanwhile; its last summary was taken on unload.
        const current = this.registry.get(live.name);
        if (current) this.summarize(current);
        this.schedulePublic(false);
      }, DEBOUNCE_MS),
    );
  }

  private summarize(live: LiveDoc): void {
    if (live.ref.kind !== 'shelter') return;
    let summary: ShelterSummary;
    const now = this.clock();
    try {
      // A shelter held encoded while check-ins arrive is summarized from its shadow (registry.ts).
      const shadow = live.isHot ? null : live.shadow;
      summary = shadow
        ? assembleSummary(shadow.parts, shadow.counter.tally(now), shadow.counter.records, live.ref.shelterId, live.lastUpdateAt)
        : summarizeShelter(live.doc, live.ref.shelterId, now, live.lastUpdateAt, { people: peopleTallyOf(live.doc) });
    } catch (e) {
      console.error(`summary of ${live.name} failed: ${(e as Error).message}`);
      return;
    }
    // Retention rests on what the server recorded, never on fields a tablet writes: the epoch
    // as the store keeps it, the closure as this server saw it happen (purge.ts).
    summary.purgedAt = live.epoch || null;
    summary.closedAt = recordedClosure(this.summaries.get(live.ref.shelterId), summary.status, summary.closedAt, now);
    const previous = this.summaries.get(live.ref.shelterId);
    this.summaries.set(live.ref.shelterId, summary);
    this.seqs.set(live.name, live.lastSeq);
    this.unsaved.set(live.name, { docName: live.name, seq: live.lastSeq, computedAt: this.clock().toISOString(), summary });
    this.saveTimer ??= this.timers.setTimer(() => void this.saveSummaries(), SAVE_SUMMARIES_MS);
    if (this.listeners.size === 0) return;
    const change = summaryChange(previous, summary);
    if (change) for (const l of this.listeners) l(change);
  }

  /**
   * Rebuilds status.json and the closures soon: DEBOUNCE_MS after a change of the hq document (a
   * level, a closure: residents must see it at once), at most every SHELTER_CHANGES_MS for what
   * the shelters' summaries change (crowding moves with every check-in, several times a second
   * in a surge, and each rebuild is a new 200 kB body to serialize and compress).
   */
  private schedulePublic(urgent = true): void {
    const now = this.timers.now();
    const due = now + (urgent ? DEBOUNCE_MS : Math.max(DEBOUNCE_MS, this.lastPublicAt + SHELTER_CHANGES_MS - now));
    if (this.publicTimer && this.publicDueAt <= due) return;
    if (this.publicTimer) this.timers.clearTimer(this.publicTimer);
    this.publicDueAt = due;
    this.publicTimer = this.timers.setTimer(() => {
      this.publicTimer = null;
      this.rebuildPublic();
    }, due - now);
  }

  private rebuildPublic(): void {
    if (!this.hq) return;
    this.lastPublicAt = this.timers.now();
    const before = this.publicEtags();
    const now = this.clock();
    const status = buildPublicStatus(this.hq.doc, this.summaries, now, this.reportCounts);
    // generatedAt changes every time; the ETag follows the content only, so an unchanged
    // status keeps answering 304.
    const { generatedAt: _g, ...content } = status;
    const hash = sha(JSON.stringify(content));
    if (hash !== this.statusContentHash) {
      this.statusContentHash = hash;
      this.statusBody = { body: Buffer.from(JSON.stringify(status)), etag: `"${hash}"` };
    }
    const closures = JSON.stringify(closuresFeatureCollection(this.hq.doc, now));
    const cHash = sha(closures);
    if (`"${cHash}"` !== this.closuresBody.etag) this.closuresBody = { body: Buffer.from(closures), etag: `"${cHash}"` };
    const after: PublicEtags = this.publicEtags();
    const levels: NonNullable<PublicEtags['levels']> = {};
    for (const d of status.districts) {
      const key = `${d.level}|${d.issuedAt ?? ''}`;
      if (this.lastLevels.get(d.id) !== key) {
        levels[d.id] = { level: d.level, issuedAt: d.issuedAt };
        this.lastLevels.set(d.id, key);
      }
    }
    if (Object.keys(levels).length > 0) after.levels = levels;
    const shelters = status.shelters.map((x) => `${x.id}:${x.status}`).join('|');
    if (shelters !== this.lastShelters) {
      if (this.lastShelters) after.shelters = true;
      this.lastShelters = shelters;
    }
    if (after.status !== before.status || after.closures !== before.closures) for (const l of this.publicListeners) l(after);
  }
}

/**
 * A summary as it goes out on HQ's stream: whole for a shelter not seen before, else only the
 * fields that changed (a new check-in changes the counts, not the request list). `data` is the
 * JSON, made once for every screen listening.
 */
export interface SummaryChange {
  kind: 'shelter' | 'patch';
  data: string;
}

export function summaryChange(previous: ShelterSummary | undefined, next: ShelterSummary): SummaryChange | null {
  if (!previous) return { kind: 'shelter', data: JSON.stringify(next) };
  const patch: Record<string, unknown> = { shelterId: next.shelterId };
  let changed = 0;
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  for (const k of keys) {
    const a = (previous as unknown as Record<string, unknown>)[k];
    const b = (next as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    patch[k] = b === undefined ? null : b;
    changed++;
  }
  return changed === 0 ? null : { kind: 'patch', data: JSON.stringify(patch) };
}

export interface PublicEtags {
  status: string;
  closures: string;
  /**
   * The districts whose level changed in this change, with the new level: small enough to ride
   * on the event, so an open page shows a new level at once and need not fetch status.json the
   * same second as every other open page (web/resident/main.tsx spreads its fetch).
   */
  levels?: Record<string, { level: number; issuedAt: string | null }>;
  /**
   * A shelter opened, closed or was declared full: pages should fetch. (Crowding bands move with
   * the counts — hundreds of shelters cross one in a surge — and are left to the quiet events.)
   */
  shelters?: boolean;
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 27);
}

function emptyBody(s: string): PublicBody {
  return { body: Buffer.from(s), etag: `"${sha(s)}"` };
}
