// A route table: each module (public, hq, ops) exports a list of routes; http.ts matches the
// method and exact path. Adding an endpoint is one entry in one list.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  handler: Handler;
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

/** Serves a precomputed body with its ETag; 304 when the client already has it. */
export function sendCached(
  req: IncomingMessage,
  res: ServerResponse,
  body: { body: Buffer | string; etag: string },
  contentType: string,
  cacheControl = 'public, max-age=5',
): void {
  const headers = {
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
  res.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body.body) });
  res.end(req.method === 'HEAD' ? undefined : body.body);
}

/** Reads a small JSON request body (at most `limit` bytes). */
export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
