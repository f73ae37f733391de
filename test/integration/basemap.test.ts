// The basemap over HTTP: a PMTiles archive served with range requests (what a map reader asks
// for), described at /api/public/basemap.json; the demo region's own archive for a demo store;
// nothing (and a clear 404) without one; an unreadable --basemap refused at start.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PMTiles, FetchSource } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoBasemap } from '../../sync-server/features/basemap/demo-basemap';
import { parseRange } from '../../sync-server/routes/basemap';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';

let withFile: TestServer;
let demo: TestServer;
let none: TestServer;
let bytes: Uint8Array;

beforeAll(async () => {
  bytes = buildDemoBasemap();
  const file = join(tempDataDir(), 'city.pmtiles');
  writeFileSync(file, bytes);
  [withFile, demo, none] = await Promise.all([
    startTestServer({ basemap: file }),
    startTestServer({ demo: true }),
    startTestServer({}),
  ]);
});

afterAll(async () => {
  await Promise.all([withFile, demo, none].map((s) => s?.stop()));
});

describe('the basemap', () => {
  it('is described at basemap.json and served in ranges, byte for byte', async () => {
    const info = (await (await fetch(`${withFile.url}/api/public/basemap.json`)).json()) as { available: boolean; url: string; bytes: number; minZoom: number; maxZoom: number; bounds: number[] };
    expect(info).toMatchObject({ available: true, url: '/basemap/city.pmtiles', bytes: bytes.byteLength, minZoom: 10, maxZoom: 15 });
    expect(info.bounds[0]).toBeCloseTo(130.5, 5);
    const r = await fetch(`${withFile.url}${info.url}`, { headers: { Range: 'bytes=100-227' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 100-227/${bytes.byteLength}`);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes.slice(100, 228));
    const tail = await fetch(`${withFile.url}${info.url}`, { headers: { Range: 'bytes=-10' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-10));
    const whole = await fetch(`${withFile.url}${info.url}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(bytes.byteLength);
    const etag = whole.headers.get('etag')!;
    expect((await fetch(`${withFile.url}${info.url}`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    // a tablet reads a shelter box's archive cross-origin
    const pre = await fetch(`${withFile.url}${info.url}`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Range');
  });

  it('refuses a range past the end with 416 and its size', async () => {
    const r = await fetch(`${withFile.url}/basemap/city.pmtiles`, { headers: { Range: `bytes=${bytes.byteLength + 5}-` } });
    expect(r.status).toBe(416);
    expect(r.headers.get('content-range')).toBe(`bytes */${bytes.byteLength}`);
    expect(parseRange('bytes=0-0,5-9', 100)).toBeNull();
    expect(parseRange('items=0-5', 100)).toBeNull();
    expect(parseRange('bytes=5-2', 100)).toBeNull();
    expect(parseRange('bytes=90-200', 100)).toEqual([90, 99]);
  });

  it('reads as a PMTiles archive over HTTP with the pmtiles library (what the maps do)', async () => {
    const p = new PMTiles(new FetchSource(`${withFile.url}/basemap/city.pmtiles`));
    expect((await p.getHeader()).maxZoom).toBe(15);
    expect(await p.getZxy(13, 7067, 3313)).toBeDefined(); // 本町地区
  });

  it('a demo store serves the demo region’s basemap; a real store without --basemap serves none', async () => {
    const d = (await (await fetch(`${demo.url}/api/public/basemap.json`)).json()) as { available: boolean; name: string };
    expect(d).toMatchObject({ available: true });
    expect(d.name).toContain('デモ地域');
    expect(await (await fetch(`${none.url}/api/public/basemap.json`)).json()).toEqual({ available: false });
    const r = await fetch(`${none.url}/basemap/city.pmtiles`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('--basemap');
  });

  it('a --basemap that is missing or not PMTiles stops the start with the reason', async () => {
    const notPm = join(tempDataDir(), 'notes.txt');
    writeFileSync(notPm, 'hello, this is not a map');
    await expect(startTestServer({ basemap: notPm })).rejects.toThrow(/not a PMTiles version 3 archive/);
    await expect(startTestServer({ basemap: '/nonexistent/x.pmtiles' })).rejects.toThrow(/no such file/);
  });
});
