// The server's sync core without sockets, in the manner of tldraw's TestSocketPair: the real
// SyncService, DocRegistry and UpdateWriter over the in-memory store, and in-memory connections
// whose frames wait in queues until the test delivers them, in an order its seed decides. The
// writer commits only when the test says (commit()). Each step is awaited to the end, so one
// seed gives one transcript: a failing seed replays exactly.
import { createHash, type Hash } from 'node:crypto';
import * as Y from 'yjs';
import { parseConnectRequest } from '../../domain/sync/connect';
import type { SocketFactory, WebSocketLike } from '../../domain/sync/route';
import type { Clock } from '../../domain/sync/clock';
import { issueToken, keysFromSecret, type TokenKeys } from '../../sync-server/core/auth';
import { DocRegistry } from '../../sync-server/core/registry';
import { Metrics } from '../../sync-server/core/metrics';
import { SerialQueue } from '../../sync-server/core/serial';
import { MemoryData, openMemoryStore } from '../../sync-server/store/memory';
import { PeerFeed } from '../../sync-server/cluster/peer-feed';
import type { DocStore } from '../../sync-server/store/types';
import { DEFAULT_SYNC_OPTIONS, SyncService, type SyncConnection, type SyncTransport } from '../../sync-server/core/sync-service';
import { UpdateWriter } from '../../sync-server/core/writer';
import type { Role } from '../../domain/tokens';
import { describeMessage, type ClientSocket } from './yclient';

type Frame = Uint8Array | { close: number; reason: string };

/** One in-memory connection: a queue each way, delivered one frame at a time by the core. */
export class SocketPair {
  readonly toServer: Frame[] = [];
  readonly toClient: Frame[] = [];
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  conn: SyncConnection | null = null;
  private readonly openFns: (() => void)[] = [];
  private readonly messageFns: ((f: Uint8Array) => void)[] = [];
  private readonly closeFns: ((code: number, reason: string) => void)[] = [];
  private clientClosed = false;

  /** The client's end (YClientOptions.socket). */
  readonly client: ClientSocket;
  /** The same end as the sync engine's WebSocket (domain/sync/route.ts). */
  readonly webSocket: WebSocketLike;
  /** The server's end (what SyncService.open gets). */
  readonly server: SyncTransport;

  constructor(
    readonly id: number,
    readonly url: URL,
    private readonly core: SyncCore,
    /** The protocols the client offered (the engine's carry its token). */
    readonly protocols: string[] = [],
  ) {
    const pair = this;
    this.client = {
      get isOpen() {
        return pair.state === 'open';
      },
      send: (frame) => {
        if (this.state === 'open') this.toServer.push(frame);
      },
      close: () => {
        if (this.state === 'closed') return this.fireClose(1000, '');
        this.toServer.push({ close: 1000, reason: '' });
      },
      terminate: () => this.drop(),
      onOpen: (fn) => void this.openFns.push(fn),
      onMessage: (fn) => void this.messageFns.push(fn),
      onClose: (fn) => {
        if (this.clientClosed) queueMicrotask(() => fn(1006, ''));
        else this.closeFns.push(fn);
      },
    };
    const ws: WebSocketLike = {
      binaryType: 'arraybuffer',
      get readyState() {
        return pair.state === 'connecting' ? 0 : pair.state === 'open' ? 1 : 3;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send: (frame) => pair.client.send(frame),
      close: () => pair.client.close(),
    };
    this.webSocket = ws;
    this.openFns.push(() => ws.onopen?.({}));
    this.messageFns.push((frame) => ws.onmessage?.({ data: frame }));
    this.closeFns.push((code, reason) => ws.onclose?.({ code, reason }));
    this.server = {
      send: (frame) => {
        if (this.state === 'open') this.toClient.push(frame);
      },
      close: (code, reason) => {
        if (this.state === 'closed') return;
        // Frames sent before the close arrive before it, as on a WebSocket.
        this.toClient.push({ close: code, reason });
        this.state = 'closed';
        this.core.detach(this);
      },
      terminate: () => this.drop(),
      ping: () => undefined,
      get open() {
        return pair.state === 'open';
      },
    };
  }

  /** The upgrade completed: the client hears "open", the server checks the token and the document. */
  async open(): Promise<void> {
    this.state = 'open';
    for (const fn of this.openFns) fn();
    // Read as the server reads an upgrade (one parser: epoch and the protocol-list token included).
    const req = parseConnectRequest(this.url.pathname + this.url.search, this.protocols.join(', '));
    if (!req) throw new Error(`not a sync URL: ${this.url}`);
    this.conn = await this.core.sync.open(this.server, req);
  }

  /** Delivers the next frame in one direction; false when there is none to deliver yet. */
  deliver(direction: 'toServer' | 'toClient'): boolean {
    const queue = this[direction];
    if (queue.length === 0) return false;
    if (direction === 'toServer' && !this.conn) return false; // the server reads once the connection is set up
    const f = queue.shift()!;
    if (direction === 'toServer') {
      if (f instanceof Uint8Array) {
        this.core.record(`c${this.id} -> server`, f);
        this.core.log.push(`${this.core.name}: c${this.id} -> server | ${describeMessage(f)}`);
        this.conn!.receive(f);
      } else {
        this.core.log.push(`${this.core.name}: c${this.id} -> server | CLOSE ${f.close}`);
        this.state = 'closed';
        this.toClient.length = 0;
        this.core.detach(this);
        this.fireClose(f.close, f.reason);
      }
    } else if (f instanceof Uint8Array) {
      this.core.record(`server -> c${this.id}`, f);
      this.core.log.push(`${this.core.name}: server -> c${this.id} | ${describeMessage(f)}`);
      for (const fn of this.messageFns) fn(f);
    } else {
      this.core.log.push(`${this.core.name}: server -> c${this.id} | CLOSE ${f.close} ${f.reason}`);
      this.fireClose(f.close, f.reason);
    }
    return true;
  }

  /** The connection is gone at once, both ways (a cut cable). */
  drop(): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.core.detach(this);
    }
    this.toServer.length = 0;
    this.toClient.length = 0;
    this.fireClose(1006, '');
  }

  private fireClose(code: number, reason: string): void {
    if (this.clientClosed) return;
    this.clientClosed = true;
    for (const fn of this.closeFns.splice(0)) fn(code, reason);
  }

  get idle(): boolean {
    return this.toClient.length === 0 && (this.toServer.length === 0 || !this.conn);
  }
}

