// Hazard layers, public: GET /api/public/hazards.json lists them (id, kind, name, the URL of its
// data, ETag, size); each layer is served as compact JSON (domain/hazard-layers.ts), precompressed
// (brotli and gzip) once when it changes, with an ETag and a long cache life, so a phone fetches
// it once and keeps it offline. HQ imports them (POST /api/hq/hazard-layers, an hq token: the
// page builds the compact layer in a worker from the city's GeoJSON and sends that) and removes
// them (DELETE /api/hq/hazard-layers/<id>). They live in the store (several instances: each
// follows a small index record, so a layer imported on one is served by all within seconds).
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHazardLayer, type HazardLayer } from '../../../domain/hazard-layers';
import type { DocStore } from '../../store/types';
import { type HqContext, requireHq } from '../../routes/hq';
import { BodyTooLarge, readJson, sendCached, sendJson, type Route } from '../../routes/router';

export const LAYER_KIND = 'hazard-layer';
const INDEX_ID = 'hazard-index';
const FOLLOW_MS = 10_000;
const MAX_UPLOAD_BYTES = 96 * 1024 * 1024;

interface ServedLayer extends Precompressed {
  id: string;
  kind: string;
  name: string;
  source: string;
  importedAt: string;
  zones: number;
}

type Precompressed = { body: Buffer; gzip: Buffer; br: Buffer; etag: string };

/** A body with its ETag and its gzip and brotli forms, made once (sendCached picks one). */
function precompress(raw: Buffer, level: number): Precompressed {
  return {
    body: raw,
    etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
    gzip: gzipSync(raw, { level }),
    br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: level, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
  };
}

function serve(layer: HazardLayer): ServedLayer {
  // Layers are large and change rarely: the best compression is worth its time, once.
  return {
    id: layer.id, kind: layer.kind, name: layer.name, source: layer.source, importedAt: layer.importedAt, zones: layer.zones.length,
    ...precompress(Buffer.from(JSON.stringify(layer)), 9),
  };
}

export class HazardService {
  private layers = new Map<string, ServedLayer>();
  private list: Precompressed = this.makeList();
  private indexStamp = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { store: DocStore; clock: () => Date; hq: HqContext; log: (line: string) => void }) {}

  async start(): Promise<void> {
    await this.follow();
    this.timer = setInterval(() => void this.follow().catch(() => undefined), FOLLOW_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Stores layers (the demo seeds its own) and serves them at once. */
  async put(layers: readonly HazardLayer[]): Promise<void> {
    await this.deps.store.putRecords(layers.map((l) => ({ kind: LAYER_KIND, id: l.id, grp: l.kind, data: JSON.stringify(l) })), this.deps.clock());
    await this.touchIndex();
  }

  private async touchIndex(): Promise<void> {
    await this.deps.store.putRecord({ kind: 'settings', id: INDEX_ID, grp: '', data: JSON.stringify({ at: this.deps.clock().toISOString(), n: Math.random() }) }, this.deps.clock());
    await this.follow();
  }

  /** Reloads the layers when the index record says they changed (here or on another instance). */
  private async follow(): Promise<void> {
    const index = await this.deps.store.getRecord('settings', INDEX_ID);
    const stamp = index?.data ?? '';
    if (stamp === this.indexStamp && this.layers.size > 0) return;
    const next = new Map<string, ServedLayer>();
    for (const r of await this.deps.store.listRecords(LAYER_KIND)) {
      try {
        const layer = JSON.parse(r.data) as HazardLayer;
        const kept = this.layers.get(layer.id);
        next.set(layer.id, kept && kept.importedAt === layer.importedAt && kept.zones === layer.zones.length ? kept : serve(layer));
      } catch {
        this.deps.log(`hazard layer ${r.id} is unreadable: skipped`);
      }
    }
    this.layers = next;
    this.indexStamp = stamp;
    this.list = this.makeList();
  }

  private makeList(): Precompressed {
    const body = {
      layers: [...(this.layers?.values() ?? [])]
        .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : 1))
        .map((l) => ({ id: l.id, kind: l.kind, name: l.name, source: l.source, importedAt: l.importedAt, zones: l.zones, url: `/api/public/hazards/${l.id}.json`, etag: l.etag, bytes: l.body.length, gzipBytes: l.gzip.length })),
    };
    return precompress(Buffer.from(JSON.stringify(body)), 6);
  }

  routes(): Route[] {
    const { hq, store, clock } = this.deps;
    return [
      {
        method: 'GET',
        path: '/api/public/hazards.json',
        handler: (req, res) => sendCached(req, res, this.list, 'application/json; charset=utf-8', 'public, max-age=60'),
      },
      {
        method: 'GET',
        path: '/api/public/hazards/',
        prefix: true,
        handler: (req, res, url) => {
          const m = /^\/api\/public\/hazards\/([A-Za-z0-9_-]{1,64})\.json$/.exec(url.pathname);
          const layer = m ? this.layers.get(m[1]) : undefined;
          if (!layer) return sendJson(res, 404, { error: 'not-found' });
          // The URL stays while the content changes: revalidate after a day, the ETag makes it cheap.
          sendCached(req, res, layer, 'application/json; charset=utf-8', 'public, max-age=3600, stale-while-revalidate=86400');
        },
      },
      {
        method: 'POST',
        path: '/api/hq/hazard-layers',
        handler: async (req, res, url) => {
          if (!(await requireHq(hq, req, res, url))) return;
          let layer: unknown;
          try {
            layer = await readJson(req, MAX_UPLOAD_BYTES);
          } catch (e) {
            return sendJson(res, e instanceof BodyTooLarge ? 413 : 400, { error: e instanceof BodyTooLarge ? 'too-large' : 'not-a-layer' });
          }
          const problem = checkHazardLayer(layer);
          if (problem) return sendJson(res, 400, { error: problem });
          const l = layer as HazardLayer;
          await store.putRecord({ kind: LAYER_KIND, id: l.id, grp: l.kind, data: JSON.stringify({ ...l, importedAt: clock().toISOString() }) }, clock());
          await this.touchIndex();
          this.deps.log(`hazard layer ${l.id} (${l.kind}) imported: ${l.zones.length} zones`);
          const served = this.layers.get(l.id)!;
          sendJson(res, 201, { id: l.id, kind: l.kind, zones: served.zones, bytes: served.body.length, gzipBytes: served.gzip.length });
        },
      },
      {
        method: 'DELETE',
        path: '/api/hq/hazard-layers/',
        prefix: true,
        handler: async (req, res, url) => {
          if (!(await requireHq(hq, req, res, url))) return;
          const id = url.pathname.slice('/api/hq/hazard-layers/'.length);
          const n = await store.deleteRecords(LAYER_KIND, [id]);
          if (n === 0) return sendJson(res, 404, { error: 'not-found' });
          await this.touchIndex();
          res.writeHead(204);
          res.end();
        },
      },
    ];
  }
}
