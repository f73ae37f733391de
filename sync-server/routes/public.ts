// Public, personal-data-free endpoints (no token). Each body is computed once per change by
// derived-layers.ts and served with an ETag. To add a public endpoint (e.g. cap.xml), append one
// entry to the list below.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DerivedLayers, PublicBody, PublicEtags } from '../features/derived-layers';
import { sendCached, type Route } from './router';
import { buildCapAlert, capIdentity, type CapIdentity } from '../../domain/cap';
import type { PublicStatus } from '../../domain/public-status';

export interface PublicContext {
  derived: DerivedLayers;
  /** The open pages' change stream (the server stops it with itself). */
  changes: ChangeStream;
}

/** CAP <sender>: who issues the alerts, set per deployment (HINANJO_CAP_SENDER). */
const CAP_SENDER = process.env.HINANJO_CAP_SENDER ?? 'hinanjo';

/**
 * Open change streams at once, at most (each is one socket; beyond it pages poll as before). One
 * cap for all, not per address: a carrier's NAT puts thousands of phones behind one address. It
 * must sit well under the process's descriptor limit (systemd LimitNOFILE, README), which
 * tablets, HQ and the store need too; HINANJO_MAX_EVENT_STREAMS sets it.
 */
export const MAX_WATCHERS = Number(process.env.HINANJO_MAX_EVENT_STREAMS) > 0 ? Number(process.env.HINANJO_MAX_EVENT_STREAMS) : 10_000;

/** How often an idle change stream says it is alive (proxies close silent connections). */
const KEEPALIVE_MS = 25_000;
/**
 * A change that is not a new level or a new closure (crowding moves with every check-in during a
 * surge, several times a second) is announced at most this often: every open page spreads its
 * fetch over 20 s anyway, and one event is a write to every one of ten thousand sockets.
 */
export const QUIET_CHANGE_MS = 5_000;
/** Pages written to between two turns of the event loop. */
const BROADCAST_SLICE = 500;

/**
 * The open change streams. One event is serialized once per change and the same buffer written to
 * every page; one timer writes one keepalive to all; nothing per page but its socket.
 */
export class ChangeStream {
  private readonly watchers = new Set<ServerResponse>();
  private current: Buffer;
  private readonly keepalive: NodeJS.Timeout;
  private static readonly KEEPALIVE = Buffer.from(': keepalive\n\n');

  /** What the pages were last told, when, and a quiet change waiting to be told. */
  private sent: { closures: string; at: number };
  private quietTimer: NodeJS.Timeout | null = null;
  private quiet: PublicEtags | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    derived: DerivedLayers,
    private readonly max = MAX_WATCHERS,
    private readonly now: () => number = Date.now,
  ) {
    const initial = derived.publicEtags();
    this.current = ChangeStream.frame(initial, true);
    this.sent = { closures: initial.closures, at: 0 };
    this.unsubscribe = derived.onPublicChange((etags) => this.changed(etags));
    this.keepalive = setInterval(() => this.broadcast(ChangeStream.KEEPALIVE), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** A new level, closure or shelter state goes out at once; counts alone at most every QUIET_CHANGE_MS. */
  private changed(etags: PublicEtags): void {
    // A page that connects later needs only the ETags (it compares them with its copy).
    this.current = ChangeStream.frame(etags, true);
    const urgent = (etags.levels && Object.keys(etags.levels).length > 0) || etags.shelters === true || etags.closures !== this.sent.closures;
    const wait = this.sent.at + QUIET_CHANGE_MS - this.now();
    if (urgent || wait <= 0) return this.send(etags);
    this.quiet = etags;
    this.quietTimer ??= setTimeout(() => {
      this.quietTimer = null;
      if (this.quiet) this.send(this.quiet);
    }, wait);
    this.quietTimer.unref?.();
  }

  private send(etags: PublicEtags): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.quiet = null;
    this.sent = { closures: etags.closures, at: this.now() };
    this.broadcast(ChangeStream.frame(etags, false));
  }

  /**
   * The same bytes to every open page (a page whose socket is already gone is skipped), a slice
   * at a time: ten thousand writes in one go hold the event loop for tens of milliseconds, and
   * the tablets' changes waiting behind them would feel it.
   */
  private broadcast(frame: Buffer): void {
    const all = [...this.watchers];
    const slice = (from: number) => {
      const to = Math.min(all.length, from + BROADCAST_SLICE);
      for (let i = from; i < to; i++) {
        const res = all[i];
        if (!res.destroyed && !res.writableEnded) res.write(frame);
      }
      if (to < all.length) setImmediate(slice, to);
    };
    slice(0);
  }

  /** An event; `etagsOnly` for a page that connects later (it compares the ETags with its copy). */
  private static frame(etags: PublicEtags, etagsOnly: boolean): Buffer {
    const { levels, shelters, ...rest } = etags;
    const data = etagsOnly ? rest : { ...rest, ...(levels ? { levels } : {}), ...(shelters ? { shelters } : {}) };
    return Buffer.from(`event: etags\ndata: ${JSON.stringify(data)}\n\n`);
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Starts a stream for this request; false when MAX_WATCHERS are open (the caller answers 503). */
  add(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.watchers.size >= this.max) return false;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store, no-transform', 'X-Accel-Buffering': 'no' });
    res.write('retry: 5000\n\n');
    res.write(this.current);
    this.watchers.add(res);
    req.on('close', () => this.watchers.delete(res));
    return true;
  }

  stop(): void {
    clearInterval(this.keepalive);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.unsubscribe();
  }
}

