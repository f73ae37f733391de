// WS /sync/<docName>[?v=N] with the token in Sec-WebSocket-Protocol (or ?token=T) — the y-websocket protocol (sync and awareness) plus Hinanjo's
// STORED, HEARTBEAT and UPSTREAM_STORED messages, all encoded and decoded by domain/protocol.ts
// (docs/protocol.md).
//
// Per connection: the token is verified and the access to the document decided once, on
// connect; every message is then checked against it. Sync step 2 and updates from a read-only
// connection are dropped and counted. Awareness (presence) is not used by Hinanjo: it is
// neither stored nor relayed, from anyone, and a query for it is answered with no state — a
// relay of client-chosen states let one token build 131k of them and send megabytes to every
// newcomer. An update is decoded and measured before it is accepted (value size, document
// quota, the token's write budget: write-limits.ts), so neither a malformed nor an oversized
// one reaches the store; accepted updates go to the group-commit writer and are applied and
// forwarded only after the commit. A frame that is malformed, too large or part of a flood
// closes that one connection with a CLOSE code; nothing else is affected.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import {
  CLOSE, EMPTY_AWARENESS_UPDATE, HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, MAX_SOCKETS_PER_TOKEN, SUBPROTOCOL, tokenFromProtocols,
  decodeMessage, encodeMessage,
} from '../../domain/protocol';
import { parseDocName, type DocRef } from '../../domain/schema';
import type { TokenClaims } from '../../domain/tokens';
import { accessFor, narrower, verifyToken, type Access, type TokenKeys } from './auth';
import type { DocRegistry, LiveDoc } from './registry';
import type { Metrics, RejectReason } from './metrics';
import type { DocStore } from '../store/types';
import type { UpdateOrigin, UpdateWriter } from './writer';
import { serverFieldWritten } from './server-fields';
import { TokenBucket } from '../../domain/token-bucket';
import { largestValueBytes, WriteBudgets, type WriteLimits, DEFAULT_WRITE_LIMITS } from './write-limits';


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

export function wsTransport(ws: WebSocket): SyncTransport {
  return {
    send(frame) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame, (err) => {
        if (err) ws.terminate();
      });
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    ping: () => ws.ping(),
    get open() {
      return ws.readyState === ws.OPEN;
    },
  };
}

/** What a client asks for when it connects: the document, its token, its protocol version. */
export interface ConnectRequest {
  docName: string;
  token: string | null;
  version: number;
  /**
   * The epoch of the client's copy of the document (?epoch=, retention.ts): absent means a copy
   * from before any purge. A copy from another epoch is refused with CLOSE.purged.
   */
  epoch?: string;
}

class Malformed extends Error {}

const HEARTBEAT_FRAME = encodeMessage({ type: 'heartbeat' });
/** The answer to a query for presence: no state at all. */
const NO_AWARENESS_FRAME = encodeMessage({ type: 'awareness', update: EMPTY_AWARENESS_UPDATE });

export class SyncService {
  readonly wss: WebSocketServer;
  private readonly conns = new Set<SyncConnection>();
  private readonly timer: NodeJS.Timeout;
  private accepting = true;
  private readonly budgets: WriteBudgets;
  private readonly now: () => number;
  /** Set by the server once the registry is loaded (ShelterRegistryCheck). */
  isRegistered: ShelterRegistryCheck | null = null;
  readonly hooks: SyncHooks[] = [];

