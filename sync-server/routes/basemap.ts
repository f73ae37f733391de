// The city's basemap: one PMTiles archive the operator provides (--basemap FILE), served with
// HTTP range requests so a map reads only the tiles it shows, and a small description of it at
// /api/public/basemap.json (whether there is one, its size, zooms, bounds, attribution). Public:
// a basemap holds no personal data. The server and the shelter box serve it alike.
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bytesToHeader } from 'pmtiles';
import { sendJson, type Route } from './router';
import type { BasemapInfo } from '../../domain/basemap-info';

export const BASEMAP_PATH = '/basemap/city.pmtiles';

type Available = Extract<BasemapInfo, { available: true }>;

/** Reads the archive's header and metadata; throws with a clear message when it is not PMTiles v3. */
export async function describeBasemap(file: string): Promise<Available> {
  const st = statSync(file);
  const fh = await open(file, 'r');
  try {
    const first = Buffer.alloc(127);
    await fh.read(first, 0, 127, 0);
    if (first.subarray(0, 7).toString('latin1') !== 'PMTiles' || first[7] !== 3) {
      throw new Error(`${file} is not a PMTiles version 3 archive`);
    }
    const h = bytesToHeader(first.buffer.slice(first.byteOffset, first.byteOffset + 127));
    let metadata: Record<string, unknown> = {};
    // Only plain JSON metadata is read here (for the label); compressed metadata is left alone.
    if (h.jsonMetadataLength > 0 && h.jsonMetadataLength < 1024 * 1024 && h.internalCompression === 1) {
      const m = Buffer.alloc(h.jsonMetadataLength);
      await fh.read(m, 0, h.jsonMetadataLength, h.jsonMetadataOffset);
      try {
        metadata = JSON.parse(m.toString('utf8')) as Record<string, unknown>;
      } catch {
        // unreadable metadata: the archive is still usable
      }
    }
    return {
      available: true,
      url: BASEMAP_PATH,
      bytes: st.size,
      etag: `"pm-${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`,
      minZoom: h.minZoom,
      maxZoom: h.maxZoom,
      bounds: [h.minLon, h.minLat, h.maxLon, h.maxLat],
      tileType: h.tileType,
      averageTileBytes: Math.round((h.tileDataLength ?? 0) / Math.max(1, h.numTileContents)),
      attribution: typeof metadata.attribution === 'string' ? metadata.attribution : '',
      name: typeof metadata.name === 'string' ? metadata.name : '',
    };
  } finally {
    await fh.close();
  }
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → [start, end] inclusive; null if unsatisfiable or several ranges. */
export function parseRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return null;
  return [start, end];
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: string, info: Available): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/vnd.pmtiles',
    'Accept-Ranges': 'bytes',
    ETag: info.etag,
    // Revalidated on use: the operator may replace the file; the ETag makes that cheap.
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'ETag, Content-Range, Content-Length',
  };
  const range = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (range && (!ifRange || ifRange === info.etag)) {
    const r = parseRange(range, info.bytes);
    if (!r) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${info.bytes}` });
      res.end();
      return;
    }
    const [start, end] = r;
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${info.bytes}`, 'Content-Length': String(end - start + 1) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === info.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(info.bytes) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

/**
 * The routes, for a file or for none (basemap.json then says `available: false`, and the maps
 * fall back to online tiles). The file is described again when it changes on disk.
 */
export function basemapRoutes(file: string | undefined): Route[] {
  let cached: { mtimeMs: number; size: number; info: Available } | null = null;
  const current = async (): Promise<Available | null> => {
    if (!file) return null;
    let st;
    try {
      st = statSync(file);
    } catch {
      return null;
    }
    if (!cached || cached.mtimeMs !== st.mtimeMs || cached.size !== st.size) {
      cached = { mtimeMs: st.mtimeMs, size: st.size, info: await describeBasemap(file) };
    }
    return cached.info;
  };
  return [
    {
      method: 'GET',
      path: '/api/public/basemap.json',
      handler: async (_req, res) => {
        const info = await current();
        sendJson(res, 200, (info ?? { available: false }) satisfies BasemapInfo, { 'Cache-Control': 'no-cache', 'Access-Control-Allow-Origin': '*' });
      },
    },
    {
      // A tablet reading the shelter box's archive reads it cross-origin, with Range headers.
      method: 'OPTIONS',
      path: BASEMAP_PATH,
      handler: (_req, res) => {
        res.writeHead(204, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': 'Range, If-None-Match, If-Range',
          'Access-Control-Max-Age': '86400',
        });
        res.end();
      },
    },
    {
      method: 'GET',
      path: BASEMAP_PATH,
      handler: async (req, res) => {
        const info = await current();
        if (!info || !file) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('no basemap on this server (start it with --basemap FILE)\n');
          return;
        }
        serveFile(req, res, file, info);
      },
    },
  ];
}
