// The server's sync core without sockets, in the manner of tldraw's TestSocketPair: the real
// SyncService, DocRegistry and UpdateWriter over the in-memory store, and in-memory connections
// whose frames wait in queues until the test delivers them, in an order its seed decides. The
// writer commits only when the test says (commit()). Each step is awaited to the end, so one
// seed gives one transcript: a failing seed replays exactly.
import * as Y from 'yjs';
import { issueToken, keysFromSecret, type TokenKeys } from '../../sync-server/auth';
import { DocRegistry } from '../../sync-server/docs';
import { Metrics } from '../../sync-server/metrics';
import { SerialQueue } from '../../sync-server/serial';
import { MemoryData, openMemoryStore } from '../../sync-server/store/memory';
import type { DocStore } from '../../sync-server/store/types';
import { DEFAULT_SYNC_OPTIONS, SyncService, type SyncConnection, type SyncTransport } from '../../sync-server/sync';
import { UpdateWriter } from '../../sync-server/writer';
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
  /** The server's end (what SyncService.open gets). */
  readonly server: SyncTransport;

  constructor(
    readonly id: number,
    readonly url: URL,
    private readonly core: SyncCore,
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
    this.conn = await this.core.sync.open(this.server, {
      docName: decodeURIComponent(this.url.pathname.slice('/sync/'.length)),
      token: this.url.searchParams.get('token'),
      version: Number(this.url.searchParams.get('v') ?? '1'),
    });
  }

  /** Delivers the next frame in one direction; false when there is none to deliver yet. */
  deliver(direction: 'toServer' | 'toClient'): boolean {
    const queue = this[direction];
    if (queue.length === 0) return false;
    if (direction === 'toServer' && !this.conn) return false; // the server reads once the connection is set up
    const f = queue.shift()!;
    if (direction === 'toServer') {
      if (f instanceof Uint8Array) {
        this.core.log.push(`c${this.id} -> server | ${describeMessage(f)}`);
        this.conn!.receive(f);
      } else {
        this.core.log.push(`c${this.id} -> server | CLOSE ${f.close}`);
        this.state = 'closed';
        this.toClient.length = 0;
        this.core.detach(this);
        this.fireClose(f.close, f.reason);
      }
    } else if (f instanceof Uint8Array) {
      this.core.log.push(`server -> c${this.id} | ${describeMessage(f)}`);
      for (const fn of this.messageFns) fn(f);
    } else {
      this.core.log.push(`server -> c${this.id} | CLOSE ${f.close} ${f.reason}`);
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
  readonly data = new MemoryData();
  readonly store: DocStore = openMemoryStore(this.data);
  readonly keys: TokenKeys = keysFromSecret(new TextEncoder().encode('deterministic-test-secret-0123456789abcdef'));
  readonly metrics = new Metrics();
  readonly registry: DocRegistry;
  readonly writer: UpdateWriter;
  readonly sync: SyncService;
  readonly pairs: SocketPair[] = [];
  /** Every frame delivered, readably: two runs of one seed must produce the same. */
  readonly log: string[] = [];
  private readonly scheduled: (() => void)[] = [];
  private now = Date.parse('2026-12-01T00:00:00Z');

  constructor(opts: { compactThreshold?: number } = {}) {
    this.data.holdAppends = true;
    const clock = () => new Date(this.now);
    const queue = new SerialQueue();
    this.registry = new DocRegistry(this.store, queue, this.metrics, {
      unloadGraceMs: 1e9,
      compactThreshold: opts.compactThreshold ?? 20,
      coolAfterMs: 1e9,
    });
    this.writer = new UpdateWriter(this.store, this.registry, queue, this.metrics, clock, (run) => void this.scheduled.push(run));
    this.sync = new SyncService(
      { keys: this.keys, store: this.store, registry: this.registry, writer: this.writer, metrics: this.metrics, clock },
      { ...DEFAULT_SYNC_OPTIONS, heartbeatMs: 3_600_000, deadAfterMs: 1e9, rateBurst: 1e9 },
    );
  }

  async token(role: Role, shelter?: string): Promise<string> {
    const r = await issueToken(this.keys, this.store, { role, shelter, ttlSeconds: 3600 }, new Date(this.now));
    if (!r.ok) throw new Error(r.error);
    return r.value.token;
  }

  /** YClientOptions.socket: each connect() makes a pair that opens on the next openPending(). */
  readonly socket = (url: string): ClientSocket => {
    const pair = new SocketPair(this.pairs.length, new URL(url), this);
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
    await this.writer.settled();
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
    this.now += ms;
  }

  /** The document as the store holds it (what a restart would load). */
  async stored(docName: string): Promise<Y.Doc> {
    const doc = new Y.Doc();
    for (const u of (await this.store.loadUpdates(docName)).updates) Y.applyUpdate(doc, u);
    return doc;
  }

  async close(): Promise<void> {
    await this.sync.close();
    await this.registry.unloadAll();
    await this.store.close();
  }
}
