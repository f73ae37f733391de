// A wire-level probe for Node tests, on ws + y-protocols: it connects as the engine does (the URL
// and the token in the protocol list from domain/sync/connect.ts and protocol.ts; the step 2
// answer cut by domain/split-update.ts; the confirmation rules of domain/confirmations.ts), but
// one connection at a time and only when told, so a test can hold back or drop what it sends and
// receives, send raw or malformed frames and awareness, and see every close code. The product's
// own engine (domain/sync/route.ts, replica.ts) is what the deterministic harness runs
// (test/helpers/sync-world.ts); this probe is for the server's side of the wire.
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { DeleteConfirmations, isConfirmed, pendingOf, type PendingChange } from '../../domain/confirmations';
import { MAX_FRAME_BYTES, MESSAGE_HEARTBEAT, decodeMessage, describeMessage as describeWire, encodeMessage, tokenProtocols } from '../../domain/protocol';
import { missingUpdates } from '../../domain/split-update';
import { syncUrl } from '../../domain/sync/connect';


export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * The client's end of a connection: a real WebSocket (wsSocket, the default) or an in-memory
 * pair whose delivery a test controls (test/helpers/socket-pair.ts).
 */
export interface ClientSocket {
  readonly isOpen: boolean;
  send(frame: Uint8Array): void;
  /** Closes with a handshake; onClose follows. */
  close(): void;
  /** Drops the connection without a close handshake (a tablet losing its network). */
  terminate(): void;
  onOpen(fn: () => void): void;
  onMessage(fn: (frame: Uint8Array) => void): void;
  onClose(fn: (code: number, reason: string) => void): void;
  /** For failure messages: the connection's state. */
  describe?(): string;
}

export function wsSocket(url: string, protocols: string[] = []): ClientSocket {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => undefined);
  return {
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (frame) => ws.send(frame),
    close: () => ws.close(),
    terminate: () => ws.terminate(),
    onOpen: (fn) => ws.once('open', fn),
    onMessage: (fn) => ws.on('message', (data: Buffer) => fn(new Uint8Array(data))),
    onClose: (fn) => {
      if (ws.readyState === WebSocket.CLOSED) queueMicrotask(() => fn(1006, ''));
      else ws.once('close', (code, reason) => fn(code, reason.toString()));
    },
    describe: () => {
      const sock = (ws as unknown as { _socket: import('node:net').Socket | null })._socket;
      return `readyState ${ws.readyState}, socket ${sock ? (sock.destroyed ? 'destroyed' : 'alive') : 'none'}, close listeners ${ws.listenerCount('close')}`;
    },
  };
}

export interface YClientOptions {
  /** ws://host:port/sync */
  wsUrl: string;
  /** Opens the connection (default: a WebSocket to the URL). */
  socket?: (url: string, protocols: string[]) => ClientSocket;
  docName: string;
  token?: string | null;
  doc?: Y.Doc;
  /** A name for the traffic log. */
  name?: string;
  /** The epoch of this client's copy (after a purge, domain/retention.ts). */
  epoch?: string;
}

/** The test client has one route (its server), where the tablet may have two (city, box). */
const ROUTE = 'server';

