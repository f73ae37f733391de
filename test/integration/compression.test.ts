// What the server sends goes out compressed where it pays (issue 26): the built files in the
// form made at build time, status.json and the closures compressed once per change, HQ's
// overview stream gzipped and flushed per event; and the public change stream carries a changed
// level on the event itself, one buffer for every open page.
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDistrictLevel } from '../../domain/levels';
import { HQ_DOC } from '../../domain/schema';
import { seedHq, writeDoc } from '../helpers/seed';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  const distDir = tempDataDir('hinanjo-dist-');
  mkdirSync(join(distDir, 'assets'));
  const js = `console.log(${JSON.stringify('避難所 '.repeat(500))});`;
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>resident</title>');
  writeFileSync(join(distDir, 'assets/app-1a2b3c.js'), js);
  writeFileSync(join(distDir, 'assets/app-1a2b3c.js.br'), brotliCompressSync(js));
  server = await startTestServer({ distDir });
  await seedHq(server, {
    region: '圧縮市',
    // status.json lists every district: 150 of them make a body worth compressing
    districts: Array.from({ length: 150 }, (_, i) => ({ id: `d${i + 1}`, name: `${i + 1}丁目`, level: 0 as const })),
    shelters: Array.from({ length: 3 }, (_, i) => ({ id: `s${i}`, name: `第${i}避難所`, capacity: 100, districtId: 'd1', lat: 35 + i / 1000, lon: 139 })),
  });
  // status.json follows the seed a moment later (derived layers are debounced)
  for (let i = 0; i < 200; i++) {
    const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { districts: unknown[] };
    if (status.districts.length === 150) break;
    await new Promise((r) => setTimeout(r, 25));
  }
});

afterAll(async () => server.stop());

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed answers', () => {
  it('status.json in brotli or gzip as the client accepts, the same JSON as plain, and 304 still answered', async () => {
    const plain = await get('/api/public/status.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(4_000);
    const br = await get('/api/public/status.json', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    const gz = await get('/api/public/status.json', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const again = await get('/api/public/status.json', { 'Accept-Encoding': 'br', 'If-None-Match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('a built file goes out as the compressed copy made at build time, with its cache rules', async () => {
    const plain = await get('/assets/app-1a2b3c.js');
    const br = await get('/assets/app-1a2b3c.js', { 'Accept-Encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toMatch(/immutable/);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
  });

  it("HQ's overview stream is gzipped and each event arrives whole without the stream ending (flushed)", async () => {
    const hq = await server.token({ role: 'hq' });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.url}/api/hq/overview/events?token=${hq}`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        let out = '';
        let raw = 0;
        res.on('data', (c: Buffer) => (raw += c.length));
        const unzip = res.pipe(createGunzip());
        unzip.on('data', (c: Buffer) => {
          out += c.toString();
          if (/event: overview\ndata: .*\n\n/.test(out)) {
            expect(raw).toBeGreaterThan(0);
            req.destroy();
            resolve(out);
          }
        });
        unzip.on('error', () => undefined);
      });
      req.on('error', (e) => (/socket hang up|aborted/.test(e.message) ? undefined : reject(e)));
      req.end();
    });
    expect(text).toContain('event: overview');
  });
});

describe('the public change stream', () => {
  it('carries the changed level on the event, so a page shows it without fetching', async () => {
    const events: string[] = [];
    const req = request(`${server.url}/api/public/changes`, (res) => res.on('data', (c: Buffer) => events.push(...c.toString().split('\n\n').filter((e) => e.startsWith('event: etags')))));
    req.end();
    try {
      await expect.poll(() => events.length).toBe(1);
      expect(events[0]).not.toContain('levels');
      await writeDoc(server, HQ_DOC, (doc) => void setDistrictLevel(doc, 'd1', 4, { by: 'test', now: new Date() }));
      await expect.poll(() => events.length, { timeout: 3_000 }).toBe(2);
      const data = JSON.parse(events[1].split('\ndata: ')[1]) as { status: string; levels: Record<string, { level: number }> };
      expect(data.levels).toEqual({ d1: expect.objectContaining({ level: 4 }) });
      expect(data.status).toMatch(/^"/);
    } finally {
      req.destroy();
    }
  });
});
