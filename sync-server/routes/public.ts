// Public, personal-data-free endpoints (no token). Each body is computed once per change by
// derive.ts and served with an ETag. To add a public endpoint (e.g. cap.xml), append one
// entry to the list below.
import type { DerivedLayers } from '../derive';
import { sendCached, type Route } from './router';

export interface PublicContext {
  derived: DerivedLayers;
}

export function publicRoutes(ctx: PublicContext): Route[] {
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
  ];
}
