// The SQLite writer thread (plain JavaScript so it loads the same way under node, tsx and
// vitest). It owns the connection that appends and compacts, so the fsync of a commit
// (synchronous=FULL) blocks this thread, not the server's event loop: while one batch is being
// made durable the server keeps reading frames, and they form the next batch (group commit).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${workerData.synchronous}`);
db.pragma('busy_timeout = 5000');

if (workerData.role === 'checkpointer') {
  // Copies the WAL back into the database file (and fsyncs it) off the commit path: the writer
  // has automatic checkpoints turned off, so no commit ever waits for one. PASSIVE never blocks
  // the writer; when the WAL is large a RESTART lets it start over from the beginning.
  // Restarting often keeps every commit writing over WAL blocks that already exist: an fsync of
  // a file that grows must also write its new size (ext4 journal), which measured about twice as
  // long as one that overwrites (0.42 vs 0.25 ms idle, 1.1 vs 0.2 ms under load). The WAL file
  // keeps its size after a restart, so after the first seconds commits only overwrite.
  const RESTART_AFTER_PAGES = 64;
  let busy = false;
  setInterval(() => {
    if (busy) return;
    busy = true;
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r && r.log >= RESTART_AFTER_PAGES && r.checkpointed === r.log) db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // a busy database: try again on the next tick
    } finally {
      busy = false;
    }
  }, workerData.intervalMs);
  parentPort.on('message', (m) => {
    if (m.op === 'close') {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
        db.close();
      } catch {}
      parentPort.postMessage({ id: m.id, result: null });
    }
  });
} else {
  runWriter();
}

