// The one storage interface of the sync server. Everything durable goes through it: document
// updates (an append-only log per document, compacted into a snapshot now and then), the
// tokens issued to devices and their revocation, and a health probe. Three stores implement it:
// SQLite (store/sqlite.ts, the default and the shelter box's), PostgreSQL (store/postgres.ts, for
// several instances sharing one database) and memory (store/memory.ts, for the deterministic
// tests). All three pass one contract suite (test/integration/store-contract.ts), which is why
// every method returns a Promise even though better-sqlite3 itself is synchronous.

export interface AppendEntry {
  docName: string;
  update: Uint8Array;
  /**
   * The epoch of the copy the update was made on ('' when omitted: a document never purged).
   * A store whose document now has another epoch (a purge, possibly by another instance, won the
   * race) refuses the entry: its sequence number is 0 and nothing is stored.
   */
  epoch?: string;
}

export interface StoredSummary {
  docName: string;
  /** The document's last sequence number when the summary was computed. */
  seq: number;
  computedAt: string;
  /** The summary as JSON. */
  data: string;
}

export interface LoadedUpdates {
  /** The snapshot (if compacted) first, then every later update in commit order. */
  updates: Uint8Array[];
  /** Sequence number of the last update (0 when the document has never been written). */
  lastSeq: number;
  /** Updates stored after the snapshot: what compaction would fold away. */
  updatesSinceSnapshot: number;
  /** Server receipt time of the last update, ISO, or null. */
  lastUpdateAt: string | null;
  /** The document's epoch: '' until a purge replaced it (replaceDocument), then that purge's. */
  epoch: string;
}

import type { DeviceRecord } from '../../domain/tokens';

/** What a shared store returns to an instance catching up on a document (see SharedFeed). */
export interface UpdatesSince {
  /** Present when a compaction folded away updates after `afterSeq`: apply it first. */
  snapshot: { data: Uint8Array; uptoSeq: number; lastUpdateAt: string | null; epoch: string } | null;
  /** Every update with seq > max(afterSeq, snapshot.uptoSeq), in sequence order. */
  updates: { seq: number; data: Uint8Array; receivedAt: string | null }[];
}

/** What one instance hears about the others' writes (a doorbell: it carries no data). */
export interface FeedHandlers {
  /** Document `docName` has committed updates up to `seq` (per-document sequence numbers). */
  committed(docName: string, seq: number): void;
  /** Token `jti` was revoked by some instance. */
  revoked(jti: string): void;
  /** The feed was lost and is back: notifications may have been missed, catch up by sequence. */
  reconnected(): void;
}

/**
 * A store several server instances share (PostgreSQL). Its sequence numbers are per document,
 * gap-free and in commit order, so "every update after seq N" is a complete answer.
 */
export interface SharedFeed {
  readSince(docName: string, afterSeq: number): Promise<UpdatesSince>;
  /** readSince for several documents in one read (a burst of rings is caught up in one query). */
  readSinceMany(wants: readonly { docName: string; afterSeq: number }[]): Promise<Map<string, UpdatesSince>>;
  /** Starts listening; resolves once subscribed. The returned function stops it. */
  listen(handlers: FeedHandlers): Promise<() => Promise<void>>;
}

export type { DeviceRecord };

/** One question at the safety-answer desk (安否照会), kept for HQ's audit. */
export interface AuditEntry {
  at: string;
  /** The HQ token that asked, and its device label. */
  jti: string;
  device: string | null;
  /** Who called, as the desk wrote it down. */
  askedBy: string;
  relation: string;
  /** The name asked about. */
  query: string;
  /** How many people were disclosed, and what: "name — shelter (present|left)" lines. */
  answered: number;
  answer: string;
}

/**
 * A small record beside the documents: what the server keeps that is not a Yjs document and
 * never reaches a tablet — push subscriptions, residents' reports, SOS requests, hazard layers,
 * settings, the support list. `kind` names the collection, `id` is unique in it, `grp` is what
 * it is listed and counted by (a district, a state), `data` is JSON.
 */
export interface StoredRecord {
  kind: string;
  id: string;
  grp: string;
  data: string;
  updatedAt: string;
}

export type RecordInput = Omit<StoredRecord, 'updatedAt'>;