export class YClient {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  ws: ClientSocket | null = null;
  /** The server's state vector from its last STORED message. */
  storedSV = new Map<number, number>();
  storedCount = 0;
  /** From a shelter box: the city's state vector and how many of our frames are durable at the city. */
  upstreamSV = new Map<number, number>();
  upstreamDurable = 0;
  /** Update messages sent on the current connection, and how many of them the server says are durable. */
  updatesSent = 0;
  updatesDurable = 0;
  /**
   * This client's own changes not yet confirmed, by the tablet's rules (domain/confirmations.ts):
   * a state vector confirms what moved a clock, the STORED count of the socket that carried it
   * confirms a deletion.
   */
  readonly pending = new Map<number, PendingChange>();
  private readonly deletes = new DeleteConfirmations<ClientSocket>();
  private nextPendingId = 1;
  heartbeats = 0;
  /** Bytes of awareness (presence) frames received: the server should send none worth counting. */
  awarenessBytes = 0;
  synced = false;
  /** Drop what this client sends / receives with this probability (partial delivery). */
  dropOutgoing = 0;
  dropIncoming = 0;
  random: () => number = Math.random;
  lastClose: CloseInfo | null = null;
  /** Readable traffic lines ("tablet -> server | SYNC step1 …"), when a test asks for them. */
  traffic: string[] | null = null;
  private closeWaiters: ((c: CloseInfo) => void)[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly opts: YClientOptions) {
    this.doc = opts.doc ?? new Y.Doc();
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.deletes.addRoute(ROUTE);
    this.doc.on('update', (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => {
      if (origin === this) return;
      const change = { id: this.nextPendingId++, ...pendingOf(doc.clientID, tr.beforeState.get(doc.clientID) ?? 0, Y.getState(doc.store, doc.clientID)) };
      this.pending.set(change.id, change);
      if (change.deleteOnly) this.deletes.added(change.id);
      this.send(encodeMessage({ type: 'sync-update', update }), change.deleteOnly ? change.id : undefined);
    });
  }

  static async connect(opts: YClientOptions): Promise<YClient> {
    const c = new YClient(opts);
    await c.connect();
    return c;
  }

  get name(): string {
    return this.opts.name ?? 'client';
  }

  /** Opens the socket and starts the sync handshake; resolves when the socket is open (or closed first). */
  connect(): Promise<void> {
    this.synced = false;
    this.updatesSent = 0;
    this.updatesDurable = 0;
    const url = syncUrl(this.opts.wsUrl, this.opts.docName, this.opts.epoch ?? '');
    const ws = (this.opts.socket ?? wsSocket)(url, this.opts.token ? tokenProtocols(this.opts.token) : []);
    this.ws = ws;
    ws.onMessage((frame) => {
      if (this.ws !== ws) return;
      if (this.dropIncoming > 0 && this.random() < this.dropIncoming) return;
      this.receive(frame);
    });
    let closed = false;
    ws.onClose((code, reason) => {
      closed = true;
      const info = { code, reason };
      this.lastClose = info;
      if (this.ws === ws) this.ws = null;
      for (const w of this.closeWaiters.splice(0)) w(info);
      this.notify();
    });
    return new Promise((resolve) => {
      ws.onOpen(() => {
        this.sendNow(ws, encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
        resolve();
      });
      ws.onClose(() => resolve());
      if (closed) resolve();
    });
  }

  get connected(): boolean {
    return this.ws?.isOpen ?? false;
  }

  /** Sends raw bytes as one frame (for malformed-frame tests). */
  sendRaw(bytes: Uint8Array | Buffer): void {
    if (this.ws?.isOpen) this.ws.send(bytes);
  }

  setAwareness(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
    this.send(encodeMessage({ type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]) }));
  }

  /**
   * True when every change this client made is known to be stored, by the rules the tablet
   * follows (no pending change left). What it received from the server was stored before it was
   * forwarded.
   */
  allStored(): boolean {
    return this.pending.size === 0;
  }

  /** This client's own changes (its client id) that the city has confirmed, through a box. */
  ownClockAtCity(): number {
    return this.upstreamSV.get(this.doc.clientID) ?? 0;
  }

