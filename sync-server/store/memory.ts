// A store in memory, for tests that drive the sync core without a disk (the deterministic fuzz:
// every promise resolves without I/O, so a seed replays exactly). It keeps the storage contract
// (test/integration/store-contract.ts) like SQLite and PostgreSQL; "durable" means "in this
// process", so it is never the server's store.
import type {
  AppendEntry, AuditEntry, DeviceRecord, DocStore, FeedHandlers, LoadedUpdates, SharedFeed, StoredSummary, RecordInput, StoredRecord, UpdatesSince,
} from './types';

/** One instance listening to the doorbell: its rings, held when the harness delivers them itself. */
interface Subscriber {
  handlers: FeedHandlers;
  held: { docName: string; seq: number }[];
}

/** The contents, kept apart from the store object so a "restart" can reopen them. */
export class MemoryData {
  readonly updates = new Map<string, { seq: number; data: Uint8Array; receivedAt: string }[]>();
  readonly snapshots = new Map<string, { data: Uint8Array; uptoSeq: number; lastUpdateAt: string | null; epoch: string }>();
  readonly devices = new Map<string, DeviceRecord>();
  readonly audit: AuditEntry[] = [];
  readonly summaries = new Map<string, StoredSummary>();
  readonly records = new Map<string, StoredRecord>();
  healthAt: string | null = null;
  /**
   * Set by a test: appends wait here until it calls releaseAppends(), so it can deliver frames
   * while a batch is being committed (the window a slow disk opens).
   */
  holdAppends = false;
  private held: (() => void)[] = [];
  /** The store's time (a purge's lastUpdateAt); a deterministic harness sets its own clock. */
  now: () => Date = () => new Date();
  /**
   * The doorbell of several instances sharing this data (openMemoryStore(data, { shared: true })),
   * as PostgreSQL's NOTIFY: "document D has committed up to seq N", never the update. With
   * `holdRings`, rings wait until the harness delivers (deliverRing) or loses them (loseRings).
   */
  readonly subscribers: Subscriber[] = [];
  holdRings = false;

  /** The next sequence number of a document: per document, gap-free, as the shared-store contract says. */
  nextSeq(docName: string): number {
    const log = this.updates.get(docName);
    const last = log?.length ? log[log.length - 1].seq : (this.snapshots.get(docName)?.uptoSeq ?? 0);
    return last + 1;
  }

  ring(docName: string, seq: number): void {
    for (const s of this.subscribers) {
      if (this.holdRings) s.held.push({ docName, seq });
      else s.handlers.committed(docName, seq);
    }
  }

  /** A revocation rings every instance at once (it closes sockets; nothing to catch up by sequence). */
  ringRevoked(jti: string): void {
    for (const s of this.subscribers) s.handlers.revoked(jti);
  }

  /** Delivers the oldest held ring of subscriber `i`; false when it has none. */
  deliverRing(i: number): boolean {
    const s = this.subscribers[i];
    const r = s?.held.shift();
    if (!r) return false;
    s.handlers.committed(r.docName, r.seq);
    return true;
  }

  /** Subscriber `i`'s doorbell connection broke: its held rings are gone, and it hears "reconnected". */
  loseRings(i: number): void {
    const s = this.subscribers[i];
    if (!s) return;
    s.held.length = 0;
    s.handlers.reconnected();
  }

  waitForRelease(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }

  /** Lets every held append commit; true if there was one. */
  releaseAppends(): boolean {
    const held = this.held.splice(0);
    for (const r of held) r();
    return held.length > 0;
  }
}

/** `shared`: a store several instances open on one MemoryData, with the doorbell feed (SharedFeed). */
export function openMemoryStore(data: MemoryData = new MemoryData(), opts: { shared?: boolean } = {}): DocStore {
  const store = new MemoryStore(data);
  if (opts.shared) (store as { feed?: SharedFeed }).feed = memoryFeed(data);
  return store;
}

function readSince(data: MemoryData, docName: string, afterSeq: number): UpdatesSince {
  const snap = data.snapshots.get(docName);
  const snapshot = snap && snap.uptoSeq > afterSeq ? { data: copy(snap.data), uptoSeq: snap.uptoSeq, lastUpdateAt: snap.lastUpdateAt, epoch: snap.epoch } : null;
  const from = Math.max(afterSeq, snapshot?.uptoSeq ?? 0);
  const updates = (data.updates.get(docName) ?? []).filter((u) => u.seq > from).map((u) => ({ seq: u.seq, data: copy(u.data), receivedAt: u.receivedAt }));
  return { snapshot, updates };
}