/** The server's sync core on the in-memory store, with a writer that commits when told to. */
export class SyncCore {
  readonly data: MemoryData;
  readonly store: DocStore;
  /** With a shared store: how this instance follows the others (the product's PeerFeed). */
  readonly peers: PeerFeed | null = null;
  readonly keys: TokenKeys = keysFromSecret(new TextEncoder().encode('deterministic-test-secret-0123456789abcdef'));
  readonly metrics = new Metrics();
  readonly registry: DocRegistry;
  readonly writer: UpdateWriter;
  readonly sync: SyncService;
  readonly pairs: SocketPair[] = [];
  /** Every frame delivered, readably: two runs of one seed must produce the same. */
  readonly log: string[];
  /** A hash of every frame delivered, byte for byte, with its direction. */
  private readonly hash: Hash = createHash('sha256');
  private readonly scheduled: (() => void)[] = [];
  private ownTime = Date.parse('2026-12-01T00:00:00Z');
  /** The core's time: its own (moved by tick) or the world's clock, shared with every client. */
  private readonly nowMs: () => number;
  readonly name: string;

  /** `log`: a transcript shared by several cores (a box and its city), so their frames interleave in it. */
  /** `shared`: one instance of several on one MemoryData, with the doorbell feed (start() subscribes). */
  constructor(opts: { compactThreshold?: number; name?: string; log?: string[]; now?: () => number; clock?: Clock; shared?: MemoryData } = {}) {
    this.name = opts.name ?? 'server';
    this.nowMs = opts.now ?? (() => this.ownTime);
    this.data = opts.shared ?? new MemoryData();
    this.data.now = () => new Date(this.nowMs());
    this.store = openMemoryStore(this.data, { shared: opts.shared !== undefined });
    this.log = opts.log ?? [];
    this.data.holdAppends = true;
    const clock = () => new Date(this.nowMs());
    const queue = new SerialQueue();
    // On a world's clock the registry unloads and cools documents as the server does, when the
    // seed moves time; on its own, never.
    this.registry = new DocRegistry(this.store, queue, this.metrics, {
      unloadGraceMs: opts.clock ? 5_000 : 1e9,
      compactThreshold: opts.compactThreshold ?? 20,
      coolAfterMs: opts.clock ? 2_000 : 1e9,
      clock: opts.clock,
      // As the city server does: a shelter that only gains people is held encoded (registry.ts).
      encodeBusyShelters: true,
    });
    this.writer = new UpdateWriter(this.store, this.registry, queue, this.metrics, clock, (run) => void this.scheduled.push(run));
    this.sync = new SyncService(
      { keys: this.keys, store: this.store, registry: this.registry, writer: this.writer, metrics: this.metrics, clock, now: this.nowMs, timers: opts.clock },
      // The product's limits and, on a world's clock, its heartbeat; on its own clock no heartbeat.
      { ...DEFAULT_SYNC_OPTIONS, ...(opts.clock ? {} : { heartbeatMs: 3_600_000 }) },
    );
    if (opts.shared) this.peers = new PeerFeed({ store: this.store, registry: this.registry, sync: this.sync }, { catchUpEveryMs: null });
  }

