// One path from a replica to one sync server: the city's, or a shelter box's. Every client of the
// protocol runs this one engine (the tablet and HQ through replica.ts, the box's upstream link,
// the deterministic harness), so what it does is done once:
//
// - the URL (v, epoch) and the token in the protocol list (connect.ts);
// - the handshake's order: our sync step 1 when the socket opens; the server's step 1 answered
//   through the owner (which first waits for its local writes, so nothing goes out before it is
//   stored), in frames the server accepts, step 2 first; live updates only after that answer
//   (until then the answer carries them);
// - counting the sync step 2 / update frames sent on each socket, which the server's STORED
//   count refers to (domain/confirmations.ts);
// - reconnecting: a socket that was open and dropped is reopened at once, a failed open backs
//   off 100 ms doubled up to 2.5 s, a fatal close code stops for good, CLOSE.purged is reported
//   and retried (the owner decides whether its copy must go);
// - the watchdog: no message (not even a heartbeat) for the allowed silence means the socket is
//   dead, whatever the network hint says; it is replaced.
//
// The socket factory and the clock are injected: a browser WebSocket, `ws` in Node, or an
// in-memory pair whose every frame a test delivers by hand.
import { CLOSE, DEAD_CONNECTION_MS, FATAL_CLOSE_CODES, MAX_FRAME_BYTES, decodeMessage, encodeMessage, tokenProtocols } from '../protocol';
import type { Clock } from './clock';
import { syncUrl } from './connect';

export type RouteStatus = 'connecting' | 'connected' | 'offline' | 'refused';

/** What the engine needs of a WebSocket: the browser's, `ws`'s, or a test pair's. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url` offering `protocols` (which carry the token). */
export type SocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/** What a route asks of the replica it serves. */
export interface RouteOwner {
  /** Our state vector, sent as sync step 1 as soon as a socket opens. */
  stateVector(): Uint8Array;
  /**
   * What the server lacks (v1 updates, each under `maxBytes` where it can be cut), once everything
   * written locally so far is durable; null when this route sends nothing up (read only).
   */
  answer(serverStateVector: Uint8Array, maxBytes: number): Promise<Uint8Array[] | null>;
  /** An update from the server. Throwing drops the socket (the next handshake brings it again). */
  received(update: Uint8Array): void;
  /** STORED: the server's durable state vector, and how many update frames of `socket` are durable. */
  stored?(stateVector: Uint8Array, durable: number | null, socket: WebSocketLike): void;
  /** UPSTREAM_STORED (from a box): the city's state vector and how many of `socket`'s frames are durable there. */
  upstreamStored?(stateVector: Uint8Array, durable: number, socket: WebSocketLike): void;
  /** The handshake's answer went out on `socket`; its last part was frame `lastFrame` (0: none). */
  answered?(socket: WebSocketLike, lastFrame: number): void;
  status(s: RouteStatus, closeCode?: number, closeReason?: string): void;
}

export interface RouteOptions {
  /** ws(s)://host/sync */
  serverUrl: string;
  docName: string;
  token: string;
  /** The epoch of the local copy at each connect ('' for a copy from before any purge). */
  epoch?: () => string;
  createSocket: SocketFactory;
  clock: Clock;
  /** How long an open socket may stay silent before it is judged dead (read at each check). */
  allowedSilenceMs?: () => number;
  /** How often the watchdog looks. */
  watchdogTickMs?: number;
  /** Where the engine says what went wrong (console.error in a browser, the box's log). */
  log?: (line: string) => void;
}

const OPEN = 1;
/** Room for the message type bytes and the length prefix around an update in a frame. */
const FRAME_HEADER_BYTES = 16;
/** Reconnect backoff: 100 ms doubled per failed attempt, at most this (a flood of tablets
 * reconnecting after a server restart spreads over a few seconds, not minutes). */
export const MAX_BACKOFF_MS = 2_500;

export function backoffMs(failedAttempts: number): number {
  return Math.min(2 ** failedAttempts * 100, MAX_BACKOFF_MS);
}

