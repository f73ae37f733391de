// The embedded default store: one SQLite file (better-sqlite3) in the data directory.
//
// Durability. journal_mode=WAL, synchronous=FULL:
// - "survives kill -9": a transaction is in the WAL (in the OS page cache) when COMMIT returns,
//   so any process crash keeps it. synchronous=NORMAL already gives that in WAL mode.
// - "survives power loss": only FULL fsyncs the WAL on every commit; NORMAL fsyncs at
//   checkpoints only, so an OS crash or power cut can lose the last commits — commits a
//   client may already have been told are STORED and that other clients may have seen.
// We take FULL. Appends and compactions run on a writer thread (sqlite-writer.mjs), so the
// fsync never blocks the event loop, and the server group-commits (writer.ts): whatever arrives
// while one batch is being fsynced becomes the next batch, so the fsync is paid per batch.
// HINANJO_SQLITE_SYNC=NORMAL trades the power-loss guarantee for speed on slow disks.
// The main thread keeps its own connection for reads and the rare small writes (devices).
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppendEntry, AuditEntry, DeviceRecord, DocStore, LoadedUpdates, RecordInput, StoredRecord, StoredSummary } from './types';

interface RecordRow { kind: string; id: string; grp: string; data: string; updated_at: string }
const fromRecordRow = (r: RecordRow): StoredRecord => ({ kind: r.kind, id: r.id, grp: r.grp, data: r.data, updatedAt: r.updated_at });
import type { Role } from '../../domain/tokens';

/**
 * Store-format migrations, applied in order; PRAGMA user_version holds how many ran.
 * Never edit a migration that has shipped: add one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the update log and compaction snapshots
  `CREATE TABLE updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     doc TEXT NOT NULL,
     data BLOB NOT NULL
   );
   CREATE INDEX updates_by_doc ON updates (doc, seq);
   CREATE TABLE snapshots (
     doc TEXT PRIMARY KEY,
     data BLOB NOT NULL,
     upto_seq INTEGER NOT NULL
   );`,
  // 2: receipt times (for "last synced"), issued tokens and revocation, health probe
  `ALTER TABLE updates ADD COLUMN received_at TEXT;
   ALTER TABLE snapshots ADD COLUMN last_update_at TEXT;
   CREATE TABLE devices (
     jti TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     shelter TEXT,
     device TEXT,
     issued_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE TABLE health (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`,
  // 3: per-document summaries as of a sequence number, so a restart need not load every shelter
  `CREATE TABLE summaries (
     doc TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     computed_at TEXT NOT NULL,
     data TEXT NOT NULL
   );`,
  // 4: the safety-answer desk's audit log (who asked about whom, what was answered)
  `CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     jti TEXT NOT NULL,
     device TEXT,
     asked_by TEXT NOT NULL,
     relation TEXT NOT NULL,
     query TEXT NOT NULL,
     answered INTEGER NOT NULL,
     answer TEXT NOT NULL
   );`,
  // 5: a purged document's epoch, kept with its snapshot (retention.ts)
  `ALTER TABLE snapshots ADD COLUMN epoch TEXT NOT NULL DEFAULT '';`,
  // 6: records beside the documents (push subscriptions, reports, SOS, hazard layers, settings)
  `CREATE TABLE records (
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     grp TEXT NOT NULL DEFAULT '',
     data TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   );
   CREATE INDEX records_by_grp ON records (kind, grp);`,
];
export const STORE_FORMAT_VERSION = MIGRATIONS.length;

export const SQLITE_FILE = 'hinanjo.sqlite';

/** chmod, or a warning when the operator's directory is not ours to change (the data stays usable). */
function restrict(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (e) {
    console.warn(`could not restrict ${path} to mode ${mode.toString(8)}: ${(e as Error).message}`);
  }
}

