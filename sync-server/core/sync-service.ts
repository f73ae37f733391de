// The sync service: admission (the token verified and the access to the document decided once,
// when a connection opens: sync-server/core/auth.ts), the set of open connections
// (connection.ts), forwarding what the writer committed to every other connection of the
// document, and the heartbeat that also closes expired and revoked tokens. Its WebSocket side is
// ws-endpoint.ts; the wire is domain/protocol.ts (docs/protocol.md).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE, encodeMessage } from '../../domain/protocol';
import { parseDocName } from '../../domain/schema';
import type { ConnectRequest } from '../../domain/sync/connect';
import { accessFor, narrower, verifyToken, type TokenKeys } from './auth';
import { SyncConnection } from './connection';
import type { LiveDoc } from './live-doc';
import type { Metrics } from './metrics';
import type { DocRegistry } from './registry';
import type { DeviceStore } from '../store/types';
import { DEFAULT_SYNC_OPTIONS, type ShelterRegistryCheck, type SyncHooks, type SyncOptions, type SyncTransport } from './sync-options';
import { WriteBudgets } from './write-limits';
import { WsEndpoint } from './ws-endpoint';
import type { Clock } from '../../domain/sync/clock';
import { nodeClock } from './node-clock';
import type { UpdateWriter } from './writer';

export { DEFAULT_SYNC_OPTIONS, SyncConnection };
export type { ShelterRegistryCheck, SyncHooks, SyncOptions };
export type { SyncTransport } from './sync-options';

export class SyncService {
  private readonly endpoint: WsEndpoint;
  private readonly conns = new Set<SyncConnection>();
  private timer: unknown = null;
  private readonly timers: Clock;
  private stopped = false;
  private readonly budgets: WriteBudgets;
  private readonly now: () => number;
  /** Set by the server once the registry is loaded (ShelterRegistryCheck). */
  isRegistered: ShelterRegistryCheck | null = null;
  readonly hooks: SyncHooks[] = [];

  constructor(
    private readonly deps: {
      keys: TokenKeys;
      store: DeviceStore;
      registry: DocRegistry;
      writer: UpdateWriter;
      metrics: Metrics;
      clock: () => Date;
      /** Monotonic milliseconds for rate limits and silence (performance.now; a harness's manual clock). */
      now?: () => number;
      /** The heartbeat's timer (Node's; a deterministic harness's own clock). */
      timers?: Clock;
    },
    private readonly opts: SyncOptions = DEFAULT_SYNC_OPTIONS,
  ) {
    this.endpoint = new WsEndpoint(this);
    this.now = deps.now ?? (() => performance.now());
    this.budgets = new WriteBudgets(opts.limits, this.now);
    deps.registry.on({
      changed: (live, update, origin) => this.forward(live, update, origin),
      replaced: (live, epoch) => this.closeDoc(live.name, CLOSE.purged, `purged:${epoch}`),
    });
    this.timers = deps.timers ?? nodeClock;
    this.scheduleTick();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Handles an HTTP upgrade for /sync/… (ws-endpoint.ts); returns false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.endpoint.handleUpgrade(req, socket, head);
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
    for (const c of live.conns) if (c !== origin) c.send(msg);
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.timer = this.timers.setTimer(() => {
      this.timer = null;
      void this.tick().finally(() => this.scheduleTick());
    }, this.opts.heartbeatMs);
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
    const closing = this.endpoint.close();
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimer(this.timer);
    for (const c of this.conns) c.close(CLOSE.goingAway, 'server shutting down');
    await closing;
  }
}
