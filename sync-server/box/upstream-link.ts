// One document of a shelter box, kept in sync with the city over one WebSocket, as a client of
// the city's server (with the box's token). Everything goes through the box's own durable store:
//
//  - what the city sends is committed to the box's store before it is applied and forwarded to
//    the box's tablets (the box's writer, like any other update);
//  - what the box commits (its tablets' changes) is sent up right after the commit; after any
//    interruption the handshake sends whatever the city lacks (Yjs state vectors), so every
//    stored change reaches the city exactly once in effect, however often the link drops;
//  - the city's STORED tells which of the box's frames the city has made durable. The box turns
//    that into UPSTREAM_STORED for each of its tablets: the city's state vector, and how many of
//    that tablet's frames are now durable at the city (a tablet's frame k is covered once every
//    frame the box had sent up when k became durable in the box is durable at the city).
// The connection itself (URL, handshake order, frame numbers, backoff, watchdog) is the sync
// engine's route (domain/sync/route.ts), the same one a tablet runs.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE, MAX_FRAME_BYTES } from '../../domain/protocol';
import { missingUpdates } from '../../domain/split-update';
import { emptyState } from '../../domain/retention';
import type { Clock } from '../../domain/sync/clock';
import { nodeClock } from '../core/node-clock';
import { type RouteStatus, type SocketFactory, SyncRoute, type WebSocketLike } from '../../domain/sync/route';
import type { LiveDoc } from '../core/live-doc';
import type { DocRegistry } from '../core/registry';
import type { SyncConnection, SyncService } from '../core/sync-service';
import type { UpdateOrigin, UpdateWriter } from '../core/writer';

/** `ws` as the engine's socket: no compression, and frames up to twice the protocol's limit. */
export const nodeSocket: SocketFactory = (url, protocols) =>
  new WebSocket(url, protocols, { perMessageDeflate: false, maxPayload: 2 * MAX_FRAME_BYTES }) as unknown as WebSocketLike;

export type LinkState = 'connecting' | 'connected' | 'offline' | 'refused';

export interface LinkStatus {
  doc: string;
  state: LinkState;
  /** When the city last confirmed a commit to this box (STORED), ISO. */
  lastConfirmedAt: string | null;
  /** Frames sent up and not yet confirmed durable at the city. */
  unconfirmedFrames: number;
  refusedCode?: number;
}

/** A tablet frame count waiting for the city: durable at the city once `frame` (an upstream frame) is. */
interface Waiting {
  conn: SyncConnection;
  count: number;
  /** Upstream frame on the current socket, or null: not sent yet (the next handshake covers it). */
  frame: number | null;
}

export class UpstreamLink implements UpdateOrigin {
  private route: SyncRoute | null = null;
  private live: LiveDoc | null = null;
  private state: LinkState = 'connecting';
  /** Frames of the current upstream socket the city has made durable (its STORED count). */
  private framesConfirmed = 0;
  private followingPurge = false;
  private cityStateVector: Uint8Array = Y.encodeStateVector(new Y.Doc());
  private lastConfirmedAt: string | null = null;
  private refusedCode: number | undefined;
  private readonly waiting: Waiting[] = [];
  private readonly cityDurable = new Map<SyncConnection, number>();
  private readonly listeners = new Set<(s: LinkStatus) => void>();
  private readonly clock: Clock;

  constructor(
    readonly docName: string,
    private readonly opts: {
      /** ws(s)://city/sync */
      upstreamWs: string;
      token: string;
      /** 'write' for the box's shelter, 'read' for hq. */
      mode: 'write' | 'read';
      registry: DocRegistry;
      writer: UpdateWriter;
      sync: SyncService;
      log: (line: string) => void;
      /** Remembered across restarts: the city's last confirmed state vector and time. */
      restored?: { cityStateVector?: Uint8Array; lastConfirmedAt?: string | null };
      /** The socket to the city and the clock (a test harness passes in-memory ones). */
      createSocket?: SocketFactory;
      clock?: Clock;
    },
  ) {
    if (opts.restored?.cityStateVector) this.cityStateVector = opts.restored.cityStateVector;
    this.lastConfirmedAt = opts.restored?.lastConfirmedAt ?? null;
    this.clock = opts.clock ?? nodeClock;
  }

