// The wire, in one place: constants, limits and close codes shared by the sync server, the
// shelter box and every client, and the encoder, decoder and transcript of every message type.
// The y-websocket protocol uses message types 0 (sync), 1 (awareness), 2 (auth) and 3 (query
// awareness); Hinanjo adds three server-to-client types (100–102). A client that does not know
// them may ignore them.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type Result, err, ok } from './result';

/**
 * STORED: the server's state vector (Y.encodeStateVector, as a varUint8Array after the type)
 * taken right after a commit to durable storage, then a varUint: how many of this connection's
 * sync step-2 and update frames are durably stored. Every update covered by the state vector is
 * on disk, so a client counts a local change as confirmed once its (clientID, clock) is covered;
 * a change that only deletes adds no clock and is confirmed by the count instead.
 * Sent to a client after the initial sync and after each commit that contains its updates.
 */
export const MESSAGE_STORED = 100;

/** HEARTBEAT: empty, sent by the server every HEARTBEAT_INTERVAL_MS to every connection. */
export const MESSAGE_HEARTBEAT = 101;

/**
 * UPSTREAM_STORED: sent by a shelter box to its tablets. The city's state vector as the city last
 * confirmed it to the box (a varUint8Array), then a varUint: how many of this connection's sync
 * step-2 and update frames are durably stored at the city (not only in the box). Same shape as
 * STORED; a change counts as "saved at the city" only when this (or a STORED from the city
 * itself) covers it.
 */
export const MESSAGE_UPSTREAM_STORED = 102;

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A client that has heard nothing for this long treats the socket as dead and reconnects. */
export const DEAD_CONNECTION_MS = 12_000;

/** Largest WebSocket frame the server accepts; bigger frames close the connection (4413). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** WebSocket close codes used by the server (4000–4999 is the application range). */
export const CLOSE = {
  malformed: 4400,
  unauthorized: 4401, // missing, invalid or expired token
  forbidden: 4403, // valid token, but not for this document
  unknownDoc: 4404,
  /** HQ revoked this device: the tablet wipes its local copy and its token. */
  revoked: 4410,
  tooLarge: 4413, // a frame, or one value inside an update, over its limit
  /** The document reached its size quota: nothing more is accepted into it. */
  docQuota: 4414,
  flood: 4429,
  /** The token wrote more bytes than its budget allows; it may reconnect and retry later. */
  writeBudget: 4430,
  /** The token already has MAX_SOCKETS_PER_TOKEN sockets open. */
  tooManySockets: 4431,
  /**
   * The document was purged (retention.ts) since the client's copy was made: the reason is
   * `purged:<epoch>`; the client drops its copy, remembers the epoch and connects again.
   */
  purged: 4412,
  // Standard codes (RFC 6455) the server sends for its own reasons, named here so no module
  // writes a bare number.
  /** The server (or a shelter box) is shutting down. */
  goingAway: 1001,
  /** A frame over twice MAX_FRAME_BYTES, refused by the WebSocket layer before it is read. */
  messageTooBig: 1009,
  /** The store failed; nothing from this connection was applied. */
  storeFailed: 1011,
  /** The document is being purged right now: try again in a moment (then 4412). */
  tryAgainLater: 1013,
} as const;

/**
 * The token travels in the WebSocket handshake's Sec-WebSocket-Protocol header, not in the URL
 * (a URL ends up in console errors, proxy logs and browser history): the client offers
 * [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + token] and the server selects SUBPROTOCOL. A JWT is made
 * of characters a protocol name may hold. `?token=` still works for older clients and stock
 * y-websocket providers.
 */
export const SUBPROTOCOL = 'hinanjo';
export const TOKEN_PROTOCOL_PREFIX = 'hinanjo.token.';

/** The protocols a client offers to carry `token`. */
export function tokenProtocols(token: string): string[] {
  return [SUBPROTOCOL, TOKEN_PROTOCOL_PREFIX + token];
}

