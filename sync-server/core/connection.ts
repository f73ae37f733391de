// One sync connection: every frame is checked against the access decided when it opened (admission
// in sync-service.ts). Sync step 2 and updates from a read-only connection are dropped and
// counted. Awareness (presence) is not used by Hinanjo: it is neither stored nor relayed, from
// anyone, and a query for it is answered with no state — a relay of client-chosen states let one
// token build 131k of them and send megabytes to every newcomer. An update is decoded and
// measured before it is accepted (value size, document quota, the token's write budget:
// write-limits.ts), so neither a malformed nor an oversized one reaches the store; accepted
// updates go to the group-commit writer and are applied and forwarded only after the commit. A
// frame that is malformed, too large or part of a flood closes that one connection with a CLOSE
// code; nothing else is affected. STORED tells the client how much of what it sent is durable.
import * as Y from 'yjs';
import { CLOSE, EMPTY_AWARENESS_UPDATE, MAX_FRAME_BYTES, decodeMessage, encodeMessage } from '../../domain/protocol';
import { TokenBucket } from '../../domain/token-bucket';
import type { TokenClaims } from '../../domain/tokens';
import type { Access } from './auth';
import type { Metrics, RejectReason } from './metrics';
import type { DocRegistry } from './registry';
import type { LiveDoc } from './live-doc';
import { serverFieldWritten } from './server-fields';
import type { SyncHooks, SyncOptions, SyncTransport } from './sync-options';
import { largestValueBytes, type WriteBudgets } from './write-limits';
import type { UpdateOrigin, UpdateWriter } from './writer';

class Malformed extends Error {}

const HEARTBEAT_FRAME = encodeMessage({ type: 'heartbeat' });
/** The answer to a query for presence: no state at all. */
const NO_AWARENESS_FRAME = encodeMessage({ type: 'awareness', update: EMPTY_AWARENESS_UPDATE });

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
    const owned = serverFieldWritten(this.live.ref, () => this.live.doc, decoded);
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

  /** How many of this connection's sync step 2 / update frames are durable here. */
  get durableCount(): number {
    return this.updatesDurable;
  }

  /** UPSTREAM_STORED (a box only): what the city confirmed, and how many of our frames that covers. */
  sendUpstreamStored(cityStateVector: Uint8Array, count: number): void {
    this.send(encodeMessage({ type: 'upstream-stored', stateVector: cityStateVector, durable: count }));
  }

  /**
   * STORED: the state vector of what is committed, then how many of this connection's sync
   * step 2 / update messages are durable. The count confirms what a state vector cannot show:
   * a pure deletion has no clock. Clients that only read the state vector ignore it.
   */
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