export class SyncRoute {
  private ws: WebSocketLike | null = null;
  /** False once closed with a fatal code or destroyed: nothing reopens it. */
  private shouldConnect = true;
  /** Failed attempts since the last successful open (drives the backoff and 'offline'). */
  private failedAttempts = 0;
  private lastMessageAt = 0;
  private _status: RouteStatus = 'connecting';
  private reconnectTimer: unknown = null;
  private watchdogTimer: unknown = null;
  /** Our answer to the server's step 1 went out on the current socket: live updates may follow. */
  private answeredOnSocket = false;
  /** Sync step 2 / update frames sent on the current socket (what STORED counts). */
  private framesSent = 0;

  constructor(
    private readonly opts: RouteOptions,
    private readonly owner: RouteOwner,
  ) {}

  /** Opens the first socket and starts the watchdog. */
  start(): this {
    this.open();
    this.armWatchdog();
    return this;
  }

  get status(): RouteStatus {
    return this._status;
  }

  get connected(): boolean {
    return this._status === 'connected' && this.ws?.readyState === OPEN;
  }

  /** The current socket (the identity STORED counts refer to), or null. */
  get socket(): WebSocketLike | null {
    return this.ws;
  }

  /** Our answer to the server's step 1 went out on the current socket (live updates flow). */
  get answered(): boolean {
    return this.answeredOnSocket;
  }

  /** Sync step 2 / update frames sent on the current socket: the numbers STORED counts refer to. */
  get framesOnSocket(): number {
    return this.framesSent;
  }

  /**
   * Sends one live update (v1) if the handshake is done on an open socket; returns its frame
   * number on that socket, or 0 when it was not sent (the next handshake carries it).
   */
  sendUpdate(update: Uint8Array): number {
    if (!this.answeredOnSocket || !this.connected) return 0;
    return this.sendCounted(this.ws!, encodeMessage({ type: 'sync-update', update }));
  }

  /** Replaces the socket now, skipping the backoff (the network came back; a silent socket). */
  reconnectNow(): void {
    if (!this.shouldConnect) return;
    this.failedAttempts = 0;
    this.drop();
    this.open();
  }