  async start(): Promise<void> {
    this.live = await this.opts.registry.acquire(this.docName); // held for the box's lifetime
    this.opts.registry.on({
      changed: (live, update, origin) => {
        if (live === this.live && origin !== this) this.sendUp(update);
      },
    });
    this.opts.sync.hooks.push({
      opened: (conn) => {
        if (conn.live !== this.live || this.opts.mode !== 'write') return;
        // A tablet that (re)connects learns at once what the city already has.
        conn.sendUpstreamStored(this.cityStateVector, 0);
      },
      durable: (conn) => {
        if (conn.live !== this.live || this.opts.mode !== 'write') return;
        const route = this.route;
        this.waiting.push({ conn, count: conn.durableCount, frame: route?.answered ? route.framesOnSocket : null });
        this.settle();
      },
      closed: (conn) => {
        this.cityDurable.delete(conn);
        for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].conn === conn) this.waiting.splice(i, 1);
      },
    });
    const { mode } = this.opts;
    this.route = new SyncRoute(
      {
        serverUrl: this.opts.upstreamWs,
        docName: this.docName,
        token: this.opts.token,
        epoch: () => this.live!.epoch,
        createSocket: this.opts.createSocket ?? nodeSocket,
        clock: this.clock,
        log: (line) => this.opts.log(`upstream ${line}`),
      },
      {
        stateVector: () => this.live!.stateVector(),
        // Everything the city lacks, in frames it accepts; then every later commit as it happens.
        // The box's document holds only what its store has committed: nothing to wait for.
        answer: async (sv, maxBytes) => (mode === 'read' ? null : missingUpdates(this.live!.doc, Y.decodeStateVector(sv), maxBytes)),
        answered: (_ws, lastFrame) => {
          // Everything durable in the box so far is in that handshake.
          for (const w of this.waiting) if (w.frame === null) w.frame = lastFrame;
        },
        received: (update) => {
          Y.decodeUpdate(update); // throws on garbage: nothing malformed reaches the box's store
          this.opts.writer.submit(this.live!, update, this);
        },
        stored: (sv, durable) => {
          this.cityStateVector = sv;
          this.framesConfirmed = Math.max(this.framesConfirmed, durable ?? 0);
          this.lastConfirmedAt = new Date(this.clock.now()).toISOString();
          this.settle(true);
          this.setState(this.state);
        },
        status: (s, code, reason) => this.routeStatus(s, code, reason),
      },
    ).start();
  }

  /** A new socket (or none): its frame numbers start again; unconfirmed counts wait for the next handshake. */
  private routeStatus(s: RouteStatus, code?: number, reason?: string): void {
    this.framesConfirmed = 0;
    for (const w of this.waiting) w.frame = null;
    if (s === 'refused' && code === CLOSE.purged) {
      void this.followPurge((reason ?? '').replace(/^purged:/, ''));
      this.setState('offline');
      return;
    }
    if (s === 'refused') {
      this.refusedCode = code;
      this.opts.log(`upstream ${this.docName}: the city refused the box's token (${code}); not retrying`);
    }
    this.setState(s);
  }

  status(): LinkStatus {
    return {
      doc: this.docName,
      state: this.state,
      lastConfirmedAt: this.lastConfirmedAt,
      unconfirmedFrames: Math.max(0, (this.route?.framesOnSocket ?? 0) - this.framesConfirmed),
      ...(this.refusedCode !== undefined ? { refusedCode: this.refusedCode } : {}),
    };
  }

  /** What to keep across restarts (box.ts writes it to the data directory). */
  persisted(): { cityStateVector: number[]; lastConfirmedAt: string | null } {
    return { cityStateVector: [...this.cityStateVector], lastConfirmedAt: this.lastConfirmedAt };
  }

  onStatus(fn: (s: LinkStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private setState(state: LinkState): void {
    this.state = state;
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  /**
   * The city purged this shelter's roster (retention.ts). The box's copy still holds it: it is
   * replaced by an empty document of the new epoch (which closes the box's tablets with
   * CLOSE.purged, so they drop theirs), and the link starts over, fetching the city's state.
   */
  private async followPurge(epoch: string): Promise<void> {
    const { registry, writer, log } = this.opts;
    // The route retries with backoff meanwhile; until the copy is replaced it is refused again.
    if (this.followingPurge || epoch === this.live?.epoch) return;
    this.followingPurge = true;
    try {
      await writer.flush();
      const old = this.live!;
      await registry.replace(this.docName, epoch, emptyState());
      registry.release(old);
      this.live = await registry.acquire(this.docName);
      this.cityStateVector = Y.encodeStateVector(new Y.Doc());
      this.waiting.length = 0;
      this.cityDurable.clear();
      this.framesConfirmed = 0;
      log(`upstream ${this.docName}: the city purged this shelter's roster; the box dropped its copy`);
    } catch (e) {
      log(`upstream ${this.docName}: could not follow the city's purge (${(e as Error).message}); trying again`);
    } finally {
      this.followingPurge = false;
    }
    this.route?.reconnectNow();
  }

  /** Try to reach the city now (the backhaul came back), instead of waiting for the backoff. */
  reconnectNow(): void {
    if (!this.route || this.route.connected || this.state === 'refused') return;
    this.route.reconnectNow();
  }

  /** A commit of the box's own (its tablets'): up to the city once the handshake is done, else in the next one. */
  private sendUp(update: Uint8Array): void {
    if (this.opts.mode === 'write') this.route?.sendUpdate(update);
  }

  /**
   * Turns the city's confirmations into UPSTREAM_STORED for the box's tablets.
   * Moves waiting frame counts the city has now covered into cityDurable, and tells the tablets:
   * all of them when the city's state vector changed (`cityChanged`), else only those whose count grew.
   */
  private settle(cityChanged = false): void {
    const grown = new Set<SyncConnection>();
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i];
      if (w.frame !== null && w.frame <= this.framesConfirmed) {
        if (w.count > (this.cityDurable.get(w.conn) ?? 0)) {
          this.cityDurable.set(w.conn, w.count);
          grown.add(w.conn);
        }
        this.waiting.splice(i, 1);
      } else i++;
    }
    const to = cityChanged ? [...(this.live?.conns ?? [])] : [...grown];
    for (const conn of to) conn.sendUpstreamStored(this.cityStateVector, this.cityDurable.get(conn) ?? 0);
  }

  // The city's commit of an update it sent us is its business; ours is just the box's store.
  committed(): void {}

  storeFailed(): void {
    // The box's disk refused the city's update: drop the link, the handshake will resend it.
    this.route?.restart();
  }

  stop(): void {
    this.route?.destroy(CLOSE.goingAway, 'box shutting down');
    if (this.live) this.opts.registry.release(this.live);
  }
}