export function publicRoutes(ctx: PublicContext): Route[] {
  const { changes } = ctx;
  // The CAP alert is rebuilt only when status.json's content changes (its ETag), and is sent at
  // that status's time, so an unchanged alert keeps its ETag and identifier.
  let cap: { statusEtag: string; body: PublicBody; identity: CapIdentity } | null = null;
  const capBody = (): PublicBody => {
    const status = ctx.derived.status();
    if (cap?.statusEtag !== status.etag) {
      const parsed = JSON.parse(status.body.toString()) as Partial<PublicStatus>;
      const complete: PublicStatus = {
        generatedAt: parsed.generatedAt ?? new Date().toISOString(),
        region: parsed.region ?? '',
        districts: parsed.districts ?? [],
        shelters: parsed.shelters ?? [],
      };
      const opts = { sender: CAP_SENDER, now: new Date(complete.generatedAt) };
      // each new alert updates the one this server published before it
      const xml = buildCapAlert(complete, { ...opts, references: cap ? [cap.identity] : [] });
      cap = { statusEtag: status.etag, body: { body: Buffer.from(xml), etag: `"cap-${status.etag.replace(/"/g, '')}"` }, identity: capIdentity(opts) };
    }
    return cap.body;
  };
  return [
    {
      method: 'GET',
      path: '/api/public/status.json',
      handler: (req, res) => sendCached(req, res, ctx.derived.status(), 'application/json; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/api/public/road-closures.geojson',
      handler: (req, res) => sendCached(req, res, ctx.derived.closures(), 'application/geo+json; charset=utf-8'),
    },
    {
      method: 'GET',
      path: '/api/public/cap.xml',
      handler: (req, res) => sendCached(req, res, capBody(), 'application/cap+xml; charset=utf-8'),
    },
    {
      // The resident page's doorbell: an event whenever status.json or the closures change,
      // carrying their ETags, any district whose level changed, and whether a shelter opened,
      // closed or was declared full (`shelters`), so an open page shows a new
      // level within a second instead of at its next poll. Each event is built once and the same
      // bytes written to every open page (ChangeStream). Past MAX_WATCHERS the page keeps polling.
      method: 'GET',
      path: '/api/public/changes',
      handler: (req, res) => {
        if (!changes.add(req, res)) {
          res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '60' });
          res.end('too many listeners: poll status.json\n');
        }
      },
    },
  ];
}
