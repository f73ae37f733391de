// Public, personal-data-free endpoints (no token). Each body is computed once per change by
// derive.ts and served with an ETag. To add a public endpoint (e.g. cap.xml), append one
// entry to the list below.
import type { DerivedLayers, PublicBody } from '../derive';
import { sendCached, type Route } from './router';
import { buildCapAlert, capIdentity, type CapIdentity } from '../../domain/cap';
import type { PublicStatus } from '../../domain/public-status';

export interface PublicContext {
  derived: DerivedLayers;
}

/** CAP <sender>: who issues the alerts, set per deployment (HINANJO_CAP_SENDER). */
const CAP_SENDER = process.env.HINANJO_CAP_SENDER ?? 'hinanjo';

export function publicRoutes(ctx: PublicContext): Route[] {
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
  ];
}
