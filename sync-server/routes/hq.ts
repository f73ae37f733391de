// HQ endpoints (an hq token: Authorization: Bearer T, or ?token=T where headers cannot be set,
// as with EventSource). The overview is the server's in-memory summaries, so a wall map of 300
// shelters needs one small stream, not 300 documents.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenClaims } from '../../domain/tokens';
import { openEventStream } from './event-stream';
import { bearerToken, issueToken, verifyToken, type TokenKeys } from '../core/auth';
import type { ShelterLinks } from '../features/shelter-reach';
import type { DerivedLayers } from '../features/derived-layers';
import type { DocStore } from '../store/types';
import type { SyncService } from '../core/sync-service';
import { readJson, sendJson, type Route } from './router';

export interface HqContext {
  derived: DerivedLayers;
  store: DocStore;
  keys: TokenKeys;
  links: ShelterLinks;
  sync: SyncService;
  clock: () => Date;
  /** SOS requests (evacuation/sos.ts): the stream tells HQ's screens when one arrives or changes. */
  sos?: { onChange(fn: () => void): () => void };
}

const SSE_KEEPALIVE_MS = 15_000;

export async function requireHq(ctx: HqContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<TokenClaims | null> {
  const v = await verifyToken(ctx.keys, ctx.store, bearerToken(req.headers.authorization, url), ctx.clock());
  if (!v.ok) {
    sendJson(res, 401, { error: `token ${v.error}` }, { 'WWW-Authenticate': 'Bearer' });
    return null;
  }
  if (v.value.role !== 'hq') {
    sendJson(res, 403, { error: 'an hq token is required' });
    return null;
  }
  return v.value;
}

export function hqRoutes(ctx: HqContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/hq/overview',
      handler: async (req, res, url) => {
        if (!(await requireHq(ctx, req, res, url))) return;
        sendJson(res, 200, ctx.derived.overview(), { 'Cache-Control': 'no-store' });
      },
    },
    {
      method: 'GET',
      path: '/api/hq/overview/events',
      handler: async (req, res, url) => {
        const claims = await requireHq(ctx, req, res, url);
        if (!claims) return;
        // Patches of the same tenth of a second go out together (one write, one flush).
        const stream = openEventStream(req, res, { compress: true, batchMs: 100 });
        const event = (name: string, data: unknown) => stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
        stream.write('retry: 2000\n\n');
        event('overview', ctx.derived.overview());
        // Changes only: a shelter's fields that moved, not its whole summary again.
        const off = ctx.derived.onSummary((change) => stream.write(`event: ${change.kind}\ndata: ${change.data}\n\n`));
        // No content: the screen fetches /api/hq/sos (every view is audited there).
        const offSos = ctx.sos?.onChange(() => stream.write('event: sos\ndata: {}\n\n'));
        const keepalive = setInterval(async () => {
          // A revoked or expired token loses its stream as it would lose a socket.
          const v = await verifyToken(ctx.keys, ctx.store, bearerToken(req.headers.authorization, url), ctx.clock());
          if (!v.ok) return stream.end();
          stream.write(': keepalive\n\n');
        }, SSE_KEEPALIVE_MS);
        res.on('close', () => {
          off();
          offSos?.();
          clearInterval(keepalive);
        });
      },
    },
    {
      // Per shelter: tablets connected directly, boxes connected, when a box last synced.
      method: 'GET',
      path: '/api/hq/links',
      handler: async (req, res, url) => {
        if (!(await requireHq(ctx, req, res, url))) return;
        sendJson(res, 200, { at: ctx.clock().toISOString(), links: ctx.links.snapshot() }, { 'Cache-Control': 'no-store' });
      },
    },
    {
      method: 'GET',
      path: '/api/hq/devices',
      handler: async (req, res, url) => {
        if (!(await requireHq(ctx, req, res, url))) return;
        sendJson(res, 200, { devices: await ctx.store.listDevices() }, { 'Cache-Control': 'no-store' });
      },
    },
    {
      // A new tablet for a shelter, from HQ's device list (the page shows the link as a QR code to
      // scan with the tablet's camera). Only for a registered shelter; 30 days unless told less.
      method: 'POST',
      path: '/api/hq/devices',
      handler: async (req, res, url) => {
        if (!(await requireHq(ctx, req, res, url))) return;
        let body: { shelter?: unknown; device?: unknown; ttlDays?: unknown } | null;
        try {
          body = (await readJson(req)) as typeof body;
        } catch {
          return sendJson(res, 400, { error: 'expected a JSON body { "shelter": "…", "device": "…" }' });
        }
        const shelter = typeof body?.shelter === 'string' ? body.shelter : '';
        const device = typeof body?.device === 'string' ? body.device.trim().slice(0, 100) : '';
        const ttlDays = typeof body?.ttlDays === 'number' && body.ttlDays > 0 && body.ttlDays <= 90 ? body.ttlDays : 30;
        if (!ctx.derived.registeredShelterIds().includes(shelter)) {
          return sendJson(res, 400, { error: `unknown shelter "${shelter}"` });
        }
        const r = await issueToken(ctx.keys, ctx.store, { role: 'staff', shelter, device: device || undefined, ttlSeconds: ttlDays * 86400 }, ctx.clock());
        if (!r.ok) return sendJson(res, 400, { error: r.error });
        sendJson(res, 200, { token: r.value.token, jti: r.value.claims.jti, expiresAt: new Date(r.value.claims.exp * 1000).toISOString() }, { 'Cache-Control': 'no-store' });
      },
    },
    {
      method: 'POST',
      path: '/api/hq/revoke',
      handler: async (req, res, url) => {
        const claims = await requireHq(ctx, req, res, url);
        if (!claims) return;
        let jti: unknown;
        try {
          jti = ((await readJson(req)) as { jti?: unknown } | null)?.jti;
        } catch {
          return sendJson(res, 400, { error: 'expected a JSON body { "jti": "…" }' });
        }
        if (typeof jti !== 'string' || jti.length === 0 || jti.length > 100) {
          return sendJson(res, 400, { error: 'expected a JSON body { "jti": "…" }' });
        }
        const known = await ctx.store.revoke(jti, ctx.clock());
        const closed = ctx.sync.closeToken(jti);
        sendJson(res, 200, { jti, revoked: true, known, connectionsClosed: closed });
      },
    },
    {
      // A shelter box asks which tokens were revoked, so it refuses them too (box/box.ts).
      method: 'GET',
      path: '/api/box/revocations',
      handler: async (req, res, url) => {
        const v = await verifyToken(ctx.keys, ctx.store, bearerToken(req.headers.authorization, url), ctx.clock());
        if (!v.ok) return sendJson(res, 401, { error: `token ${v.error}` }, { 'WWW-Authenticate': 'Bearer' });
        if (v.value.role !== 'box' && v.value.role !== 'hq') return sendJson(res, 403, { error: 'a box or hq token is required' });
        sendJson(res, 200, { revoked: [...(await ctx.store.revokedJtis())] }, { 'Cache-Control': 'no-store' });
      },
    },
  ];
}
