// The shared store: PostgreSQL, for several stateless server instances behind a load balancer
// (`npm run server -- --store postgres://…`, or DATABASE_URL). SQLite stays the embedded default.
//
// Sequence numbers are per document, kept in `docs.last_seq` and taken under that row's lock
// inside the appending statement, so for one document they are gap-free and in commit order:
// an instance that has applied everything up to N can ask for "after N" and get all the rest.
// (A global sequence would not do: transactions commit out of sequence order, and an instance
// reading "after the highest seq I saw" would skip a slow one forever.)
//
// Commit before forward: an append is one statement, its own transaction; it resolves after
// COMMIT (synchronous_commit on: flushed to the WAL). A statement trigger rings NOTIFY with
// only (document, last seq) — never the update, which can exceed NOTIFY's 8,000 bytes — and
// PostgreSQL delivers it at commit, in commit order. NOTIFY is the doorbell, the table is the
// data: an instance that lost its LISTEN connection catches up by sequence (readSince).
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Role } from '../../domain/tokens';
import type {
  AppendEntry, AuditEntry, DeviceRecord, DocStore, FeedHandlers, LoadedUpdates, SharedFeed, StoredSummary, UpdatesSince, RecordInput, StoredRecord } from './types';

interface PgRecordRow { kind: string; id: string; grp: string; data: string; updated_at: string }
const fromPgRecord = (r: PgRecordRow): StoredRecord => ({ kind: r.kind, id: r.id, grp: r.grp, data: r.data, updatedAt: r.updated_at });

/** Schema migrations, applied in order under an advisory lock; never edit one that shipped. */
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE docs (
     doc text PRIMARY KEY,
     last_seq bigint NOT NULL
   );
   CREATE TABLE updates (
     doc text NOT NULL,
     seq bigint NOT NULL,
     data bytea NOT NULL,
     received_at text,
     PRIMARY KEY (doc, seq)
   );
   CREATE TABLE snapshots (
     doc text PRIMARY KEY,
     data bytea NOT NULL,
     upto_seq bigint NOT NULL,
     last_update_at text
   );
   CREATE TABLE devices (
     jti text PRIMARY KEY,
     role text NOT NULL,
     shelter text,
     device text,
     issued_at text NOT NULL,
     expires_at text NOT NULL,
     revoked_at text
   );
   CREATE TABLE summaries (
     doc text PRIMARY KEY,
     seq bigint NOT NULL,
     computed_at text NOT NULL,
     data text NOT NULL
   );
   CREATE TABLE health (id int PRIMARY KEY CHECK (id = 1), at text NOT NULL);
   CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
   -- The doorbell: one notification per document and statement, carrying "doc seq" only.
   CREATE FUNCTION hinanjo_ring() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_notify('hinanjo_doc', doc || ' ' || max(seq)) FROM new_rows GROUP BY doc;
     RETURN NULL;
   END $$;
   CREATE TRIGGER updates_ring AFTER INSERT ON updates
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hinanjo_ring();`,
  // 2: the safety-answer desk's audit log
  `CREATE TABLE audit (
     id bigserial PRIMARY KEY,
     at text NOT NULL,
     jti text NOT NULL,
     device text,
     asked_by text NOT NULL,
     relation text NOT NULL,
     query text NOT NULL,
     answered int NOT NULL,
     answer text NOT NULL
   );`,
  // 3: a purged document's epoch, kept with its snapshot (retention.ts)
  `ALTER TABLE snapshots ADD COLUMN epoch text NOT NULL DEFAULT '';`,
  // 4: the epoch on the row appends lock, so an append made on a copy older than a purge that
  // committed first is refused (APPEND_SQL), whichever instance made either
  `ALTER TABLE docs ADD COLUMN epoch text NOT NULL DEFAULT '';
   UPDATE docs SET epoch = s.epoch FROM snapshots s WHERE s.doc = docs.doc;`,
  // 5: records beside the documents (push subscriptions, reports, SOS, hazard layers, settings)
  `CREATE TABLE records (
     kind text NOT NULL,
     id text NOT NULL,
     grp text NOT NULL DEFAULT '',
     data text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (kind, id)
   );
   CREATE INDEX records_by_grp ON records (kind, grp);`,
];

const MIGRATION_LOCK = 7_283_451; // any constant: the advisory lock instances take to migrate
const DOC_CHANNEL = 'hinanjo_doc';
const REVOKED_CHANNEL = 'hinanjo_revoked';

/**
 * One statement, so one round trip and its own transaction: number the batch per document
 * (the docs row lock orders concurrent writers), insert the updates (the trigger rings).
 * Entries are made on a copy of some epoch: per document only those of the latest epoch in the
 * batch are candidates (its row is updated once), and only if the stored document still has that
 * epoch. The row lock orders a purge (replaceDocument) and an append strictly, and the condition
 * is evaluated on the row as the purge left it. An entry left out has no row in the result.
 */
const APPEND_SQL = `
WITH input AS (
  SELECT doc, data, epoch, ord FROM unnest($1::text[], $2::bytea[], $4::text[]) WITH ORDINALITY AS i(doc, data, epoch, ord)
), counts AS (
  SELECT i.doc, i.epoch, count(*)::bigint AS n
  FROM input i JOIN (SELECT doc, max(epoch) AS epoch FROM input GROUP BY doc) latest USING (doc, epoch)
  GROUP BY i.doc, i.epoch ORDER BY i.doc
), heads AS (
  INSERT INTO docs (doc, last_seq, epoch) SELECT doc, n, epoch FROM counts
  ON CONFLICT (doc) DO UPDATE SET last_seq = docs.last_seq + EXCLUDED.last_seq
  WHERE docs.epoch = EXCLUDED.epoch
  RETURNING doc, last_seq
), numbered AS (
  SELECT i.doc, i.data, i.ord,
         h.last_seq - c.n + row_number() OVER (PARTITION BY i.doc ORDER BY i.ord) AS seq
  FROM input i JOIN heads h USING (doc) JOIN counts c USING (doc, epoch)
), ins AS (
  INSERT INTO updates (doc, seq, data, received_at) SELECT doc, seq, data, $3 FROM numbered
)
SELECT ord, seq FROM numbered ORDER BY ord`;

/**
 * For each (document, after): the snapshot when it covers more than `after`, then every later
 * update. One statement, so one consistent read and one round trip for a whole burst of rings.
 */
const READ_SINCE_SQL = `
WITH want AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS w(doc, after))
SELECT 0 AS kind, s.doc, s.upto_seq AS seq, s.data, s.last_update_at AS at, s.epoch
  FROM want w JOIN snapshots s ON s.doc = w.doc AND s.upto_seq > w.after