  whenSynced(timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.synced, 'synced', timeoutMs);
  }

  whenStored(timeoutMs = 10_000): Promise<void> {
    // and every frame of this connection durable: the handshake's step 2 included
    return this.until(() => this.synced && this.allStored() && this.updatesDurable >= this.updatesSent, 'stored', timeoutMs);
  }

  /** Resolves when the server closes (or has closed) the connection. */
  whenClosed(timeoutMs = 10_000): Promise<CloseInfo> {
    if (!this.ws && this.lastClose) return Promise.resolve(this.lastClose);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.name}: not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(t);
        resolve(c);
      });
    });
  }

  until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    try {
      if (cond()) return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      // Checked on every message, and every 10 ms for conditions on the server's side.
      const poll = setInterval(() => check(), 10);
      const t = setTimeout(() => {
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`${this.name}: not ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        // Checked inside the socket's message handler: a condition that throws must fail this
        // wait, not the socket (ws would never finish that frame, nor ever emit 'close').
        let met: boolean;
        try {
          met = cond();
        } catch (e) {
          clearTimeout(t);
          clearInterval(poll);
          this.waiters = this.waiters.filter((w) => w !== check);
          reject(e);
          return;
        }
        if (!met) return;
        clearTimeout(t);
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  disconnect(): Promise<void> {
    const ws = this.ws;
    if (!ws) return Promise.resolve();
    this.ws = null;
    return new Promise((resolve) => {
      // A close handshake the other side never answers must not hold a test: cut after 2 s.
      const t = setTimeout(() => ws.terminate(), 2_000);
      ws.onClose(() => {
        clearTimeout(t);
        resolve();
      });
      ws.close();
    });
  }

  /** Drops the TCP connection without a close handshake (a tablet losing its network). */
  cut(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.terminate();
  }

  destroy(): Promise<void> {
    const p = this.disconnect();
    this.awareness.destroy();
    return p;
  }

  /** Sends a frame; `deleteId`: the delete-only change it carries. */
  private send(msg: Uint8Array, deleteId?: number): number {
    const ws = this.ws;
    if (!ws || !ws.isOpen) return 0;
    if (this.dropOutgoing > 0 && this.random() < this.dropOutgoing) return 0;
    const frame = this.sendNow(ws, msg);
    if (deleteId !== undefined && frame > 0) this.deletes.sentIn(ROUTE, deleteId, ws, frame);
    return frame;
  }

  /** Sends a frame; a sync step 2 or update is counted (its number is returned) so a STORED count can confirm it. */
  private sendNow(ws: ClientSocket, msg: Uint8Array): number {
    this.traffic?.push(`${this.name} -> server | ${describeMessage(msg)}`);
    const m = decodeMessage(msg);
    let frame = 0;
    // The server's STORED count refers to these frames, numbered per connection.
    if (m.ok && (m.value.type === 'sync-step2' || m.value.type === 'sync-update')) frame = ++this.updatesSent;
    ws.send(msg);
    return frame;
  }

  private receive(buf: Uint8Array): void {
    if (this.traffic && buf[0] !== MESSAGE_HEARTBEAT) this.traffic.push(`server -> ${this.name} | ${describeMessage(buf)}`);
    const r = decodeMessage(buf);
    if (!r.ok) return;
    const m = r.value;
    switch (m.type) {
      case 'sync-step1': {
        // In frames the server accepts, step 2 first; every part carries the whole delete set,
        // so every pending deletion travels in the last one.
        const parts = missingUpdates(this.doc, Y.decodeStateVector(m.stateVector), MAX_FRAME_BYTES - 16);
        let frame = 0;
        parts.forEach((update, i) => {
          frame = this.send(encodeMessage({ type: i === 0 ? 'sync-step2' : 'sync-update', update }));
        });
        if (frame > 0 && this.ws) this.deletes.handshakeSent(ROUTE, this.ws, frame);
        break;
      }
      case 'sync-step2':
      case 'sync-update':
        Y.applyUpdate(this.doc, m.update, this);
        if (m.type === 'sync-step2') this.synced = true;
        break;
      case 'awareness':
        this.awarenessBytes += buf.byteLength;
        awarenessProtocol.applyAwarenessUpdate(this.awareness, m.update, this);
        break;
      case 'stored': {
        this.storedSV = Y.decodeStateVector(m.stateVector);
        if (m.durable !== null) this.updatesDurable = m.durable;
        this.storedCount++;
        const deletesStored = this.deletes.covered(ROUTE, this.ws, m.durable ?? 0);
        for (const [id, p] of this.pending) if (isConfirmed(p, this.storedSV, deletesStored)) this.pending.delete(id);
        this.deletes.confirmed(deletesStored);
        break;
      }
      case 'heartbeat':
        this.heartbeats++;
        break;
      case 'upstream-stored':
        this.upstreamSV = Y.decodeStateVector(m.stateVector);
        this.upstreamDurable = m.durable;
        break;
      default:
        break;
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** One message as a readable line (domain/protocol.ts); client ids are random, so only their number is shown. */
export function describeMessage(buf: Uint8Array): string {
  return describeWire(buf, {
    stateVector: (bytes) => `sv ${Y.decodeStateVector(bytes).size} client(s)`,
    update: (bytes) => {
      const u = Y.decodeUpdate(bytes);
      return u.structs.length === 0 && u.ds.clients.size === 0 ? 'empty' : `${u.structs.length} struct(s), ${u.ds.clients.size} delete set(s)`;
    },
  });
}