export function openSqliteStore(dataDir: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}): DocStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  restrict(dataDir, 0o700);
  const file = join(dataDir, SQLITE_FILE);
  const db = new Database(file);
  const sync = opts.synchronous ?? (process.env.HINANJO_SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL');
  db.pragma('journal_mode = WAL');
  // The roster is in here: owner only. SQLite gives the -wal and -shm files the database's mode.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) restrict(f, 0o600);
  db.pragma(`synchronous = ${sync}`);
  // The token CLI may write while the server runs: wait for the lock instead of failing.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db, new SqliteWriter(file, sync), new SqliteWriter(file, sync, 'checkpointer'));
}

/**
 * A batch as the writer thread takes it: the updates copied end to end into one buffer that is
 * transferred, not cloned. Cloning an entry would copy its update's whole backing buffer — an
 * update arrives as a view into the socket read that carried it, up to 64 kB of other frames —
 * once per update of the batch.
 */
function packBatch(entries: readonly AppendEntry[]): { docs: string[]; epochs: string[]; bytes: Uint8Array<ArrayBuffer>; ends: number[] } {
  let total = 0;
  for (const e of entries) total += e.update.byteLength;
  const bytes = new Uint8Array(total);
  const ends: number[] = [];
  let at = 0;
  for (const e of entries) {
    bytes.set(e.update, at);
    ends.push((at += e.update.byteLength));
  }
  return { docs: entries.map((e) => e.docName), epochs: entries.map((e) => e.epoch ?? ''), bytes, ends };
}

