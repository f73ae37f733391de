// One reconnecting WebSocket to a sync server, speaking the wire in domain/protocol.ts: the small
// provider the tablet and HQ own instead of y-websocket's WebsocketProvider.
//
// Why our own: synced-doc.ts must persist every local change before it goes out, answer the
// server's sync step 1 only after the pending IndexedDB writes, split big answers into frames the
// server accepts, read STORED / UPSTREAM_STORED / HEARTBEAT, and judge a socket dead by its
// silence. With WebsocketProvider that meant replacing its update handler and message handlers
// and reading its private fields (_updateHandler, messageHandlers, wsconnected,
// wsLastMessageReceived), which any minor release may rename. What is left of a provider once
// those are ours is this: open, say our state vector, hand messages over, back off and reopen.
//
// The socket does not touch the Y.Doc: the owner decides what to do with each message (it passes
// the socket itself as the transaction origin, so its own update handler can tell remote from
// local). The WebSocket constructor and the timer are injectable for tests in Node.
import { CLOSE, FATAL_CLOSE_CODES, PROTOCOL_VERSION, type WireMessage, decodeMessage, encodeMessage, tokenProtocols } from '../../domain/protocol';

export type SocketStatus = 'connecting' | 'connected' | 'offline' | 'refused';

/** What the socket needs of a WebSocket: the browser's, or `ws` in Node tests. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number): void;
}

export interface SyncSocketHandlers {
  /** Our state vector, sent as sync step 1 as soon as the socket opens. */
  stateVector(): Uint8Array;
  /** Every decoded message, with the socket it came on (the answer must go back on that one). */
  message(m: WireMessage, ws: WebSocketLike): void;
  /** The status changed (see SyncSocket.status). */
  status(s: SocketStatus, closeCode?: number, closeReason?: string): void;
}

export interface SyncSocketOptions {
  /** ws(s)://host/sync */
  serverUrl: string;
  docName: string;
  token: string;
  /** The epoch of the local copy (retention.ts); '' or absent for a copy from before any purge. */
  epoch?: string;
  /** Opens a socket to `url` offering `protocols` (which carry the token). */
  createSocket?: (url: string, protocols: string[]) => WebSocketLike;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

const OPEN = 1;
/** Reconnect backoff: 100 ms doubled per failed attempt, at most this (a flood of tablets
 * reconnecting after a server restart spreads over a few seconds, not minutes). */
export const MAX_BACKOFF_MS = 2_500;

export function backoffMs(failedAttempts: number): number {
  return Math.min(2 ** failedAttempts * 100, MAX_BACKOFF_MS);
}

export class SyncSocket {
  ws: WebSocketLike | null = null;
  /** False once closed with a fatal code or destroyed: nothing reopens it. */
  shouldConnect = true;
  /** Failed attempts since the last successful open (drives the backoff and 'offline'). */
  failedAttempts = 0;
  /** When the last message arrived (the watchdog's measure of a live socket). */
  lastMessageAt = 0;
  private _status: SocketStatus = 'connecting';
  private timer: unknown = null;
  private readonly url: string;
  private readonly createSocket: (url: string, protocols: string[]) => WebSocketLike;
  private readonly protocols: string[];
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(opts: SyncSocketOptions, private readonly handlers: SyncSocketHandlers) {
    // The token rides in the protocol list, never in the URL (which shows in every console error).
    const params = new URLSearchParams({ v: String(PROTOCOL_VERSION) });
    if (opts.epoch) params.set('epoch', opts.epoch);
    this.url = `${opts.serverUrl.replace(/\/$/, '')}/${encodeURIComponent(opts.docName)}?${params}`;
    this.protocols = tokenProtocols(opts.token);
    this.createSocket = opts.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
    this.now = opts.now ?? Date.now;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    this.open();
  }

  get status(): SocketStatus {
    return this._status;
  }

  get connected(): boolean {
    return this._status === 'connected' && this.ws?.readyState === OPEN;
  }

  /** Sends on the current socket if it is open; false otherwise (the next handshake covers it). */
  send(frame: Uint8Array): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN || this._status !== 'connected') return false;
    ws.send(frame);
    return true;
  }

  /** Closes the socket and opens a new one now, skipping the backoff (unless refused). */
  reconnectNow(): void {
    if (!this.shouldConnect) return;
    this.failedAttempts = 0;
    this.drop();
    this.open();
  }

  destroy(): void {
    this.shouldConnect = false;
    this.drop();
  }

  private setStatus(s: SocketStatus, code?: number, reason?: string): void {
    if (s === this._status && code === undefined) return;
    this._status = s;
    this.handlers.status(s, code, reason);
  }

  /** Forgets the current socket without letting its close event schedule anything. */
  private drop(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
  }

  private open(): void {
    if (!this.shouldConnect) return;
    this.timer = null;
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(this.url, this.protocols);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    this.setStatus(this.failedAttempts === 0 ? 'connecting' : 'offline');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.failedAttempts = 0;
      this.lastMessageAt = this.now();
      this.setStatus('connected');
      ws.send(encodeMessage({ type: 'sync-step1', stateVector: this.handlers.stateVector() }));
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = this.now();
      const frame = toBytes(ev.data);
      const m = frame && decodeMessage(frame);
      // A message this client does not understand is skipped, as y-websocket clients do: a newer
      // server may add types.
      if (m?.ok) this.handlers.message(m.value, ws);
    };
    ws.onerror = () => undefined; // onclose follows and decides
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (FATAL_CLOSE_CODES.includes(ev.code)) {
        this.shouldConnect = false;
        this.setStatus('refused', ev.code, ev.reason);
        return;
      }
      if (ev.code === CLOSE.purged) {
        // The owner decides (synced-doc.ts): a newer epoch means dropping the copy, which
        // destroys this socket; an older one is a shelter box that has not heard of the purge
        // yet, and is tried again (with backoff) until it has.
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

  private scheduleReconnect(): void {
    if (!this.shouldConnect || this.timer !== null) return;
    this.timer = this.setTimer(() => this.open(), backoffMs(this.failedAttempts));
  }
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data; // Node's ws gives a Buffer with binaryType 'nodebuffer'
  return null;
}
