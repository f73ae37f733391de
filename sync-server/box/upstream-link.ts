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
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  CLOSE, DEAD_CONNECTION_MS, FATAL_CLOSE_CODES, MAX_FRAME_BYTES, PROTOCOL_VERSION, decodeMessage, encodeMessage, tokenProtocols,
} from '../../domain/protocol';
import { missingUpdates } from '../../domain/split-update';
import { emptyState } from '../../domain/retention';
import type { DocRegistry, LiveDoc } from '../docs';
import type { SyncConnection, SyncService } from '../sync';
import type { UpdateOrigin, UpdateWriter } from '../writer';

const FRAME_HEADER_BYTES = 16;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

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
  private ws: WebSocket | null = null;
  private live: LiveDoc | null = null;
  private state: LinkState = 'connecting';
  private framesSent = 0;
  private framesConfirmed = 0;
  /** The handshake is done (our step 2 sent): commits are sent up as they happen. */
  private ready = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private stopped = false;
  private cityStateVector: Uint8Array = Y.encodeStateVector(new Y.Doc());
  private lastConfirmedAt: string | null = null;
  private refusedCode: number | undefined;
  private readonly waiting: Waiting[] = [];
  private readonly cityDurable = new Map<SyncConnection, number>();
  private readonly listeners = new Set<(s: LinkStatus) => void>();

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
    },
  ) {
    if (opts.restored?.cityStateVector) this.cityStateVector = opts.restored.cityStateVector;
    this.lastConfirmedAt = opts.restored?.lastConfirmedAt ?? null;
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
        this.waiting.push({ conn, count: conn.durableCount, frame: this.ready ? this.framesSent : null });
        this.settle();
      },
      closed: (conn) => {
        this.cityDurable.delete(conn);
        for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].conn === conn) this.waiting.splice(i, 1);
      },
    });
    this.watchdog = setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN && Date.now() - this.lastHeard > DEAD_CONNECTION_MS) this.ws.terminate();
    }, 1_000);
    this.watchdog.unref();
    this.connect();
  }

  status(): LinkStatus {
    return {
      doc: this.docName,
      state: this.state,
      lastConfirmedAt: this.lastConfirmedAt,
      unconfirmedFrames: Math.max(0, this.framesSent - this.framesConfirmed),
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

  private connect(): void {
    if (this.stopped) return;
    this.ready = false;
    this.framesSent = 0;
    this.framesConfirmed = 0;
    // Anything sent on the old socket and not confirmed goes again in the next handshake.
    for (const w of this.waiting) w.frame = null;
    const epoch = this.live!.epoch;
    // The token in the protocol list, not the URL (domain/protocol.ts).
    const ws = new WebSocket(`${this.opts.upstreamWs}/${this.docName}?v=${PROTOCOL_VERSION}${epoch ? `&epoch=${encodeURIComponent(epoch)}` : ''}`, tokenProtocols(this.opts.token), {
      perMessageDeflate: false,
      maxPayload: 2 * MAX_FRAME_BYTES,
    });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    this.setState('connecting');
    ws.on('open', () => {
      this.lastHeard = Date.now();
      this.retryMs = RETRY_MIN_MS;
      this.setState('connected');
      ws.send(encodeMessage({ type: 'sync-step1', stateVector: this.live!.stateVector() }));
      if (this.opts.mode === 'read') this.ready = true;
    });
    ws.on('message', (data: Buffer) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      try {
        this.receive(new Uint8Array(data));
      } catch (e) {
        this.opts.log(`upstream ${this.docName}: bad message from the city (${(e as Error).message}); reconnecting`);
        ws.terminate();
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (code === CLOSE.purged) {
        void this.followPurge(reason.toString().replace(/^purged:/, ''));
        return;
      }
      if (FATAL_CLOSE_CODES.includes(code)) {
        this.refusedCode = code;
        this.setState('refused');
        this.opts.log(`upstream ${this.docName}: the city refused the box's token (${code}); not retrying`);
        return;
      }
      this.setState('offline');
      this.scheduleRetry();
    });
  }

  /**
   * The city purged this shelter's roster (retention.ts). The box's copy still holds it: it is
   * replaced by an empty document of the new epoch (which closes the box's tablets with
   * CLOSE.purged, so they drop theirs), and the link starts over, fetching the city's state.
   */
  private async followPurge(epoch: string): Promise<void> {
    const { registry, writer, log } = this.opts;
    try {
      await writer.flush();
      const old = this.live!;
      await registry.replace(this.docName, epoch, emptyState());
      registry.release(old);
      this.live = await registry.acquire(this.docName);
      this.cityStateVector = Y.encodeStateVector(new Y.Doc());
      this.waiting.length = 0;
      this.cityDurable.clear();
      this.framesSent = 0;
      this.framesConfirmed = 0;
      log(`upstream ${this.docName}: the city purged this shelter's roster; the box dropped its copy`);
    } catch (e) {
      log(`upstream ${this.docName}: could not follow the city's purge (${(e as Error).message}); trying again`);
    }
    this.setState('offline');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  /** Try to reach the city now (the backhaul came back), instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.stopped || this.ws || this.state === 'refused') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryMs = RETRY_MIN_MS;
    this.connect();
  }

  private receive(buf: Uint8Array): void {
    const r = decodeMessage(buf);
    if (!r.ok) throw new Error(r.error);
    const m = r.value;
    switch (m.type) {
      case 'stored':
        this.cityStateVector = m.stateVector;
        this.framesConfirmed = Math.max(this.framesConfirmed, m.durable ?? 0);
        this.lastConfirmedAt = new Date().toISOString();
        this.settle(true);
        this.setState(this.state);
        return;
      case 'sync-step1': {
        const citySv = Y.decodeStateVector(m.stateVector);
        if (this.opts.mode === 'read') return;
        // Everything the city lacks, in frames it accepts; then every later commit as it happens.
        const parts = missingUpdates(this.live!.doc, citySv, MAX_FRAME_BYTES - FRAME_HEADER_BYTES);
        parts.forEach((update, i) => this.sendFrame(encodeMessage({ type: i === 0 ? 'sync-step2' : 'sync-update', update })));
        this.ready = true;
        // Everything durable in the box so far is in that handshake.
        for (const w of this.waiting) if (w.frame === null) w.frame = this.framesSent;
        return;
      }
      case 'sync-step2':
      case 'sync-update':
        Y.decodeUpdate(m.update); // throws on garbage: nothing malformed reaches the box's store
        this.opts.writer.submit(this.live!, m.update, this);
        return;
      default:
        return; // heartbeats, awareness, anything newer: not the box's business
    }
  }

  private sendFrame(msg: Uint8Array): void {
    this.ws!.send(msg);
    this.framesSent++;
  }

  private sendUp(update: Uint8Array): void {
    if (this.opts.mode !== 'write' || !this.ready || this.ws?.readyState !== WebSocket.OPEN) return;
    this.sendFrame(encodeMessage({ type: 'sync-update', update }));
  }

  /** Turns the city's confirmations into UPSTREAM_STORED for the box's tablets. */
  /**
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
    const to = cityChanged ? [...(this.live?.conns ?? [])].map((c) => c as SyncConnection) : [...grown];
    for (const conn of to) conn.sendUpstreamStored(this.cityStateVector, this.cityDurable.get(conn) ?? 0);
  }

  // The city's commit of an update it sent us is its business; ours is just the box's store.
  committed(): void {}

  storeFailed(): void {
    // The box's disk refused the city's update: drop the link, the handshake will resend it.
    this.ws?.terminate();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.ws?.close(CLOSE.goingAway, 'box shutting down');
    this.ws = null;
    if (this.live) this.opts.registry.release(this.live);
  }
}