  /** Drops the socket as a lost connection would (reopened after the backoff): the owner's store failed. */
  restart(): void {
    if (!this.shouldConnect || !this.ws) return;
    this.drop();
    this.failedAttempts++;
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  /** Stops for good; `code` and `reason` go in the close frame (a box shutting down says so). */
  destroy(code?: number, reason?: string): void {
    this.shouldConnect = false;
    if (this.watchdogTimer !== null) this.opts.clock.clearTimer(this.watchdogTimer);
    this.watchdogTimer = null;
    this.drop(code, reason);
  }

  private setStatus(s: RouteStatus, code?: number, reason?: string): void {
    if (s === this._status && code === undefined) return;
    this._status = s;
    this.owner.status(s, code, reason);
  }

  private sendCounted(ws: WebSocketLike, frame: Uint8Array): number {
    ws.send(frame);
    return ++this.framesSent;
  }

  /** Forgets the current socket without letting its close event schedule anything. */
  private drop(code?: number, reason?: string): void {
    if (this.reconnectTimer !== null) this.opts.clock.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.answeredOnSocket = false;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Not null: closing a socket that is still connecting makes Node's ws emit an error, which
    // with no listener would throw.
    ws.onerror = () => undefined;
    try {
      if (code === undefined) ws.close();
      else ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  private open(): void {
    if (!this.shouldConnect) return;
    this.reconnectTimer = null;
    let ws: WebSocketLike;
    try {
      ws = this.opts.createSocket(syncUrl(this.opts.serverUrl, this.opts.docName, this.opts.epoch?.() ?? ''), tokenProtocols(this.opts.token));
    } catch (e) {
      this.opts.log?.(`sync ${this.opts.docName}: could not open a socket (${(e as Error).message})`);
      this.failedAttempts++;
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.answeredOnSocket = false;
    this.framesSent = 0;
    ws.binaryType = 'arraybuffer';
    this.setStatus(this.failedAttempts === 0 ? 'connecting' : 'offline');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.failedAttempts = 0;
      this.lastMessageAt = this.opts.clock.now();
      this.setStatus('connected');
      ws.send(encodeMessage({ type: 'sync-step1', stateVector: this.owner.stateVector() }));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = this.opts.clock.now();
      const frame = toBytes(ev.data);
      const m = frame && decodeMessage(frame);
      // A message this client does not understand is skipped, as y-websocket clients do: a newer
      // server may add types.
      if (!m?.ok) return;
      const msg = m.value;
      switch (msg.type) {
        case 'sync-step1':
          this.answer(ws, msg.stateVector);
          return;
        case 'sync-step2':
        case 'sync-update':
          try {
            this.owner.received(msg.update);
          } catch (e) {
            this.opts.log?.(`sync ${this.opts.docName}: could not take an update from the server (${(e as Error).message}); reconnecting`);
            this.restart();
          }
          return;
        case 'stored':
          this.owner.stored?.(msg.stateVector, msg.durable, ws);
          return;
        case 'upstream-stored':
          this.owner.upstreamStored?.(msg.stateVector, msg.durable, ws);
          return;
        default:
          // Heartbeats only refresh lastMessageAt; presence (awareness) is not used.
          return;
      }
    };
    ws.onerror = () => undefined; // onclose follows and decides
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.answeredOnSocket = false;
      if (FATAL_CLOSE_CODES.includes(ev.code)) {
        this.shouldConnect = false;
        this.setStatus('refused', ev.code, ev.reason);
        return;
      }
      if (ev.code === CLOSE.purged) {
        // The owner decides: a newer epoch means dropping the copy (which destroys this route, or
        // replaces the copy before the next attempt); an older one is a shelter box that has not
        // heard of the purge yet, and is tried again (with backoff) until it has.
        this.failedAttempts++;
        this.setStatus('refused', ev.code, ev.reason);
        this.scheduleReconnect();
        return;
      }
      // A socket that was open and dropped is retried at once; only failed opens back off.
      if (this._status !== 'connected') this.failedAttempts++;
      this.setStatus('offline');
      this.scheduleReconnect();
    };
  }

  /** The server's step 1 asks for what it lacks: answered once the owner's writes are done, on the socket that asked. */
  private answer(ws: WebSocketLike, serverStateVector: Uint8Array): void {
    this.owner
      .answer(serverStateVector, MAX_FRAME_BYTES - FRAME_HEADER_BYTES)
      .then((parts) => {
        if (this.ws !== ws || !this.connected) return;
        let last = 0;
        // The first part is the step 2 reply; the rest follow as plain updates.
        (parts ?? []).forEach((update, i) => {
          last = this.sendCounted(ws, encodeMessage({ type: i === 0 ? 'sync-step2' : 'sync-update', update }));
        });
        this.answeredOnSocket = true;
        this.owner.answered?.(ws, last);
      })
      .catch((e) => {
        this.opts.log?.(`sync ${this.opts.docName}: could not answer the server (${(e as Error).message}); reconnecting`);
        if (this.ws === ws) this.restart();
      });
  }

  private scheduleReconnect(): void {
    if (!this.shouldConnect || this.reconnectTimer !== null) return;
    this.reconnectTimer = this.opts.clock.setTimer(() => this.open(), backoffMs(this.failedAttempts));
  }

  private armWatchdog(): void {
    if (!this.shouldConnect) return;
    this.watchdogTimer = this.opts.clock.setTimer(() => {
      this.watchdogTimer = null;
      const allowed = this.opts.allowedSilenceMs?.() ?? DEAD_CONNECTION_MS;
      if (this.connected && this.opts.clock.now() - this.lastMessageAt > allowed) this.reconnectNow();
      this.armWatchdog();
    }, this.opts.watchdogTickMs ?? 1_000);
  }
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data; // Node's ws gives a Buffer with binaryType 'nodebuffer'
  return null;
}