/** The token among the offered protocols (the header's comma-separated list), or null. */
export function tokenFromProtocols(header: string | undefined): string | null {
  for (const p of (header ?? '').split(',')) {
    const v = p.trim();
    if (v.startsWith(TOKEN_PROTOCOL_PREFIX) && v.length > TOKEN_PROTOCOL_PREFIX.length) return v.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** Close codes after which reconnecting with the same token is pointless. */
export const FATAL_CLOSE_CODES: readonly number[] = [CLOSE.unauthorized, CLOSE.forbidden, CLOSE.unknownDoc, CLOSE.revoked];

/**
 * Write limits, so that one token (a stolen or broken tablet) cannot fill the store or a
 * document for everyone. A real shelter document with 10,000 people is a few MB; a single
 * value (a note, a closure geometry) is far below MAX_VALUE_BYTES.
 */
export const MAX_VALUE_BYTES = 256 * 1024;
export const DOC_QUOTA_BYTES = 64 * 1024 * 1024;
/** Per token: a burst (an offline tablet's whole backlog) and a sustained rate after it. */
export const WRITE_BUDGET_BURST_BYTES = 16 * 1024 * 1024;
export const WRITE_BUDGET_BYTES_PER_SECOND = 512 * 1024;
/**
 * Awareness (presence) is not used: servers neither store nor relay it, and answer a query for
 * it with this update of no states (y-protocols' encoding: a varUint count of 0).
 */
export const EMPTY_AWARENESS_UPDATE: Uint8Array = Uint8Array.of(0);
/**
 * A tablet opens two sockets (hq and its shelter) per tab; more than this from one staff token is
 * abuse. An hq token may open every shelter (HQ tools, the load benchmark), hence its larger cap.
 */
export const MAX_SOCKETS_PER_TOKEN = { staff: 16, hq: 1024, box: 16 } as const;

// ---- the wire: every message type, encoded and decoded in one place ---------------------------
// No other module writes or reads message bytes by hand. Each frame is one message: a varUint
// type, then its body.

/** y-websocket's types, and ours. */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/**
 * The protocol version a client speaks, sent as `?v=` on the sync URL. 1: y-websocket with STORED
 * and HEARTBEAT; 2: STORED carries the durable-frame count, and a shelter box sends
 * UPSTREAM_STORED. A server answers every version it knows; absent means 1.
 */
export const PROTOCOL_VERSION = 2;

export type WireMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'stored'; stateVector: Uint8Array; durable: number | null }
  | { type: 'heartbeat' }
  | { type: 'upstream-stored'; stateVector: Uint8Array; durable: number };

export function encodeMessage(m: WireMessage): Uint8Array {
  const e = encoding.createEncoder();
  switch (m.type) {
    case 'sync-step1':
    case 'sync-step2':
    case 'sync-update':
      encoding.writeVarUint(e, MESSAGE_SYNC);
      encoding.writeVarUint(e, m.type === 'sync-step1' ? SYNC_STEP1 : m.type === 'sync-step2' ? SYNC_STEP2 : SYNC_UPDATE);
      encoding.writeVarUint8Array(e, m.type === 'sync-step1' ? m.stateVector : m.update);
      break;
    case 'awareness':
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, m.update);
      break;
    case 'query-awareness':
      encoding.writeVarUint(e, MESSAGE_QUERY_AWARENESS);
      break;
    case 'stored':
      encoding.writeVarUint(e, MESSAGE_STORED);
      encoding.writeVarUint8Array(e, m.stateVector);
      if (m.durable !== null) encoding.writeVarUint(e, m.durable);
      break;
    case 'heartbeat':
      encoding.writeVarUint(e, MESSAGE_HEARTBEAT);
      break;
    case 'upstream-stored':
      encoding.writeVarUint(e, MESSAGE_UPSTREAM_STORED);
      encoding.writeVarUint8Array(e, m.stateVector);
      encoding.writeVarUint(e, m.durable);
      break;
  }
  return encoding.toUint8Array(e);
}

export type WireError = 'empty' | 'truncated' | 'trailing-bytes' | `unknown-type-${number}` | `unknown-sync-${number}`;

/**
 * Decodes one frame strictly: a truncated body, bytes after the body or an unknown type is an
 * error (the server closes that connection with CLOSE.malformed). STORED's count is optional
 * (servers before version 2 did not send it).
 */
export function decodeMessage(buf: Uint8Array): Result<WireMessage, WireError> {
  if (buf.byteLength === 0) return err('empty');
  const d = decoding.createDecoder(buf);
  let m: WireMessage;
  try {
    const type = decoding.readVarUint(d);
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(d);
        const body = decoding.readVarUint8Array(d);
        if (sub === SYNC_STEP1) m = { type: 'sync-step1', stateVector: body };
        else if (sub === SYNC_STEP2) m = { type: 'sync-step2', update: body };
        else if (sub === SYNC_UPDATE) m = { type: 'sync-update', update: body };
        else return err(`unknown-sync-${sub}` as WireError);
        break;
      }
      case MESSAGE_AWARENESS:
        m = { type: 'awareness', update: decoding.readVarUint8Array(d) };
        break;
      case MESSAGE_QUERY_AWARENESS:
        m = { type: 'query-awareness' };
        break;
      case MESSAGE_STORED: {
        const stateVector = decoding.readVarUint8Array(d);
        m = { type: 'stored', stateVector, durable: decoding.hasContent(d) ? decoding.readVarUint(d) : null };
        break;
      }
      case MESSAGE_HEARTBEAT:
        m = { type: 'heartbeat' };
        break;
      case MESSAGE_UPSTREAM_STORED:
        m = { type: 'upstream-stored', stateVector: decoding.readVarUint8Array(d), durable: decoding.readVarUint(d) };
        break;
      default:
        return err(`unknown-type-${type}` as WireError);
    }
  } catch {
    return err('truncated');
  }
  if (decoding.hasContent(d)) return err('trailing-bytes');
  return ok(m);
}

/**
 * One message as a readable transcript line ("SYNC step1 (sv 2 client(s))"), for protocol tests
 * and logs: counts only, never content. `describe` turns a state vector or an update into words.
 */
export function describeMessage(
  buf: Uint8Array,
  describe: { stateVector(sv: Uint8Array): string; update(u: Uint8Array): string },
): string {
  const r = decodeMessage(buf);
  if (!r.ok) return `malformed (${r.error}, ${buf.byteLength} bytes)`;
  const m = r.value;
  switch (m.type) {
    case 'sync-step1':
      return `SYNC step1 (${describe.stateVector(m.stateVector)})`;
    case 'sync-step2':
      return `SYNC step2 (${describe.update(m.update)})`;
    case 'sync-update':
      return `SYNC update (${describe.update(m.update)})`;
    case 'awareness':
      return 'AWARENESS';
    case 'query-awareness':
      return 'QUERY AWARENESS';
    case 'stored':
      return `STORED (${describe.stateVector(m.stateVector)}, durable ${m.durable})`;
    case 'heartbeat':
      return 'HEARTBEAT';
    case 'upstream-stored':
      return `UPSTREAM_STORED (${describe.stateVector(m.stateVector)}, durable ${m.durable})`;
  }
}