function memoryFeed(data: MemoryData): SharedFeed {
  return {
    readSince: async (docName, afterSeq) => readSince(data, docName, afterSeq),
    readSinceMany: async (wants) => new Map(wants.map((w) => [w.docName, readSince(data, w.docName, w.afterSeq)])),
    listen: async (handlers) => {
      const sub: Subscriber = { handlers, held: [] };
      data.subscribers.push(sub);
      return async () => {
        const i = data.subscribers.indexOf(sub);
        if (i >= 0) data.subscribers.splice(i, 1);
      };
    },
  };
}

const copy = (u: Uint8Array) => new Uint8Array(u);

class MemoryStore implements DocStore {
  private closed = false;

  constructor(private readonly data: MemoryData) {}

  private check(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  async append(entries: readonly AppendEntry[], receivedAt: Date): Promise<number[]> {
    this.check();
    if (this.data.holdAppends) await this.data.waitForRelease();
    this.check();
    for (const e of entries) if (typeof e.docName !== 'string' || !(e.update instanceof Uint8Array)) throw new Error('bad entry');
    const at = receivedAt.toISOString();
    const last = new Map<string, number>();
    const seqs = entries.map((e) => {
      // Made on a copy of another epoch than the stored document's: refused (types.ts).
      if ((e.epoch ?? '') !== (this.data.snapshots.get(e.docName)?.epoch ?? '')) return 0;
      const seq = this.data.nextSeq(e.docName);
      let log = this.data.updates.get(e.docName);
      if (!log) this.data.updates.set(e.docName, (log = []));
      log.push({ seq, data: copy(e.update), receivedAt: at });
      last.set(e.docName, seq);
      return seq;
    });
    // Rung once the batch is in, per document with its last seq, as PostgreSQL's statement trigger does.
    for (const [doc, seq] of last) this.data.ring(doc, seq);
    return seqs;
  }

  async loadUpdates(docName: string): Promise<LoadedUpdates> {
    this.check();
    const snap = this.data.snapshots.get(docName);
    const rows = (this.data.updates.get(docName) ?? []).filter((u) => u.seq > (snap?.uptoSeq ?? 0));
    const last = rows[rows.length - 1];
    return {
      updates: [...(snap ? [copy(snap.data)] : []), ...rows.map((r) => copy(r.data))],
      lastSeq: last?.seq ?? snap?.uptoSeq ?? 0,
      updatesSinceSnapshot: rows.length,
      lastUpdateAt: last?.receivedAt ?? snap?.lastUpdateAt ?? null,
      epoch: snap?.epoch ?? '',
    };
  }

  async compact(docName: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    this.check();
    const log = this.data.updates.get(docName) ?? [];
    const folded = log.filter((u) => u.seq <= uptoSeq);
    this.data.updates.set(docName, log.filter((u) => u.seq > uptoSeq));
    const prev = this.data.snapshots.get(docName);
    if (prev && prev.uptoSeq > uptoSeq) return;
    this.data.snapshots.set(docName, {
      data: copy(snapshot),
      uptoSeq,
      lastUpdateAt: folded[folded.length - 1]?.receivedAt ?? prev?.lastUpdateAt ?? null,
      epoch: prev?.epoch ?? '',
    });
  }

  async replaceDocument(docName: string, state: Uint8Array, epoch: string): Promise<number> {
    this.check();
    const seq = this.data.nextSeq(docName);
    this.data.updates.set(docName, []);
    this.data.snapshots.set(docName, { data: copy(state), uptoSeq: seq, lastUpdateAt: this.data.now().toISOString(), epoch });
    this.data.ring(docName, seq);
    return seq;
  }

  async redactAudit(terms: readonly string[], replacement: string): Promise<number> {
    this.check();
    let n = 0;
    for (const e of this.data.audit) {
      const names = (text: string) => terms.some((t) => t && text.includes(t));
      if (!names(e.query) && !names(e.answer) && !names(e.askedBy)) continue;
      if (names(e.askedBy)) e.askedBy = replacement;
      e.query = replacement;
      e.answer = replacement;
      n++;
    }
    return n;
  }

  async listDocs(): Promise<string[]> {
    this.check();
    const names = new Set([...this.data.snapshots.keys()]);
    for (const [doc, log] of this.data.updates) if (log.length) names.add(doc);
    return [...names].sort();
  }

  async rowCount(docName: string): Promise<number> {
    this.check();
    return (this.data.snapshots.has(docName) ? 1 : 0) + (this.data.updates.get(docName)?.length ?? 0);
  }

  async recordDevice(record: DeviceRecord): Promise<void> {
    this.check();
    if (!this.data.devices.has(record.jti)) this.data.devices.set(record.jti, { ...record });
  }

  async putRecord(r: RecordInput, at: Date): Promise<void> {
    return this.putRecords([r], at);
  }

  async putRecords(records: readonly RecordInput[], at: Date): Promise<void> {
    this.check();
    for (const r of records) this.data.records.set(`${r.kind}\u0000${r.id}`, { ...r, updatedAt: at.toISOString() });
  }

  async insertRecord(r: RecordInput, at: Date): Promise<boolean> {
    this.check();
    const key = `${r.kind}\u0000${r.id}`;
    if (this.data.records.has(key)) return false;
    this.data.records.set(key, { ...r, updatedAt: at.toISOString() });
    return true;
  }

  async getRecord(kind: string, id: string): Promise<StoredRecord | null> {
    this.check();
    const r = this.data.records.get(`${kind}\u0000${id}`);
    return r ? { ...r } : null;
  }

  async listRecords(kind: string, grp?: string): Promise<StoredRecord[]> {
    this.check();
    return [...this.data.records.values()]
      .filter((r) => r.kind === kind && (grp === undefined || r.grp === grp))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => ({ ...r }));
  }