/** The documents: an append-only log of updates per document, compacted now and then. */
export interface UpdateLog {
  /** Present on a store that several instances share: how they learn of each other's commits. */
  readonly feed?: SharedFeed;
  /**
   * Appends a batch of updates (possibly to several documents) in ONE transaction and
   * commits it: when the promise resolves every update is durable. Returns one sequence
   * number per entry, in order. All or nothing.
   */
  append(entries: readonly AppendEntry[], receivedAt: Date): Promise<number[]>;
  loadUpdates(docName: string): Promise<LoadedUpdates>;
  /**
   * Replaces the snapshot and every update with seq ≤ uptoSeq by `snapshot`, in one
   * transaction. Updates after uptoSeq stay as they are.
   */
  compact(docName: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>;
  /**
   * Replaces the whole document by `state` (a purge, retention.ts), in one transaction, and
   * makes what was deleted unreadable on disk too (SQLite: VACUUM, and the WAL truncated; a
   * deleted row is otherwise still in the file's free pages). The new snapshot gets a sequence
   * number past every earlier update, which is returned, so other instances catch up on it.
   * `epoch` is kept with the snapshot (compactions keep it) and returned by every load, so no
   * one has to decode a document to learn it.
   */
  replaceDocument(docName: string, state: Uint8Array, epoch: string): Promise<number>;
  /** Names of every document that has a snapshot or an update. */
  listDocs(): Promise<string[]>;
  /** Rows the document currently occupies (snapshot + updates); compaction keeps this bounded. */
  rowCount(docName: string): Promise<number>;
  /** The last sequence number of every stored document. */
  lastSeqs(): Promise<Map<string, number>>;
}

/** The tokens issued to devices, their revocation, and the signing secret of a shared store. */
export interface DeviceStore {
  /**
   * The signing secret kept in the store itself, created once, so that every instance of a
   * shared store signs and verifies with the same key (HINANJO_SECRET overrides it).
   */
  sharedSecret?(): Promise<Uint8Array>;
  recordDevice(record: DeviceRecord): Promise<void>;
  listDevices(): Promise<DeviceRecord[]>;
  /** Marks a token as revoked; false if the jti was never recorded (it is recorded revoked anyway). */
  revoke(jti: string, at: Date): Promise<boolean>;
  isRevoked(jti: string): Promise<boolean>;
  revokedJtis(): Promise<Set<string>>;
}

/** Derived summaries, kept so a restart need not load every document. */
export interface SummaryStore {
  /**
   * Derived summaries (features/derived-layers.ts), each as of a document's sequence number, so a restart can
   * skip loading a document whose summary is current. Not part of the durability promise: a
   * lost summary is recomputed from the document. An older summary never replaces a newer one.
   */
  saveSummaries(entries: readonly StoredSummary[]): Promise<void>;
  loadSummaries(): Promise<StoredSummary[]>;
}

/** The safety-answer desk's audit log. */
export interface AuditStore {
  /** Appends a safety-answer audit entry, durably (the desk's answer waits for it). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Every audit entry, oldest first. */
  listAudit(): Promise<AuditEntry[]>;

  /**
   * Blanks the name asked and the answer of every audit entry that contains one of `terms`
   * (the names of a purged roster); when and who asked stay. Returns how many were redacted.
   */
  redactAudit(terms: readonly string[], replacement: string): Promise<number>;
}

/** Small records of the residents' side (subscriptions, reports, SOS, the support list), by kind and id. */
export interface RecordStore {
  /** Inserts or replaces a record, durably. */
  putRecord(record: RecordInput, at: Date): Promise<void>;
  /**
   * Inserts or replaces many records in one transaction: all or none, one commit (a support list
   * of 10,000 people written one by one would be 10,000 commits, each holding the server).
   */
  putRecords(records: readonly RecordInput[], at: Date): Promise<void>;
  /**
   * Inserts a record unless one with its kind and id exists; true when this call inserted it.
   * Several instances racing for the same id: exactly one gets true (a push is sent once).
   */
  insertRecord(record: RecordInput, at: Date): Promise<boolean>;
  getRecord(kind: string, id: string): Promise<StoredRecord | null>;
  /** The records of a kind (of one group when given), by id. */
  listRecords(kind: string, grp?: string): Promise<StoredRecord[]>;
  /** How many records of a kind each group has, for the groups starting with `grpPrefix`. */
  countRecords(kind: string, grpPrefix?: string): Promise<Map<string, number>>;
  /**
   * Deletes records; with `erase`, also from the file's free pages (SQLite VACUUM): personal data
   * (an SOS, the support list) is gone from every byte. Returns how many were deleted.
   */
  deleteRecords(kind: string, ids: readonly string[] | 'all', opts?: { erase?: boolean }): Promise<number>;
}

/**
 * Everything durable, in one store: each part above is an interface of its own, so a module
 * that needs only one (the writer the log, auth the devices) says so in its types.
 */
export interface DocStore extends UpdateLog, DeviceStore, SummaryStore, AuditStore, RecordStore {
  /** Writes and commits a probe row: resolves only when the store is writable. */
  healthCheck(now: Date): Promise<void>;
  close(): Promise<void>;
}