  /** Subscribes to the shared store's doorbell (instances on a shared store only). */
  async start(): Promise<void> {
    await this.peers?.start();
  }

  async token(role: Role, shelter?: string): Promise<string> {
    const r = await issueToken(this.keys, this.store, { role, shelter, ttlSeconds: 3600 }, new Date(this.nowMs()));
    if (!r.ok) throw new Error(r.error);
    return r.value.token;
  }

  record(direction: string, frame: Uint8Array): void {
    this.hash.update(`${this.name}|${direction}|${frame.byteLength}|`);
    this.hash.update(frame);
  }

  /** The hash of every frame delivered so far (two runs of one seed give the same). */
  frameHash(): string {
    return this.hash.copy().digest('hex');
  }

  /** The sync engine's socket factory: each socket is a pair that opens on the next openPending(). */
  readonly connect: SocketFactory = (url, protocols) => {
    const pair = new SocketPair(this.pairs.length, new URL(url), this, protocols);
    this.pairs.push(pair);
    return pair.webSocket;
  };

  /** YClientOptions.socket: each connect() makes a pair that opens on the next openPending(). */
  readonly socket = (url: string, protocols: string[] = []): ClientSocket => {
    const pair = new SocketPair(this.pairs.length, new URL(url), this, protocols);
    this.pairs.push(pair);
    return pair.client;
  };

  /** Opens every pair still connecting, in the order they were made. */
  async openPending(): Promise<void> {
    for (const p of this.pairs) if (p.state === 'connecting') await p.open();
  }

  /** The writer starts its batch: the append is in flight, held until finishCommit(). */
  beginCommit(): void {
    for (const run of this.scheduled.splice(0)) run();
  }

  /** The held append commits; the batch is applied, forwarded and confirmed (frames queued). */
  async finishCommit(): Promise<void> {
    if (!this.writer.busy) return;
    // The batch reaches the store a few promise hops after it starts: release it once it waits.
    for (let i = 0; i < 1_000 && !this.data.releaseAppends(); i++) await Promise.resolve();
    // With a shared store the batch may first wait for a catch-up (which yields to the event
    // loop): keep releasing until the writer is idle.
    let settled = false;
    const done = this.writer.settled().then(() => (settled = true));
    for (let i = 0; i < 10_000 && !settled; i++) {
      this.data.releaseAppends();
      await new Promise<void>((r) => setImmediate(r));
    }
    await done;
  }

  /** Commits everything accepted so far, batch after batch. */
  async commit(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      this.beginCommit();
      await this.finishCommit();
      if (this.scheduled.length === 0 && !this.writer.busy) return;
    }
    throw new Error('the writer did not settle');
  }

  /** Delivers one frame chosen by `rand` among the pairs with something to deliver. */
  deliverOne(rand: () => number): boolean {
    const choices: [SocketPair, 'toServer' | 'toClient'][] = [];
    for (const p of this.pairs) {
      if (p.toServer.length && p.conn) choices.push([p, 'toServer']);
      if (p.toClient.length) choices.push([p, 'toClient']);
    }
    if (choices.length === 0) return false;
    const [p, dir] = choices[Math.floor(rand() * choices.length)];
    return p.deliver(dir);
  }

  /** Delivers and commits until nothing is left anywhere. */
  async quiesce(rand: () => number): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await this.openPending();
      while (this.deliverOne(rand));
      if (this.scheduled.length === 0 && !this.writer.busy && this.pairs.every((p) => p.idle)) return;
      await this.commit();
    }
    throw new Error('the sync core did not settle');
  }

  detach(pair: SocketPair): void {
    if (pair.conn) this.sync.detach(pair.conn);
  }

  tick(ms = 1_000): void {
    this.ownTime += ms;
  }

  /** The document as the store holds it (what a restart would load). */
  async stored(docName: string): Promise<Y.Doc> {
    const doc = new Y.Doc();
    for (const u of (await this.store.loadUpdates(docName)).updates) Y.applyUpdate(doc, u);
    return doc;
  }

  async close(): Promise<void> {
    await this.peers?.stop();
    await this.sync.close();
    await this.registry.unloadAll();
    await this.store.close();
  }
}