  async countRecords(kind: string, grpPrefix = ''): Promise<Map<string, number>> {
    this.check();
    const out = new Map<string, number>();
    for (const r of this.data.records.values()) if (r.kind === kind && r.grp.startsWith(grpPrefix)) out.set(r.grp, (out.get(r.grp) ?? 0) + 1);
    return out;
  }

  async deleteRecords(kind: string, ids: readonly string[] | 'all'): Promise<number> {
    this.check();
    let n = 0;
    for (const [key, r] of this.data.records) {
      if (r.kind !== kind || (ids !== 'all' && !ids.includes(r.id))) continue;
      this.data.records.delete(key);
      n++;
    }
    return n;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.data.audit.push({ ...entry });
  }

  async listAudit(): Promise<AuditEntry[]> {
    return this.data.audit.map((e) => ({ ...e }));
  }

  async listDevices(): Promise<DeviceRecord[]> {
    this.check();
    return [...this.data.devices.values()].sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : 0)).map((d) => ({ ...d }));
  }

  async revoke(jti: string, at: Date): Promise<boolean> {
    this.check();
    const iso = at.toISOString();
    const known = this.data.devices.get(jti);
    this.data.ringRevoked(jti);
    if (known) {
      known.revokedAt ??= iso;
      return true;
    }
    this.data.devices.set(jti, { jti, role: 'staff', shelter: null, device: null, issuedAt: iso, expiresAt: iso, revokedAt: iso });
    return false;
  }

  async isRevoked(jti: string): Promise<boolean> {
    this.check();
    return Boolean(this.data.devices.get(jti)?.revokedAt);
  }

  async revokedJtis(): Promise<Set<string>> {
    this.check();
    return new Set([...this.data.devices.values()].filter((d) => d.revokedAt).map((d) => d.jti));
  }

  async saveSummaries(entries: readonly StoredSummary[]): Promise<void> {
    this.check();
    for (const e of entries) {
      const prev = this.data.summaries.get(e.docName);
      if (!prev || e.seq >= prev.seq) this.data.summaries.set(e.docName, { ...e });
    }
  }

  async loadSummaries(): Promise<StoredSummary[]> {
    this.check();
    return [...this.data.summaries.values()].map((s) => ({ ...s }));
  }

  async lastSeqs(): Promise<Map<string, number>> {
    this.check();
    const out = new Map<string, number>();
    for (const [doc, snap] of this.data.snapshots) out.set(doc, snap.uptoSeq);
    for (const [doc, log] of this.data.updates) if (log.length) out.set(doc, Math.max(out.get(doc) ?? 0, log[log.length - 1].seq));
    return out;
  }

  async healthCheck(now: Date): Promise<void> {
    this.check();
    this.data.healthAt = now.toISOString();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
