// The resident page's polling of a public layer, against a real HTTP server on an ephemeral port
// with Node's fetch. Node has no localStorage, so the Web Storage interface is provided over a Map;
// the browser tests cover the real one.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFeed } from '../../web/resident/feed';

class MapStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, String(v));
  }
}

interface Layer {
  body: string;
  etag: string;
}

let server: Server | null = null;
const requests: { ifNoneMatch: string | undefined }[] = [];

async function serve(layer: Layer, mode: { hang?: boolean } = {}): Promise<string> {
  server = createServer((req, res) => {
    requests.push({ ifNoneMatch: req.headers['if-none-match'] });
    if (mode.hang) return; // never answers
    if (req.headers['if-none-match'] === layer.etag) {
      res.writeHead(304, { ETag: layer.etag }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: layer.etag }).end(layer.body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/layer.json`;
}

async function stopServer() {
  if (!server) return;
  const s = server;
  server = null;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}

afterEach(async () => {
  requests.length = 0;
  await stopServer();
});

const parse = (j: unknown) => (j && typeof j === 'object' && 'level' in j ? (j as { level: number }) : null);

describe('polling a public layer', () => {
  it('asks with the ETag it holds, keeps the copy on 304 and only moves the checked time', async () => {
    const layer = { body: '{"level":2}', etag: '"v1"' };
    const url = await serve(layer);
    const storage = new MapStorage();
    let clock = new Date('2026-11-22T01:00:00Z');
    const feed = createFeed({ url, storageKey: 'k', parse, intervalMs: 60_000, storage, now: () => clock });
    await feed.checkNow();
    expect(feed.state()).toMatchObject({ reach: 'ok', cached: { data: { level: 2 }, etag: '"v1"', receivedAt: '2026-11-22T01:00:00.000Z' } });
    clock = new Date('2026-11-22T01:01:00Z');
    await feed.checkNow();
    expect(requests.map((r) => r.ifNoneMatch)).toEqual([undefined, '"v1"']);
    expect(feed.state().cached).toMatchObject({ receivedAt: '2026-11-22T01:00:00.000Z', checkedAt: '2026-11-22T01:01:00.000Z' });

    layer.body = '{"level":4}';
    layer.etag = '"v2"';
    await feed.checkNow();
    expect(feed.state().cached?.data).toEqual({ level: 4 });
  });

  it('keeps the last good copy when the body is not the layer, and says so', async () => {
    const layer = { body: '{"level":3}', etag: '"a"' };
    const url = await serve(layer);
    const feed = createFeed({ url, storageKey: 'k', parse, intervalMs: 60_000, storage: new MapStorage() });
    await feed.checkNow();
    layer.body = '<html>proxy error</html>';
    layer.etag = '"b"';
    await feed.checkNow();
    expect(feed.state()).toMatchObject({ reach: 'error', cached: { data: { level: 3 }, etag: '"a"' } });
  });

  it('starts from the stored copy on the next visit and marks it offline when the server is gone', async () => {
    const url = await serve({ body: '{"level":5}', etag: '"x"' });
    const storage = new MapStorage();
    await createFeed({ url, storageKey: 'k', parse, intervalMs: 60_000, storage }).checkNow();
    await stopServer();

    const next = createFeed({ url, storageKey: 'k', parse, intervalMs: 60_000, storage });
    expect(next.state()).toMatchObject({ reach: 'unknown', cached: { data: { level: 5 } } });
    await next.checkNow();
    expect(next.state()).toMatchObject({ reach: 'offline', cached: { data: { level: 5 } } });
  });

  it('gives up on a request that hangs, so the polling goes on', async () => {
    const url = await serve({ body: '{}', etag: '"h"' }, { hang: true });
    const feed = createFeed({ url, storageKey: 'k', parse, intervalMs: 1_000, storage: new MapStorage() });
    const t0 = Date.now();
    await feed.checkNow();
    expect(feed.state().reach).toBe('offline');
    expect(Date.now() - t0).toBeLessThan(8_000);
  }, 15_000);
});
