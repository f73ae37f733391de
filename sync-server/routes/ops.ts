// Operator endpoints: /healthz answers 200 only after a probe write to the store committed;
// /metrics is Prometheus text.
import type { Metrics } from '../metrics';
import type { DocStore } from '../store/types';
import type { Route } from './router';

export function opsRoutes(ctx: { store: DocStore; metrics: Metrics; clock: () => Date }): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: async (_req, res) => {
        try {
          await ctx.store.healthCheck(ctx.clock());
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
          res.end('ok\n');
        } catch (e) {
          res.writeHead(503, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
          res.end(`store not writable: ${(e as Error).message}\n`);
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Cache-Control': 'no-store' });
        res.end(ctx.metrics.render());
      },
    },
  ];
}
