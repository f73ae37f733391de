// What a replica keeps on its device (replica.ts): the document's updates, its own changes not
// yet confirmed by the city (and whether a shelter box has them), and a few remembered values.
// The tablet keeps it in IndexedDB through Dexie (web/lib/sync/local-store.ts); the deterministic
// harness keeps it in memory (memory-log.ts). Both follow the rules below, so the fuzz runs the
// tablet's bookkeeping, not a copy of it.
import { isConfirmed } from '../confirmations';

/**
 * A local change: confirmed once the server's stored state vector has clock ≥ this for client.
 * A delete-only change (deleteOnly) adds no clock, so no state vector can confirm it: it is
 * confirmed by id, from the STORED count of the socket that carried it (domain/confirmations.ts).
 */
export interface PendingRow {
  id?: number;
  docName: string;
  client: number;
  clock: number;
  deleteOnly?: boolean;
  /** Records the change touched (pending-records.ts); rows written before this field count 1. */
  records?: number;
  /** A shelter box has confirmed storing it (the middle tier); the row stays until the city does. */
  atBox?: boolean;
}

/** Unconfirmed records: not yet at the city (`pending`), and of those, not even in a box (`local`). */
export interface PendingCounts {
  pending: number;
  local: number;
}

/** An update to persist (v2 encoding); `pending` for local changes (this client's clock after the change). */
export interface UpdateToStore {
  update: Uint8Array;
  pending: { client: number; clock: number; deleteOnly?: boolean; records?: number } | null;
}

export interface LoadedDoc {
  updates: Uint8Array[];
  pending: PendingCounts;
  /** Ids of the delete-only pending rows; each one's deletion is in `updates`. */
  deleteOnly: number[];
}

export interface LocalLog {
  /** A document's updates, its pending counts and delete-only rows, read as one consistent view. */
  load(docName: string): Promise<LoadedDoc>;
  /** Persists a batch atomically (all or none); returns each entry's pending-row id (null: none). */
  append(docName: string, batch: readonly UpdateToStore[]): Promise<(number | null)[]>;
  countUpdates(docName: string): Promise<number>;
  /** Replaces the document's stored updates by one snapshot built from the stored rows, atomically. */
  compact(docName: string): Promise<void>;
  /** Deletes the rows the city's state vector (or its count, `deletesStored`) confirms; returns what remains. */
  confirm(docName: string, stored: ReadonlyMap<number, number>, deletesStored: ReadonlySet<number>): Promise<PendingCounts>;
  /** Marks the rows a shelter box confirmed (same rules as confirm); they stay pending for the city. */
  markAtBox(docName: string, stored: ReadonlyMap<number, number>, deletesStored: ReadonlySet<number>): Promise<PendingCounts>;
  readMeta(key: string): Promise<string | null>;
  writeMeta(key: string, value: string): Promise<void>;
}

/** Above this many rows a document's updates are merged into one snapshot row. */
export const COMPACT_AFTER_ROWS = 200;

/** What the sync indicator counts: records, not rows. */
export function pendingRecords(rows: readonly PendingRow[]): number {
  return rows.reduce((n, r) => n + (r.records ?? 1), 0);
}

export function pendingCounts(rows: readonly PendingRow[]): PendingCounts {
  return { pending: pendingRecords(rows), local: pendingRecords(rows.filter((r) => !r.atBox)) };
}

/** Is this row confirmed by a stored state vector and the delete-only rows a STORED count covers? */
export function rowConfirmed(r: PendingRow, stored: ReadonlyMap<number, number>, deletesStored: ReadonlySet<number>): boolean {
  return isConfirmed({ id: r.id as number, client: r.client, clock: r.clock, deleteOnly: r.deleteOnly }, stored, deletesStored);
}
