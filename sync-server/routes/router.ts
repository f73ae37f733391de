// A route table: each module (public, hq, ops) exports a list of routes; http.ts matches the
// method and exact path. Adding an endpoint is one entry in one list.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { KeyedBuckets } from '../../domain/token-bucket';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'OPTIONS';
  path: string;
  /** `path` is a prefix: the rest of the path is the handler's to read (e.g. an id). */
  prefix?: boolean;
  handler: Handler;
}

/** The client's address: the socket's, or the first X-Forwarded-For entry behind a trusted proxy (HINANJO_TRUST_PROXY=1). */
export function clientAddress(req: IncomingMessage): string {
  if (process.env.HINANJO_TRUST_PROXY === '1') {
    const fwd = req.headers['x-forwarded-for'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? '';
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Below this a compressed form saves less than its headers cost. */
const COMPRESS_MIN_BYTES = 1_024;
/** Compressed forms of bodies, made once (off the event loop) and kept as long as the body object lives. */
const compressed = new WeakMap<object, Promise<{ gzip: Buffer; br: Buffer }>>();
const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The gzip and brotli forms of a cached body: its own when it brought them (hazard layers,
 * compressed at import), else made once on the first request that accepts one and kept with the
 * body (status.json and the closures change at most once per edit, and are read by every open
 * page after it: one compression per change, not per request). Brotli at quality 5: within a few
 * per cent of the best on JSON, at a fraction of its time.
 */
export function compressedForms(body: { body: Buffer | string; gzip?: Buffer; br?: Buffer }): Promise<{ gzip?: Buffer; br?: Buffer }> {
  if (body.gzip || body.br) return Promise.resolve(body);
  const raw = typeof body.body === 'string' ? Buffer.from(body.body) : body.body;
  if (raw.length < COMPRESS_MIN_BYTES) return Promise.resolve({});
  let forms = compressed.get(body);
  if (!forms) {
    // zlib's thread pool does the work: requests meanwhile wait for it, the sockets do not.
    forms = Promise.all([
      gzipAsync(raw, { level: 6 }),
      brotliAsync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    ]).then(([gz, br]) => ({ gzip: gz, br }));
    compressed.set(body, forms);
  }
  return forms;
}

/**
 * Serves a precomputed body with its ETag; 304 when the client already has it; in the best
 * encoding the client accepts (compressedForms).
 */
export function sendCached(
  req: IncomingMessage,
  res: ServerResponse,
  body: { body: Buffer | string; etag: string; gzip?: Buffer; br?: Buffer },
  contentType: string,
  // Browsers revalidate every time (a page must never take a cached copy for a check that
  // reached the server); a CDN or caching proxy may serve one for 5 s.
  cacheControl = 'public, max-age=0, s-maxage=5',
): void {
  const headers: Record<string, string> = {
    ETag: body.etag,
    'Cache-Control': cacheControl,
    'Access-Control-Allow-Origin': '*',
    Vary: 'Accept-Encoding',
  };
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === body.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const accept = String(req.headers['accept-encoding'] ?? '');
  const wantsBr = /\bbr\b/.test(accept);
  const wantsGzip = /\bgzip\b/.test(accept);
  const send = (forms: { gzip?: Buffer; br?: Buffer }) => {
    if (res.destroyed) return;
    let data: Buffer | string = body.body;
    if (forms.br && wantsBr) [data, headers['Content-Encoding']] = [forms.br, 'br'];
    else if (forms.gzip && wantsGzip) [data, headers['Content-Encoding']] = [forms.gzip, 'gzip'];
    res.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(data)) });
    res.end(req.method === 'HEAD' ? undefined : data);
  };
  if (!wantsBr && !wantsGzip) return send({});
  // A compressor failure must not cost the answer: the plain body goes instead.
  compressedForms(body).then(send, () => send({}));
}

/** Requests per address: a burst, then `perMinute` (domain/token-bucket.ts), full buckets forgotten. */
export class AddressLimits extends KeyedBuckets<string> {
  constructor(burst: number, perMinute: number, now: () => number = Date.now) {
    super(burst, perMinute / 60, now, 100_000);
  }
}

/** A request body over its limit: callers answer 413 rather than 400. */
export class BodyTooLarge extends Error {
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Reads a JSON request body of at most `limit` bytes (BodyTooLarge past it, SyntaxError if not JSON). */
export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
