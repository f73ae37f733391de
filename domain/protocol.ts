// Wire-level constants shared by the sync server and every client. The y-websocket protocol
// uses message types 0 (sync), 1 (awareness), 2 (auth) and 3 (query awareness); Hinanjo adds
// two server-to-client types. A client that does not know them may ignore them.

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
} as const;

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
/** Awareness (presence) is small by nature: one state per client, a few per second. */
export const MAX_AWARENESS_BYTES = 4 * 1024;
export const AWARENESS_PER_SECOND = 5;
/**
 * A tablet opens two sockets (hq and its shelter) per tab; more than this from one staff token is
 * abuse. An hq token may open every shelter (HQ tools, the load benchmark), hence its larger cap.
 */
export const MAX_SOCKETS_PER_TOKEN = { staff: 16, hq: 1024, box: 16 } as const;
