// What a sync service is told (limits, heartbeat, scope), what it tells others (hooks), and what it
// needs of a socket (SyncTransport): shared by the service (sync-service.ts), its connections
// (connection.ts) and the WebSocket endpoint (ws-endpoint.ts).
import { HEARTBEAT_INTERVAL_MS, MAX_SOCKETS_PER_TOKEN } from '../../domain/protocol';
import type { DocRef } from '../../domain/schema';
import type { TokenClaims } from '../../domain/tokens';
import type { Access } from './auth';
import type { SyncConnection } from './connection';
import { type WriteLimits, DEFAULT_WRITE_LIMITS } from './write-limits';

export interface SyncOptions {
  /** Token bucket per connection: burst size and sustained messages per second. */
  rateBurst: number;
  ratePerSecond: number;
  heartbeatMs: number;
  /** Silence (no message, no pong) after which a connection is considered dead and dropped. */
  deadAfterMs: number;
  limits: WriteLimits;
  maxSocketsPerToken: Record<TokenClaims['role'], number>;
  /**
   * What this server lets any token do on a document, whatever the token allows: a shelter box
   * serves its one shelter (write) and hq (read) and nothing else.
   */
  scope?: (doc: DocRef) => Access;
}

/**
 * Whether a shelter is in the city's registry (the hq document). A staff or box token names its
 * shelter; one for a shelter that is not registered (deleted since, or never) is refused, or its
 * document would show up in HQ's overview and safety answers. Absent on a shelter box, which may
 * not have the registry yet (the city refuses such a token when the box relays it).
 */
export type ShelterRegistryCheck = (shelterId: string) => boolean;

/** Lets a shelter box follow its tablets' confirmations (box/upstream-link.ts). */
export interface SyncHooks {
  /** A connection opened on a document (after its first STORED). */
  opened?(conn: SyncConnection): void;
  /** `conn.durableCount` grew: that many of its frames are now durable here. */
  durable?(conn: SyncConnection): void;
  closed?(conn: SyncConnection): void;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  rateBurst: 1_000,
  ratePerSecond: 300,
  heartbeatMs: HEARTBEAT_INTERVAL_MS,
  deadAfterMs: 30_000,
  limits: DEFAULT_WRITE_LIMITS,
  maxSocketsPerToken: MAX_SOCKETS_PER_TOKEN,
};

/**
 * What a sync connection needs of its socket. The server wraps a `ws` WebSocket in one
 * (wsTransport); tests drive connections over in-memory pairs whose delivery they control
 * (test/helpers/socket-pair.ts), so the sync rules run without sockets and a seed replays exactly.
 */
export interface SyncTransport {
  /** Sends one frame; a failed send ends the transport. */
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close handshake (a dead peer). */
  terminate(): void;
  /** Asks the peer for a sign of life (a WebSocket ping); the answer calls SyncConnection.heard(). */
  ping(): void;
  readonly open: boolean;
}