UNION ALL
SELECT 1, u.doc, u.seq, u.data, u.received_at, ''
  FROM want w JOIN updates u ON u.doc = w.doc
   AND u.seq > GREATEST(w.after, COALESCE((SELECT upto_seq FROM snapshots s2 WHERE s2.doc = w.doc), 0))
ORDER BY 2, 1, 3`;

interface DeviceRow {
  jti: string;
  role: Role;
  shelter: string | null;
  device: string | null;
  issued_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface PostgresStoreOptions {
  /** Connections in the pool (appends, reads). */
  poolSize?: number;
  log?: (line: string) => void;
}

/** Opens (and migrates) the store at `url`; fails with a clear message when it cannot connect. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<DocStore> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle connection that breaks (a PostgreSQL restart) is dropped from the pool; the next
  // query opens a new one. Without this handler the error would end the process.
  pool.on('error', (e) => log(`postgres: idle connection lost: ${e.message}`));
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL store (${redact(url)}): ${(e as Error).message}`);
  }
  return new PostgresStore(pool, url, log);
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS hinanjo_schema (version int NOT NULL)');
    const r = await c.query<{ version: number }>('SELECT version FROM hinanjo_schema');
    let current = r.rows[0]?.version ?? 0;
    if (r.rows.length === 0) await c.query('INSERT INTO hinanjo_schema (version) VALUES (0)');
    if (current > PG_MIGRATIONS.length) {
      throw new Error(
        `the store was written by a newer Hinanjo (store format ${current}, this version knows ${PG_MIGRATIONS.length}); upgrade Hinanjo`,
      );
    }
    for (; current < PG_MIGRATIONS.length; current++) {
      await c.query(PG_MIGRATIONS[current]);
      await c.query('UPDATE hinanjo_schema SET version = $1', [current + 1]);
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

class PostgresStore implements DocStore {
  readonly feed: SharedFeed;
  private closed = false;
  private readonly listeners = new Set<() => Promise<void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {
    this.feed = {
      readSince: async (doc, after) => (await this.readSinceMany([{ docName: doc, afterSeq: after }])).get(doc)!,
      readSinceMany: (wants) => this.readSinceMany(wants),
      listen: (handlers) => this.listen(handlers),
    };
  }

  async append(entries: readonly AppendEntry[], receivedAt: Date): Promise<number[]> {
    if (entries.length === 0) return [];
    // A malformed entry fails the whole batch (the SQL would only leave it out, as if refused).
    for (const e of entries) if (typeof e.docName !== 'string' || !(e.update instanceof Uint8Array)) throw new Error('bad entry');
    const r = await this.pool.query<{ ord: string; seq: string }>(APPEND_SQL, [
      entries.map((e) => e.docName),
      entries.map((e) => Buffer.from(e.update.buffer, e.update.byteOffset, e.update.byteLength)),
      receivedAt.toISOString(),
      entries.map((e) => e.epoch ?? ''),
    ]);
    // Refused entries (another epoch) have no row: sequence number 0 (types.ts).
    const seqs = new Array<number>(entries.length).fill(0);
    for (const row of r.rows) seqs[Number(row.ord) - 1] = Number(row.seq);
    return seqs;
  }

  async readSinceMany(wants: readonly { docName: string; afterSeq: number }[]): Promise<Map<string, UpdatesSince>> {
    const out = new Map<string, UpdatesSince>(wants.map((w) => [w.docName, { snapshot: null, updates: [] }]));
    if (wants.length === 0) return out;
    const r = await this.pool.query<{ kind: number; doc: string; seq: string; data: Buffer; at: string | null; epoch: string }>(READ_SINCE_SQL, [
      wants.map((w) => w.docName),
      wants.map((w) => w.afterSeq),
    ]);
    for (const row of r.rows) {
      const since = out.get(row.doc)!;
      if (row.kind === 0) since.snapshot = { data: bytes(row.data), uptoSeq: Number(row.seq), lastUpdateAt: row.at, epoch: row.epoch };
      else since.updates.push({ seq: Number(row.seq), data: bytes(row.data), receivedAt: row.at });
    }
    return out;
  }

  async loadUpdates(docName: string): Promise<LoadedUpdates> {
    const { snapshot, updates } = await this.feed.readSince(docName, 0);
    const last = updates[updates.length - 1];
    return {
      updates: [...(snapshot ? [snapshot.data] : []), ...updates.map((u) => u.data)],
      lastSeq: last?.seq ?? snapshot?.uptoSeq ?? 0,
      updatesSinceSnapshot: updates.length,
      lastUpdateAt: last?.receivedAt ?? snapshot?.lastUpdateAt ?? null,
      epoch: snapshot?.epoch ?? '',
    };
  }

  /**
   * Deletes the updates up to `uptoSeq` and keeps the snapshot that covers the most: another
   * instance may have compacted further meanwhile, and its snapshot then stays (the deleted
   * rows are in both). The caller's snapshot must contain every update ≤ uptoSeq.
   */
  async compact(docName: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const last = await c.query<{ received_at: string | null }>(
        'SELECT received_at FROM updates WHERE doc = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1',
        [docName, uptoSeq],
      );
      await c.query('DELETE FROM updates WHERE doc = $1 AND seq <= $2', [docName, uptoSeq]);
      await c.query(
        `INSERT INTO snapshots (doc, data, upto_seq, last_update_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (doc) DO UPDATE SET data = EXCLUDED.data, upto_seq = EXCLUDED.upto_seq,
           last_update_at = COALESCE(EXCLUDED.last_update_at, snapshots.last_update_at)
         WHERE snapshots.upto_seq < EXCLUDED.upto_seq`,
        [docName, Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength), uptoSeq, last.rows[0]?.received_at ?? null],
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /**
   * The purge's new state, numbered past every update so other instances catch up on it (the
   * NOTIFY rings them). PostgreSQL keeps deleted rows in the table's pages until VACUUM reuses
   * them: a plain VACUUM runs after the purge; byte-level erasure needs VACUUM FULL (README).
   */
  async replaceDocument(docName: string, state: Uint8Array, epoch: string): Promise<number> {
    const c = await this.pool.connect();
    let seq: number;
    try {
      await c.query('BEGIN');
      const r = await c.query<{ last_seq: string }>(
        `INSERT INTO docs (doc, last_seq, epoch) VALUES ($1, 1, $2)
         ON CONFLICT (doc) DO UPDATE SET last_seq = docs.last_seq + 1, epoch = EXCLUDED.epoch RETURNING last_seq`,
        [docName, epoch],
      );
      seq = Number(r.rows[0].last_seq);
      await c.query('DELETE FROM updates WHERE doc = $1', [docName]);
      await c.query(
        `INSERT INTO snapshots (doc, data, upto_seq, last_update_at, epoch) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (doc) DO UPDATE SET data = EXCLUDED.data, upto_seq = EXCLUDED.upto_seq, last_update_at = EXCLUDED.last_update_at, epoch = EXCLUDED.epoch`,
        [docName, Buffer.from(state.buffer, state.byteOffset, state.byteLength), seq, new Date().toISOString(), epoch],
      );
      await c.query(`SELECT pg_notify('${DOC_CHANNEL}', $1::text || ' ' || $2::text)`, [docName, seq]);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    await this.pool.query('VACUUM updates, snapshots').catch((e) => console.error(`VACUUM after a purge failed: ${(e as Error).message}`));
    return seq;
  }

  async redactAudit(terms: readonly string[], replacement: string): Promise<number> {
    const t = terms.filter(Boolean);
    if (t.length === 0) return 0;
    const r = await this.pool.query(
      `UPDATE audit SET query = $2, answer = $2,
         asked_by = CASE WHEN EXISTS (SELECT 1 FROM unnest($1::text[]) AS term WHERE strpos(asked_by, term) > 0) THEN $2 ELSE asked_by END
       WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS term
                     WHERE strpos(query, term) > 0 OR strpos(answer, term) > 0 OR strpos(asked_by, term) > 0)`,
      [t, replacement],
    );
    return r.rowCount ?? 0;
  }

  async listDocs(): Promise<string[]> {
    return (await this.pool.query<{ doc: string }>('SELECT doc FROM docs ORDER BY doc')).rows.map((r) => r.doc);
  }

  async rowCount(docName: string): Promise<number> {
    const r = await this.pool.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM snapshots WHERE doc = $1) + (SELECT count(*) FROM updates WHERE doc = $1) AS n',
      [docName],
    );
    return Number(r.rows[0].n);
  }

  async recordDevice(r: DeviceRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO devices (jti, role, shelter, device, issued_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (jti) DO NOTHING`,
      [r.jti, r.role, r.shelter ?? null, r.device ?? null, r.issuedAt, r.expiresAt, r.revokedAt],
    );
  }

  async putRecord(r: RecordInput, at: Date): Promise<void> {
    return this.putRecords([r], at);
  }

  async putRecords(records: readonly RecordInput[], at: Date): Promise<void> {
    if (records.length === 0) return;
    // One statement: the rows as arrays (a repeated id keeps its last record, as one by one would).
    const last = new Map(records.map((r) => [`${r.kind}\u0000${r.id}`, r]));
    const rows = [...last.values()];
    await this.pool.query(
      `INSERT INTO records (kind, id, grp, data, updated_at)
       SELECT k, i, g, d, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(k, i, g, d)
       ON CONFLICT (kind, id) DO UPDATE SET grp = excluded.grp, data = excluded.data, updated_at = excluded.updated_at`,
      [rows.map((r) => r.kind), rows.map((r) => r.id), rows.map((r) => r.grp), rows.map((r) => r.data), at.toISOString()],
    );
  }

  async insertRecord(r: RecordInput, at: Date): Promise<boolean> {
    const res = await this.pool.query('INSERT INTO records (kind, id, grp, data, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, id) DO NOTHING', [
      r.kind, r.id, r.grp, r.data, at.toISOString(),
    ]);
    return res.rowCount === 1;
  }

  async getRecord(kind: string, id: string): Promise<StoredRecord | null> {
    const r = await this.pool.query<PgRecordRow>('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = $1 AND id = $2', [kind, id]);
    return r.rows[0] ? fromPgRecord(r.rows[0]) : null;
  }

  async listRecords(kind: string, grp?: string): Promise<StoredRecord[]> {
    const r =
      grp === undefined
        ? await this.pool.query<PgRecordRow>('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = $1 ORDER BY id COLLATE "C"', [kind])
        : await this.pool.query<PgRecordRow>('SELECT kind, id, grp, data, updated_at FROM records WHERE kind = $1 AND grp = $2 ORDER BY id COLLATE "C"', [kind, grp]);
    return r.rows.map(fromPgRecord);
  }

  async countRecords(kind: string, grpPrefix = ''): Promise<Map<string, number>> {
    const r = await this.pool.query<{ grp: string; n: string }>(
      'SELECT grp, count(*) AS n FROM records WHERE kind = $1 AND left(grp, $2) = $3 GROUP BY grp',
      [kind, grpPrefix.length, grpPrefix],
    );
    return new Map(r.rows.map((x) => [x.grp, Number(x.n)]));
  }

  async deleteRecords(kind: string, ids: readonly string[] | 'all', opts: { erase?: boolean } = {}): Promise<number> {
    const r = ids === 'all'
      ? await this.pool.query('DELETE FROM records WHERE kind = $1', [kind])
      : await this.pool.query('DELETE FROM records WHERE kind = $1 AND id = ANY($2::text[])', [kind, [...ids]]);
    // A plain VACUUM marks the space free; byte-level erasure needs VACUUM FULL (an operator's job, README).
    if (opts.erase && (r.rowCount ?? 0) > 0) await this.pool.query('VACUUM records');
    return r.rowCount ?? 0;
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.pool.query(
      'INSERT INTO audit (at, jti, device, asked_by, relation, query, answered, answer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [e.at, e.jti, e.device, e.askedBy, e.relation, e.query, e.answered, e.answer],
    );
  }

  async listAudit(): Promise<AuditEntry[]> {
    const r = await this.pool.query<{ at: string; jti: string; device: string | null; asked_by: string; relation: string; query: string; answered: number; answer: string }>(
      'SELECT * FROM audit ORDER BY id',
    );
    return r.rows.map((x) => ({ at: x.at, jti: x.jti, device: x.device, askedBy: x.asked_by, relation: x.relation, query: x.query, answered: x.answered, answer: x.answer }));
  }

  async listDevices(): Promise<DeviceRecord[]> {
    const r = await this.pool.query<DeviceRow>('SELECT * FROM devices ORDER BY issued_at, jti');
    return r.rows.map((d) => ({
      jti: d.jti,
      role: d.role,
      shelter: d.shelter,
      device: d.device,
      issuedAt: d.issued_at,
      expiresAt: d.expires_at,
      revokedAt: d.revoked_at,
    }));
  }

  /** Revokes and rings every instance (they close the token's sockets), in one transaction. */
  async revoke(jti: string, at: Date): Promise<boolean> {
    const iso = at.toISOString();
    const r = await this.pool.query<{ known: string }>(
      `WITH upd AS (
         UPDATE devices SET revoked_at = COALESCE(revoked_at, $2) WHERE jti = $1 RETURNING jti
       ), ins AS (
         INSERT INTO devices (jti, role, shelter, device, issued_at, expires_at, revoked_at)
         SELECT $1, 'staff', NULL, NULL, $2, $2, $2 WHERE NOT EXISTS (SELECT 1 FROM upd)
         ON CONFLICT (jti) DO NOTHING
       )
       SELECT (SELECT count(*) FROM upd) AS known, pg_notify('${REVOKED_CHANNEL}', $1)`,
      [jti, iso],
    );
    return Number(r.rows[0].known) > 0;
  }

  async isRevoked(jti: string): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM devices WHERE jti = $1 AND revoked_at IS NOT NULL', [jti]);
    return r.rows.length > 0;
  }

  async revokedJtis(): Promise<Set<string>> {
    const r = await this.pool.query<{ jti: string }>('SELECT jti FROM devices WHERE revoked_at IS NOT NULL');
    return new Set(r.rows.map((x) => x.jti));
  }

  async saveSummaries(entries: readonly StoredSummary[]): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO summaries (doc, seq, computed_at, data)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
       ON CONFLICT (doc) DO UPDATE SET seq = EXCLUDED.seq, computed_at = EXCLUDED.computed_at, data = EXCLUDED.data
       WHERE EXCLUDED.seq >= summaries.seq`,
      [entries.map((e) => e.docName), entries.map((e) => e.seq), entries.map((e) => e.computedAt), entries.map((e) => e.data)],
    );
  }

  async loadSummaries(): Promise<StoredSummary[]> {
    const r = await this.pool.query<{ doc: string; seq: string; computed_at: string; data: string }>(
      'SELECT doc, seq, computed_at, data FROM summaries',
    );
    return r.rows.map((s) => ({ docName: s.doc, seq: Number(s.seq), computedAt: s.computed_at, data: s.data }));
  }

  async lastSeqs(): Promise<Map<string, number>> {
    const r = await this.pool.query<{ doc: string; last_seq: string }>('SELECT doc, last_seq FROM docs');
    return new Map(r.rows.map((d) => [d.doc, Number(d.last_seq)]));
  }

  async sharedSecret(): Promise<Uint8Array> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.pool.query<{ value: string }>(
        `WITH ins AS (
           INSERT INTO settings (key, value) VALUES ('token-secret', $1) ON CONFLICT (key) DO NOTHING RETURNING value
         )
         SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE key = 'token-secret'`,
        [randomBytes(48).toString('base64url')],
      );
      // Empty only when another instance inserted it between our snapshot and our insert: read again.
      if (r.rows.length > 0) return new TextEncoder().encode(r.rows[0].value);
    }
    throw new Error('could not read the token secret from the store');
  }

  async healthCheck(now: Date): Promise<void> {
    await this.pool.query('INSERT INTO health (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at', [now.toISOString()]);
  }

  /**
   * LISTEN on a dedicated connection. When it breaks (PostgreSQL restarted, network), it is
   * opened again with a growing delay, and `reconnected` tells the instance to catch up.
   */
  private async listen(handlers: FeedHandlers): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let delay = 100;
    let retry: NodeJS.Timeout | null = null;
    const connect = async (first: boolean): Promise<void> => {
      const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
      c.on('notification', (n) => {
        if (!n.payload) return;
        if (n.channel === DOC_CHANNEL) {
          const space = n.payload.lastIndexOf(' ');
          const seq = Number(n.payload.slice(space + 1));
          if (space > 0 && Number.isFinite(seq)) handlers.committed(n.payload.slice(0, space), seq);
        } else if (n.channel === REVOKED_CHANNEL) handlers.revoked(n.payload);
      });
      const lost = (why: string) => {
        if (client !== c || stopped) return;
        client = null;
        this.log(`postgres: notification connection lost (${why}); reconnecting`);
        c.end().catch(() => undefined);
        schedule();
      };
      c.on('error', (e) => lost(e.message));
      c.on('end', () => lost('closed'));
      await c.connect();
      await c.query(`LISTEN ${DOC_CHANNEL}; LISTEN ${REVOKED_CHANNEL}`);
      if (stopped) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      delay = 100;
      if (!first) handlers.reconnected();
    };
    const schedule = () => {
      if (stopped || retry) return;
      retry = setTimeout(() => {
        retry = null;
        connect(false).catch((e) => {
          this.log(`postgres: notification connection failed: ${(e as Error).message}`);
          delay = Math.min(delay * 2, 5_000);
          schedule();
        });
      }, delay);
      retry.unref?.();
    };
    await connect(true);
    const stop = async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
      this.listeners.delete(stop);
    };
    this.listeners.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.listeners]) await stop();
    await this.pool.end();
  }
}