function runWriter() {
db.pragma('wal_autocheckpoint = 0');

const insert = db.prepare('INSERT INTO updates (doc, data, received_at) VALUES (?, ?, ?)');
const lastReceivedUpTo = db.prepare(
  'SELECT received_at FROM updates WHERE doc = ? AND seq <= ? ORDER BY seq DESC LIMIT 1',
);
const deleteUpTo = db.prepare('DELETE FROM updates WHERE doc = ? AND seq <= ?');
const selectSnapshotSeq = db.prepare('SELECT upto_seq FROM snapshots WHERE doc = ?');
const upsertSnapshot = db.prepare(
  `INSERT INTO snapshots (doc, data, upto_seq, last_update_at) VALUES (@doc, @data, @upto, @at)
   ON CONFLICT (doc) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq,
     last_update_at = COALESCE(excluded.last_update_at, snapshots.last_update_at)`,
);
const writeHealth = db.prepare(
  'INSERT INTO health (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
);

const upsertSummary = db.prepare(
  `INSERT INTO summaries (doc, seq, computed_at, data) VALUES (@docName, @seq, @computedAt, @data)
   ON CONFLICT (doc) DO UPDATE SET seq = excluded.seq, computed_at = excluded.computed_at, data = excluded.data
   WHERE excluded.seq >= summaries.seq`,
);
const saveSummaries = db.transaction((entries) => {
  for (const e of entries) upsertSummary.run(e);
});

// An entry made on a copy of another epoch than the stored document's (a purge replaced it
// meanwhile) is refused: sequence number 0, nothing stored.
const selectEpoch = db.prepare('SELECT epoch FROM snapshots WHERE doc = ?').pluck();
// The batch arrives packed (sqlite.ts packBatch): the updates end to end in one transferred
// buffer, `ends[i]` where the i-th ends.
const append = db.transaction(({ docs, epochs: entryEpochs, bytes, ends }, at) => {
  const epochs = new Map();
  return docs.map((docName, i) => {
    let epoch = epochs.get(docName);
    if (epoch === undefined) epochs.set(docName, (epoch = selectEpoch.get(docName) ?? ''));
    if (entryEpochs[i] !== epoch) return 0;
    const start = i === 0 ? 0 : ends[i - 1];
    const update = Buffer.from(bytes.buffer, bytes.byteOffset + start, ends[i] - start);
    return Number(insert.run(docName, update, at).lastInsertRowid);
  });
});

const compact = db.transaction((docName, snapshot, uptoSeq) => {
  const last = lastReceivedUpTo.get(docName, uptoSeq);
  deleteUpTo.run(docName, uptoSeq);
  const prev = selectSnapshotSeq.get(docName);
  upsertSnapshot.run({
    doc: docName,
    data: snapshot,
    upto: Math.max(uptoSeq, prev?.upto_seq ?? 0),
    at: last?.received_at ?? null,
  });
});

// A purge: the document becomes one snapshot numbered past every update it had (a row in
// `updates` only to take the next number, deleted at once). Deleted rows stay readable in the
// file's free pages and in the WAL until overwritten, so the file is rebuilt (VACUUM) and the WAL
// emptied (checkpoint TRUNCATE): after this no byte of the old document is on disk.
const nextSeq = db.prepare("INSERT INTO updates (doc, data, received_at) VALUES (?, x'', ?)");
const deleteAll = db.prepare('DELETE FROM updates WHERE doc = ?');
const setEpoch = db.prepare('UPDATE snapshots SET epoch = ? WHERE doc = ?');
const replace = db.transaction((docName, state, epoch, at) => {
  const seq = Number(nextSeq.run(docName, at).lastInsertRowid);
  deleteAll.run(docName);
  upsertSnapshot.run({ doc: docName, data: state, upto: seq, at });
  setEpoch.run(epoch, docName);
  return seq;
});
const redact = db.transaction((terms, replacement) => {
  // An entry naming a purged person loses its question and answer; who asked loses its text
  // too when it names one (a relative asking about another).
  const rows = db.prepare('SELECT id, query, answer, asked_by FROM audit').all();
  const update = db.prepare('UPDATE audit SET query = ?, answer = ?, asked_by = ? WHERE id = ?');
  let n = 0;
  const names = (text) => terms.some((t) => text.includes(t));
  for (const r of rows) {
    if (!names(r.query) && !names(r.answer) && !names(r.asked_by)) continue;
    update.run(replacement, replacement, names(r.asked_by) ? replacement : r.asked_by, r.id);
    n++;
  }
  return n;
});
const deleteRecords = db.transaction((kind, ids) => {
  if (ids === 'all') return db.prepare('DELETE FROM records WHERE kind = ?').run(kind).changes;
  const del = db.prepare('DELETE FROM records WHERE kind = ? AND id = ?');
  let n = 0;
  for (const id of ids) n += del.run(kind, id).changes;
  return n;
});
function scrub() {
  db.exec('VACUUM');
  // TRUNCATE waits for readers of older frames (the server's reads, the checkpointer); it says
  // busy instead of failing, so try a while before giving up (the next purge tries again).
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 40; i++) {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)');
    if (!r || r.busy === 0) return;
    Atomics.wait(pause, 0, 0, 50);
  }
  throw new Error('the purge is stored, but the WAL could not be emptied (the database stayed busy)');
}

// Every write transaction begins IMMEDIATE (the write lock first): one that began by reading (the
// epoch, the last receipt time) could not take the write lock while the checkpointer held it for
// a RESTART, and failed at once with "database is locked" instead of waiting its turn.
parentPort.on('message', (m) => {
  try {
    let result = null;
    if (m.op === 'append') result = append.immediate(m.batch, m.at);
    else if (m.op === 'compact') compact.immediate(m.docName, m.snapshot, m.uptoSeq);
    else if (m.op === 'health') writeHealth.run(m.at);
    else if (m.op === 'replace') {
      result = replace.immediate(m.docName, m.state, m.epoch, m.at);
      scrub();
    } else if (m.op === 'deleteRecords') {
      result = deleteRecords.immediate(m.kind, m.ids);
      if (result > 0) scrub();
    } else if (m.op === 'redactAudit') {
      result = redact.immediate(m.terms, m.replacement);
      if (result > 0) scrub();
    }
    else if (m.op === 'summaries') saveSummaries.immediate(m.entries);
    else if (m.op === 'close') db.close();
    else throw new Error(`unknown operation ${m.op}`);
    parentPort.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
}
