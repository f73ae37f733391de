// Public, personal-data-free endpoints (no token). Each body is computed once per change by
// derive.ts and served with an ETag. To add a public endpoint (e.g. cap.xml), append one
// entry to the list below.
import type { DerivedLayers, PublicBody } from '../features/derived-layers';
import { sendCached, type Route } from './router';
import { buildCapAlert, capIdentity, type CapIdentity } from '../../domain/cap';
import type { PublicStatus } from '../../domain/public-status';

export interface PublicContext {
  derived: DerivedLayers;
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

export function publicRoutes(ctx: PublicContext): Route[] {
  let watchers = 0;
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
      // The resident page's doorbell: an event carrying only the two ETags whenever status.json
      // or the closures change, so an open page fetches the new level within seconds instead of
      // at its next one-minute poll. No data rides on it (the page still fetches, with
      // If-None-Match, from a cache if there is one). Past MAX_WATCHERS the page keeps polling.
      method: 'GET',
      path: '/api/public/changes',
      handler: (req, res) => {
        if (watchers >= MAX_WATCHERS) {
          res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '60' });
          res.end('too many listeners: poll status.json\n');
          return;
        }
        watchers++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
        const send = (etags: { status: string; closures: string }) => res.write(`event: etags\ndata: ${JSON.stringify(etags)}\n\n`);
        res.write('retry: 5000\n\n');
        send(ctx.derived.publicEtags());
        const off = ctx.derived.onPublicChange(send);
        const keepalive = setInterval(() => res.write(': keepalive\n\n'), 25_000);
        keepalive.unref();
        req.on('close', () => {
          watchers--;
          off();
          clearInterval(keepalive);
        });
      },
    },
  ];
}