  constructor(
    private readonly deps: {
      keys: TokenKeys;
      store: DocStore;
      registry: DocRegistry;
      writer: UpdateWriter;
      metrics: Metrics;
      clock: () => Date;
      /** Monotonic milliseconds for rate limits and silence (performance.now; a harness's manual clock). */
      now?: () => number;
    },
    private readonly opts: SyncOptions = DEFAULT_SYNC_OPTIONS,
  ) {
    // ws refuses frames over maxPayload before buffering them (close 1009); frames between
    // MAX_FRAME_BYTES and that hard limit are refused by us with CLOSE.tooLarge.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: 2 * MAX_FRAME_BYTES,
      perMessageDeflate: false,
      // A client that carried its token in the protocol list gets our protocol back (domain/protocol.ts).
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.now = deps.now ?? (() => performance.now());
    this.budgets = new WriteBudgets(opts.limits, this.now);
    deps.registry.on({
      changed: (live, update, origin) => this.forward(live, update, origin),
      replaced: (live, epoch) => this.closeDoc(live.name, CLOSE.purged, `purged:${epoch}`),
    });
    this.timer = setInterval(() => void this.tick(), opts.heartbeatMs);
    this.timer.unref();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Handles an HTTP upgrade for /sync/…; returns false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/sync/')) return false;
    if (!this.accepting) {
      socket.destroy();
      return true;
    }
    // The token: from the protocol header (current clients), else from ?token= (older ones).
    const token = tokenFromProtocols(req.headers['sec-websocket-protocol']) ?? url.searchParams.get('token');
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.accept(ws, url, token).catch((e) => {
        // The store could not be read (or the token checked): refuse this one connection.
        console.error(`sync connection refused: ${(e as Error).message}`);
        ws.close(CLOSE.storeFailed, 'storage unavailable');
      }),
    );
    return true;
  }

  private async accept(ws: WebSocket, url: URL, token: string | null): Promise<void> {
    // Frames may arrive while the token is checked and the document loads: keep them in order.
    const early: RawData[] = [];
    const collect = (d: RawData) => early.push(d);
    ws.on('message', collect);
    ws.on('error', () => ws.terminate());
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice('/sync/'.length));
    } catch {
      docName = '';
    }
    // The client's protocol version (?v=, domain/protocol.ts): absent or unreadable means 1.
    const version = Number(url.searchParams.get('v') ?? '1');
    const epoch = url.searchParams.get('epoch') ?? '';
    const conn = await this.open(wsTransport(ws), { docName, token, version, epoch });
    if (!conn) return;
    ws.off('message', collect);
    ws.on('message', (d: RawData) => conn.receive(toUint8(d)));
    ws.on('pong', () => conn.heard());
    ws.on('close', () => this.detach(conn));
    for (const d of early) conn.receive(toUint8(d));
  }

  /**
   * Opens a sync connection over `transport`: checks the token and the access to the document,
   * loads it, sends our sync step 1. Returns null when refused (the transport is closed with the
   * reason). The caller feeds frames to receive() and calls detach() when the transport closes.
   */
  async open(transport: SyncTransport, req: ConnectRequest): Promise<SyncConnection | null> {
    const { metrics } = this.deps;
    const ref = parseDocName(req.docName);
    if (!ref) {
      metrics.reject('unknown_doc');
      transport.close(CLOSE.unknownDoc, 'unknown document');
      return null;
    }
    const verified = await verifyToken(this.deps.keys, this.deps.store, req.token, this.deps.clock());
    if (!verified.ok) {
      // A revoked device is told so (the tablet wipes itself); expired and invalid are 4401.
      metrics.reject(verified.error === 'revoked' ? 'revoked' : 'unauthorized');
      const why = verified.error === 'legacy' ? 'token signed with the old shared secret: ask HQ for a new enrolment link' : `token ${verified.error}`;
      transport.close(verified.error === 'revoked' ? CLOSE.revoked : CLOSE.unauthorized, why);
      return null;
    }
    const claims = verified.value;
    if (claims.shelter !== undefined && this.isRegistered && !this.isRegistered(claims.shelter)) {
      metrics.reject('forbidden');
      transport.close(CLOSE.forbidden, `shelter ${claims.shelter} is not registered`);
      return null;
    }
    const access = this.opts.scope ? narrower(accessFor(verified.value, ref), this.opts.scope(ref)) : accessFor(verified.value, ref);
    if (access === 'none') {
      metrics.reject('forbidden');
      transport.close(CLOSE.forbidden, 'not allowed on this document');
      return null;
    }
    if (!transport.open) return null;
    let sockets = 0;
    for (const c of this.conns) if (c.claims.jti === verified.value.jti) sockets++;
    if (sockets >= this.opts.maxSocketsPerToken[verified.value.role]) {
      metrics.reject('too_many_sockets');
      transport.close(CLOSE.tooManySockets, 'too many connections for this token');
      return null;
    }
    if (this.deps.registry.replacing.has(req.docName)) {
      // A purge is being written: the client retries in a moment and finds the new epoch.
      transport.close(CLOSE.tryAgainLater, 'document being purged, try again');
      return null;
    }
    const live = await this.deps.registry.acquire(req.docName);
    if (!transport.open) {
      this.deps.registry.release(live);
      return null;
    }
    if ((req.epoch ?? '') !== live.epoch) {
      // The client's copy predates a purge: it must not send the purged content back.
      this.deps.registry.release(live);
      metrics.reject('purged');
      transport.close(CLOSE.purged, `purged:${live.epoch}`);
      return null;
    }
    const conn = new SyncConnection(transport, live, verified.value, access, { ...this.deps, budgets: this.budgets, hooks: this.hooks, now: this.now }, this.opts);
    conn.protocolVersion = Number.isInteger(req.version) && req.version >= 1 ? req.version : 1;
    this.conns.add(conn);
    metrics.connections = this.conns.size;
    conn.start();
    for (const h of this.hooks) h.opened?.(conn);
    return conn;
  }

  /** The transport of `conn` closed (from either side). */
  detach(conn: SyncConnection): void {
    if (!this.conns.delete(conn)) return;
    conn.dispose();
    this.deps.metrics.connections = this.conns.size;
    for (const h of this.hooks) h.closed?.(conn);
  }

  /** Forwards a committed update to every other connection of its document. */
  private forward(live: LiveDoc, update: Uint8Array, origin: unknown): void {
    if (live.conns.size === 0) return;
    const msg = encodeMessage({ type: 'sync-update', update });
    for (const c of live.conns as Set<SyncConnection>) if (c !== origin) c.send(msg);
  }

  /** Heartbeat, dead-connection sweep, and expiry/revocation of tokens already connected. */
  private async tick(): Promise<void> {
    const now = this.deps.clock();
    let revoked: Set<string>;
    try {
      revoked = await this.deps.store.revokedJtis();
    } catch {
      revoked = new Set();
    }
    for (const c of this.conns) c.tick(now, revoked);
  }

  /** Closes every connection that uses token `jti` (HQ revoked a device). */
  closeToken(jti: string): number {
    let n = 0;
    for (const c of this.conns) {
      if (c.claims.jti === jti) {
        c.close(CLOSE.revoked, 'token revoked');
        n++;
      }
    }
    return n;
  }

  /** Closes every connection on document `name` (a purge: CLOSE.purged). */
  closeDoc(name: string, code: number, reason: string): number {
    let n = 0;
    for (const c of this.conns) {
      if (c.live.name === name) {
        c.close(code, reason);
        n++;
      }
    }
    return n;
  }

  /** Shutdown: refuse new connections, close the open ones (clients reconnect to the next process). */
  async close(): Promise<void> {
    this.accepting = false;
    clearInterval(this.timer);
    for (const c of this.conns) c.close(CLOSE.goingAway, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export class SyncConnection implements UpdateOrigin {
  /** Messages per connection (SyncOptions.rateBurst, ratePerSecond). */
  private readonly rate: TokenBucket;
  private lastHeard: number;
  private closed = false;
  readOnlyDropped = 0;
  /** The protocol version the client said it speaks (1 when it did not say). */
  protocolVersion = 1;
  /** Sync step 2 / update messages accepted from this connection, and how many of the first of them are durable. */
  private updatesReceived = 0;
  private updatesDurable = 0;
  private updatesInFlight = 0;
  private reportedDurable = 0;

  constructor(
    private readonly transport: SyncTransport,
    readonly live: LiveDoc,
    readonly claims: TokenClaims,
    readonly access: Access,
    private readonly deps: { registry: DocRegistry; writer: UpdateWriter; metrics: Metrics; budgets: WriteBudgets; hooks: readonly SyncHooks[]; now: () => number },
    private readonly opts: SyncOptions,
  ) {
    this.rate = new TokenBucket(opts.rateBurst, opts.ratePerSecond, deps.now);
    this.lastHeard = deps.now();
  }

  start(): void {
    this.live.conns.add(this);
    // Our step 1 asks the client for what we lack (its offline edits come back as step 2).
    this.send(encodeMessage({ type: 'sync-step1', stateVector: this.live.stateVector() }));
  }

  heard(): void {
    this.lastHeard = this.deps.now();
  }

  receive(buf: Uint8Array): void {
    if (this.closed) return;
    this.heard();
    if (buf.byteLength > MAX_FRAME_BYTES) return this.reject('too_large', CLOSE.tooLarge, 'frame too large');
    if (!this.rate.take()) return this.reject('flood', CLOSE.flood, 'too many messages');
    try {
      this.dispatch(buf);
    } catch (e) {
      // Whatever went wrong with this frame, only this connection pays for it.
      this.reject('malformed', CLOSE.malformed, e instanceof Malformed ? e.message : 'malformed message');
    }
  }

  private dispatch(buf: Uint8Array): void {
    const r = decodeMessage(buf);
    if (!r.ok) throw new Malformed(r.error);
    const m = r.value;
    switch (m.type) {
      case 'sync-step1': {
        Y.decodeStateVector(m.stateVector);
        this.send(encodeMessage({ type: 'sync-step2', update: this.live.diff(m.stateVector) }));
        // The initial sync is done from the server's side: say what is stored.
        this.sendStored();
        return;
      }
      case 'sync-step2':
      case 'sync-update':
        return this.onUpdate(m.update);
      case 'awareness':
        // Dropped from everyone (a stock y-websocket client sends its presence; we keep none).
        this.deps.metrics.reject('awareness');
        return;
      case 'query-awareness':
        this.send(NO_AWARENESS_FRAME);
        return;
      default:
        // STORED, HEARTBEAT and UPSTREAM_STORED only ever go from a server to a client.
        throw new Malformed(`unexpected message ${m.type}`);
    }
  }

  private onUpdate(update: Uint8Array): void {
    if (this.access !== 'write') {
      this.readOnlyDropped++;
      this.deps.metrics.reject('read_only');
      return;
    }
    const decoded = decodeUpdateOrThrow(update);
    this.updatesReceived++;
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) {
      // Nothing new (a client with nothing to send answers step 1 like this): store nothing.
      if (this.updatesInFlight === 0) {
        this.updatesDurable = this.updatesReceived;
        this.sendStored();
      }
      return;
    }
    const owned = serverFieldWritten(this.live.ref, this.live.doc, decoded);
    if (owned) return this.reject('server_field', CLOSE.forbidden, `${owned} is written by the server alone`);
    const limits = this.opts.limits;
    if (largestValueBytes(decoded) > limits.maxValueBytes) {
      return this.reject('value_too_large', CLOSE.tooLarge, `a value is larger than ${limits.maxValueBytes} bytes`);
    }
    if (this.live.approxBytes + update.byteLength > limits.docQuotaBytes) {
      return this.reject('doc_quota', CLOSE.docQuota, 'document is over its size quota');
    }
    if (!this.deps.budgets.take(this.claims.jti, update.byteLength)) {
      return this.reject('write_budget', CLOSE.writeBudget, 'write budget exhausted, retry later');
    }
    this.live.approxBytes += update.byteLength;
    this.updatesInFlight++;
    this.deps.writer.submit(this.live, update, this);
  }

  committed(live: LiveDoc, count: number): void {
    if (this.closed || live !== this.live) return;
    this.updatesInFlight -= count;
    // The writer commits in order, so the earliest in-flight updates are the ones just stored.
    // With nothing left in flight every message received so far is durable (empty ones too).
    this.updatesDurable = this.updatesInFlight === 0 ? this.updatesReceived : this.updatesDurable + count;
    this.sendStored();
  }

  /**
   * STORED: the state vector of what is committed, then how many of this connection's sync
   * step 2 / update messages are durable. The count confirms what a state vector cannot show:
   * a pure deletion has no clock. Clients that only read the state vector ignore it.
   */
  /** How many of this connection's sync step 2 / update frames are durable here. */
  get durableCount(): number {
    return this.updatesDurable;
  }

  /** UPSTREAM_STORED (a box only): what the city confirmed, and how many of our frames that covers. */
  sendUpstreamStored(cityStateVector: Uint8Array, count: number): void {
    this.send(encodeMessage({ type: 'upstream-stored', stateVector: cityStateVector, durable: count }));
  }

  private sendStored(): void {
    if (this.closed) return;
    if (this.updatesDurable > this.reportedDurable) {
      this.reportedDurable = this.updatesDurable;
      for (const h of this.deps.hooks) h.durable?.(this);
    }
    this.send(encodeMessage({ type: 'stored', stateVector: this.live.stateVector(), durable: this.updatesDurable }));
  }

  storeFailed(): void {
    // The client keeps its unconfirmed changes and sends them again after reconnecting.
    this.close(CLOSE.storeFailed, 'storage unavailable');
  }

  tick(now: Date, revoked: Set<string>): void {
    if (this.closed) return;
    if (this.claims.exp * 1000 <= now.getTime()) return this.close(CLOSE.unauthorized, 'token expired');
    if (revoked.has(this.claims.jti)) return this.close(CLOSE.revoked, 'token revoked');
    if (this.deps.now() - this.lastHeard > this.opts.deadAfterMs) {
      this.transport.terminate();
      return;
    }
    this.send(HEARTBEAT_FRAME);
    this.transport.ping();
  }

  send(msg: Uint8Array): void {
    if (this.closed || !this.transport.open) return;
    this.transport.send(msg);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.transport.close(code, reason);
    this.dispose();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.live.conns.delete(this);
    this.deps.registry.release(this.live);
  }

  private reject(reason: RejectReason, code: number, message: string): void {
    this.deps.metrics.reject(reason);
    this.close(code, message);
  }

}


function decodeUpdateOrThrow(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch {
    throw new Malformed('update does not decode');
  }
}

function toUint8(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
