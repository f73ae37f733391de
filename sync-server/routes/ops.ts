// Operator endpoints. /healthz answers 200 only after a probe write to the store committed, and
// probes at most once per HEALTH_PROBE_EVERY_MS whatever the request rate (a load balancer polling
// every second must not become a write load). /metrics is Prometheus text, for operators only: a
// bearer token that is either HINANJO_METRICS_TOKEN (a scraper's static secret) or an hq token.
import { timingSafeEqual } from 'node:crypto';
import { bearerToken, verifyToken, type TokenKeys } from '../core/auth';
import type { Metrics } from '../core/metrics';
import type { DocStore } from '../store/types';
import type { Route } from './router';

export const HEALTH_PROBE_EVERY_MS = 5_000;

export interface OpsContext {
  store: DocStore;
  metrics: Metrics;
  clock: () => Date;
  keys: TokenKeys;
  metricsToken?: string;
}

export function opsRoutes(ctx: OpsContext): Route[] {
  let last: { at: number; error: string | null } | null = null;
  let probing: Promise<string | null> | null = null;
  const probe = (): Promise<string | null> => {
    const now = ctx.clock();
    if (last && now.getTime() - last.at < HEALTH_PROBE_EVERY_MS) return Promise.resolve(last.error);
    probing ??= ctx.store
      .healthCheck(now)
      .then(
        () => null,
        (e: Error) => e.message,
      )
      .then((error) => {
        last = { at: now.getTime(), error };
        probing = null;
        return error;
      });
    return probing;
  };

  const mayReadMetrics = async (authorization: string | undefined, url: URL): Promise<boolean> => {
    const presented = bearerToken(authorization, url);
    if (!presented) return false;
    if (ctx.metricsToken) {
      const a = Buffer.from(presented);
      const b = Buffer.from(ctx.metricsToken);
      if (a.length === b.length && timingSafeEqual(a, b)) return true;
    }
    const v = await verifyToken(ctx.keys, ctx.store, presented, ctx.clock());
    return v.ok && v.value.role === 'hq';
  };

  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: async (_req, res) => {
        const error = await probe();
        if (error === null) {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
          res.end('ok\n');
        } else {
          res.writeHead(503, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
          res.end(`store not writable: ${error}\n`);
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async (req, res, url) => {
        if (!(await mayReadMetrics(req.headers.authorization, url))) {
          res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' });
          res.end('metrics need a bearer token: HINANJO_METRICS_TOKEN or an hq token\n');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Cache-Control': 'no-store' });
        res.end(ctx.metrics.render());
      },
    },
  ];
}