/** The writer thread's side of the conversation: one request, one answer, in order. */
class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(file: string, synchronous: 'FULL' | 'NORMAL', role: 'writer' | 'checkpointer' = 'writer') {
    this.worker = new Worker(new URL('./sqlite-writer.mjs', import.meta.url), {
      workerData: { file, synchronous, role, intervalMs: 250 },
    });
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('the store writer has stopped')));
  }

  /** `transfer`: buffers handed over to the writer thread instead of copied (they are unusable here after). */
  call<T>(op: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...op, id }, transfer);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) await this.call({ op: 'close' }).catch(() => undefined);
    this.failure ??= new Error('the store is closed');
    await this.worker.terminate();
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the store was written by a newer Hinanjo (store format ${current}, this version knows ${MIGRATIONS.length}); upgrade Hinanjo`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

interface DeviceRow {
  jti: string;
  role: Role;
  shelter: string | null;
  device: string | null;
  issued_at: string;
  expires_at: string;
  revoked_at: string | null;
}

class SqliteStore implements DocStore {
  private readonly selectSnapshot;
  private readonly selectUpdates;
  private readonly selectLastUpdateAt;
  private readonly selectDocs;
  private readonly countRows;
  private readonly insertDevice;
  private readonly selectDevices;
  private readonly revokeDevice;
  private readonly insertRevokedDevice;
  private readonly selectRevoked;
  private readonly selectRevokedOne;
  private readonly selectSummaries;
  private readonly selectLastSeqs;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter,
    private readonly checkpointer: SqliteWriter,
  ) {
    this.selectSnapshot = db.prepare('SELECT data, upto_seq, last_update_at, epoch FROM snapshots WHERE doc = ?');
    this.selectSummaries = db.prepare('SELECT doc, seq, computed_at, data FROM summaries');
    this.selectLastSeqs = db.prepare(
      `SELECT doc, MAX(seq) AS seq FROM (
         SELECT doc, MAX(seq) AS seq FROM updates GROUP BY doc
         UNION ALL SELECT doc, upto_seq AS seq FROM snapshots
       ) GROUP BY doc`,
    );
    this.selectUpdates = db.prepare('SELECT seq, data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq');
    this.selectLastUpdateAt = db.prepare(
      'SELECT received_at FROM updates WHERE doc = ? ORDER BY seq DESC LIMIT 1',
    );
    this.selectDocs = db.prepare('SELECT doc FROM snapshots UNION SELECT DISTINCT doc FROM updates ORDER BY 1');
    this.countRows = db.prepare(
      'SELECT (SELECT COUNT(*) FROM snapshots WHERE doc = ?) + (SELECT COUNT(*) FROM updates WHERE doc = ?) AS n',
    );
    this.insertDevice = db.prepare(
      `INSERT INTO devices (jti, role, shelter, device, issued_at, expires_at, revoked_at)
       VALUES (@jti, @role, @shelter, @device, @issuedAt, @expiresAt, @revokedAt)
       ON CONFLICT (jti) DO NOTHING`,
    );
    this.selectDevices = db.prepare('SELECT * FROM devices ORDER BY issued_at');
    this.revokeDevice = db.prepare('UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE jti = ?');
    this.insertRevokedDevice = db.prepare(
      `INSERT INTO devices (jti, role, shelter, device, issued_at, expires_at, revoked_at)
       VALUES (?, 'staff', NULL, NULL, ?, ?, ?) ON CONFLICT (jti) DO NOTHING`,
    );
    this.selectRevoked = db.prepare('SELECT jti FROM devices WHERE revoked_at IS NOT NULL');
    this.selectRevokedOne = db.prepare('SELECT 1 FROM devices WHERE jti = ? AND revoked_at IS NOT NULL');
  }

  async append(entries: readonly AppendEntry[], receivedAt: Date): Promise<number[]> {
    if (entries.length === 0) return [];
    const batch = packBatch(entries);
    return this.writer.call<number[]>({ op: 'append', batch, at: receivedAt.toISOString() }, [batch.bytes.buffer]);
  }

  async loadUpdates(docName: string): Promise<LoadedUpdates> {
    const snap = this.selectSnapshot.get(docName) as
      | { data: Buffer; upto_seq: number; last_update_at: string | null; epoch: string }
      | undefined;
    const rows = this.selectUpdates.all(docName, snap?.upto_seq ?? 0) as { seq: number; data: Buffer }[];
    const updates: Uint8Array[] = [];
    if (snap) updates.push(new Uint8Array(snap.data));
    for (const r of rows) updates.push(new Uint8Array(r.data));
    const lastRow = rows.length
      ? (this.selectLastUpdateAt.get(docName) as { received_at: string | null } | undefined)
      : undefined;
    return {
      updates,
      lastSeq: rows.length ? rows[rows.length - 1].seq : (snap?.upto_seq ?? 0),
      updatesSinceSnapshot: rows.length,
      lastUpdateAt: lastRow?.received_at ?? snap?.last_update_at ?? null,
      epoch: snap?.epoch ?? '',
    };
  }

  async saveSummaries(entries: readonly StoredSummary[]): Promise<void> {
    if (entries.length === 0) return;
    await this.writer.call({ op: 'summaries', entries });
  }

  async loadSummaries(): Promise<StoredSummary[]> {
    return (this.selectSummaries.all() as { doc: string; seq: number; computed_at: string; data: string }[]).map((r) => ({
      docName: r.doc,
      seq: r.seq,
      computedAt: r.computed_at,
      data: r.data,
    }));
  }

  async lastSeqs(): Promise<Map<string, number>> {
    return new Map((this.selectLastSeqs.all() as { doc: string; seq: number }[]).map((r) => [r.doc, r.seq]));
  }

  async compact(docName: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    await this.writer.call({ op: 'compact', docName, snapshot, uptoSeq });
  }

  async replaceDocument(docName: string, state: Uint8Array, epoch: string): Promise<number> {
    return this.writer.call<number>({ op: 'replace', docName, state, epoch, at: new Date().toISOString() });
  }

  async redactAudit(terms: readonly string[], replacement: string): Promise<number> {
    // Through the writer, whose VACUUM (replace) then leaves no copy of the old text in free pages.
    return this.writer.call<number>({ op: 'redactAudit', terms: terms.filter(Boolean), replacement });
  }

  async listDocs(): Promise<string[]> {
    return (this.selectDocs.all() as { doc: string }[]).map((r) => r.doc);
  }

  async rowCount(docName: string): Promise<number> {
    return (this.countRows.get(docName, docName) as { n: number }).n;
  }

  async recordDevice(r: DeviceRecord): Promise<void> {
    this.insertDevice.run({ ...r, shelter: r.shelter ?? null, device: r.device ?? null });
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return (this.selectDevices.all() as DeviceRow[]).map((r) => ({
      jti: r.jti,
      role: r.role,
      shelter: r.shelter,
      device: r.device,
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    }));
  }

  async revoke(jti: string, at: Date): Promise<boolean> {
    const iso = at.toISOString();
    const known = this.revokeDevice.run(iso, jti).changes > 0;
    // A token signed elsewhere with the same secret is revoked all the same.
    if (!known) this.insertRevokedDevice.run(jti, iso, iso, iso);
    return known;
  }

  // Records are small and rare next to the update log: written on this thread's connection
  // (synchronous=FULL applies to it too), except an erasing delete, which the writer does with
  // a VACUUM so no byte of the record stays in free pages.
  async putRecord(r: RecordInput, at: Date): Promise<void> {
    return this.putRecords([r], at);
  }

  async putRecords(records: readonly RecordInput[], at: Date): Promise<void> {
    const put = this.db.prepare(
      'INSERT INTO records (kind, id, grp, data, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET grp = excluded.grp, data = excluded.data, updated_at = excluded.updated_at',
    );
    const iso = at.toISOString();
    this.db.transaction(() => {
      for (const r of records) put.run(r.kind, r.id, r.grp, r.data, iso);
    })();
  }

  async insertRecord(r: RecordInput, at: Date): Promise<boolean> {
    const info = this.db
      .prepare('INSERT INTO records (kind, id, grp, data, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO NOTHING')
      .run(r.kind, r.id, r.grp, r.data, at.toISOString());
    return info.changes === 1;
  }

  async getRecord(kind: string, id: string): Promise<StoredRecord | null> {
    const r = this.db.prepare('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = ? AND id = ?').get(kind, id) as RecordRow | undefined;
    return r ? fromRecordRow(r) : null;
  }

  async listRecords(kind: string, grp?: string): Promise<StoredRecord[]> {
    const rows = (grp === undefined
      ? this.db.prepare('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = ? ORDER BY id').all(kind)
      : this.db.prepare('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = ? AND grp = ? ORDER BY id').all(kind, grp)) as RecordRow[];
    return rows.map(fromRecordRow);
  }

  async countRecords(kind: string, grpPrefix = ''): Promise<Map<string, number>> {
    const rows = this.db
      .prepare("SELECT grp, count(*) AS n FROM records WHERE kind = ? AND substr(grp, 1, ?) = ? GROUP BY grp")
      .all(kind, grpPrefix.length, grpPrefix) as { grp: string; n: number }[];
    return new Map(rows.map((r) => [r.grp, r.n]));
  }

  async deleteRecords(kind: string, ids: readonly string[] | 'all', opts: { erase?: boolean } = {}): Promise<number> {
    if (opts.erase) return this.writer.call<number>({ op: 'deleteRecords', kind, ids });
    if (ids === 'all') return this.db.prepare('DELETE FROM records WHERE kind = ?').run(kind).changes;
    const del = this.db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + del.run(kind, id).changes, 0))();
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.db
      .prepare('INSERT INTO audit (at, jti, device, asked_by, relation, query, answered, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.jti, e.device, e.askedBy, e.relation, e.query, e.answered, e.answer);
  }

  async listAudit(): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id').all() as {
      at: string; jti: string; device: string | null; asked_by: string; relation: string; query: string; answered: number; answer: string;
    }[];
    return rows.map((r) => ({ at: r.at, jti: r.jti, device: r.device, askedBy: r.asked_by, relation: r.relation, query: r.query, answered: r.answered, answer: r.answer }));
  }

  async isRevoked(jti: string): Promise<boolean> {
    return this.selectRevokedOne.get(jti) !== undefined;
  }

  async revokedJtis(): Promise<Set<string>> {
    return new Set((this.selectRevoked.all() as { jti: string }[]).map((r) => r.jti));
  }

  async healthCheck(now: Date): Promise<void> {
    // through the writer thread: 200 only if the path every update takes works
    await this.writer.call({ op: 'health', at: now.toISOString() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.close();
    await this.checkpointer.close();
    this.db.close();
  }
}
