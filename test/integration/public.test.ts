// The derived public layers, the HQ overview stream and the operator endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, checkOutPerson, emptyPersonInput } from '../../domain/people';
import { hqRoadClosures, shelterMeta, shelterRequests, toYMap } from '../../domain/schema';
import * as Y from 'yjs';
import { SUMMARY_LIMITS, type ShelterSummary } from '../../domain/overview';
import type { PublicStatus } from '../../domain/public-status';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';

let server: TestServer;
let distDir: string;

const NAMES = ['避難 太郎', '避難 花子', 'Jane Evacuee'];

beforeAll(async () => {
  // a small stand-in for the built PWA, enough to check the caching rules
  distDir = tempDataDir('hinanjo-dist-');
  mkdirSync(join(distDir, 'assets'));
  mkdirSync(join(distDir, 'shelter'));
  mkdirSync(join(distDir, 'hq'));
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>resident</title>');
  writeFileSync(join(distDir, 'shelter/index.html'), '<!doctype html><title>shelter</title>');
  writeFileSync(join(distDir, 'hq/index.html'), '<!doctype html><title>hq</title>');
  writeFileSync(join(distDir, 'assets/app-3f9a1c.js'), 'console.log(1)');
  writeFileSync(join(distDir, 'sw.js'), '// sw');
  writeFileSync(join(distDir, 'registerSW.js'), '// register');
  writeFileSync(join(distDir, 'manifest.webmanifest'), '{}');
  server = await startTestServer({ distDir });
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'd1', name: '一丁目', level: 3, issuedAt: '2026-11-22T00:00:00Z' }],
    shelters: [
      { id: 's1', name: '第一小学校', capacity: 5, districtId: 'd1', hazards: ['flood'] },
      { id: 's2', name: '第二公民館', capacity: 50, districtId: 'd1' },
    ],
  });
});

afterAll(async () => server.stop());

async function status(): Promise<{ res: Response; body: PublicStatus }> {
  const res = await fetch(`${server.url}/api/public/status.json`);
  return { res, body: (await res.json()) as PublicStatus };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 2_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('status.json', () => {
  it('counts a check-in within 1 s and never contains a name that was checked in', async () => {
    const staff = await server.token({ role: 'staff', shelter: 's1' });
    const t0 = Date.now();
    let personIds: string[] = [];
    await writeDoc(
      server,
      'shelter/s1',
      (doc) => {
        shelterMeta(doc).set('status', 'open');
        const r = checkInHousehold(
          doc,
          NAMES.map((name, i) => ({ ...emptyPersonInput(), name, kana: 'ヒナン', stay: i === 2 ? 'car' : 'shelter', needs: ['wheelchair'], note: `${name}の薬` })),
          { now: new Date(), newId: uuidv7 },
        );
        if (!r.ok) throw new Error('check-in failed');
        personIds = r.value.personIds;
      },
      staff,
    );
    const { body } = await eventually(status, (s) => s.body.shelters.find((x) => x.id === 's1')?.headcount === 2);
    expect(Date.now() - t0).toBeLessThan(1_000 + 500); // the write itself is included
    const s1 = body.shelters.find((x) => x.id === 's1')!;
    expect(s1).toMatchObject({ headcount: 2, stay: { shelter: 2, car: 1, home: 0 }, capacity: 5, crowding: 'somewhat-crowded', status: 'open' });
    expect(s1.updatedAt).not.toBeNull();
    expect(body.region).toBe('テスト市');
    expect(body.districts).toEqual([{ id: 'd1', name: '一丁目', level: 3, issuedAt: '2026-11-22T00:00:00Z' }]);
    const text = JSON.stringify(body);
    for (const name of NAMES) {
      expect(text).not.toContain(name);
      expect(text).not.toContain(name.split(' ')[1]);
    }
    expect(text).not.toContain('ヒナン');
    expect(text).not.toContain('の薬');
    expect(text).not.toContain(personIds[0]);

    // a check-out moves the count the same way
    await writeDoc(server, 'shelter/s1', (doc) => void checkOutPerson(doc, personIds[0], new Date()), staff);
    const after = await eventually(status, (s) => s.body.shelters.find((x) => x.id === 's1')?.headcount === 1);
    expect(after.body.shelters.find((x) => x.id === 's1')!.headcount).toBe(1);
  });

  it('answers 304 to a matching If-None-Match, with a short Cache-Control, and a new ETag after a change', async () => {
    const first = await fetch(`${server.url}/api/public/status.json`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d/);
    const again = await fetch(`${server.url}/api/public/status.json`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    await writeDoc(server, 'shelter/s2', (doc) => shelterMeta(doc).set('status', 'closed'));
    const changed = await eventually(
      () => fetch(`${server.url}/api/public/status.json`, { headers: { 'If-None-Match': etag } }),
      (r) => r.status === 200,
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const body = (await changed.json()) as PublicStatus;
    expect(body.shelters.find((s) => s.id === 's2')!.crowding).toBe('closed');
  });
});

describe('road-closures.geojson', () => {
  it('has the active closures of the hq document and leaves expired ones out', async () => {
    await writeDoc(server, 'hq', (doc) => {
      hqRoadClosures(doc).set(
        'c-active',
        toYMap({ geometry: { type: 'LineString', coordinates: [[130.6, 32.5], [130.61, 32.51]] }, reason: '冠水', since: '2026-11-22T00:00:00Z', until: null, source: 'test' }),
      );
      hqRoadClosures(doc).set(
        'c-expired',
        toYMap({ geometry: { type: 'LineString', coordinates: [[130.6, 32.5], [130.62, 32.52]] }, reason: '倒木', since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z', source: 'test' }),
      );
    });
    const res = await eventually(
      () => fetch(`${server.url}/api/public/road-closures.geojson`).then(async (r) => ({ r, j: await r.json() })),
      (x) => x.j.features.length > 0,
    );
    expect(res.r.headers.get('content-type')).toMatch(/geo\+json/);
    expect(res.j.type).toBe('FeatureCollection');
    expect(res.j.features.map((f: { id: string }) => f.id)).toEqual(['c-active']);
    expect(res.j.features[0].properties).toMatchObject({ reason: '冠水', until: null, source: 'test' });
  });
});

describe('HQ overview', () => {
  it('serves the summaries, and the event stream sends the overview then each changed shelter', async () => {
    const hq = await server.token({ role: 'hq' });
    const res = await fetch(`${server.url}/api/hq/overview`, { headers: { Authorization: `Bearer ${hq}` } });
    const overview = await res.json();
    expect(overview.shelters.find((s: { shelterId: string }) => s.shelterId === 's1').present.shelter).toBe(1);

    const ctrl = new AbortController();
    const stream = await fetch(`${server.url}/api/hq/overview/events?token=${hq}`, { signal: ctrl.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: overview\ndata: .*\n\n/);
    const t0 = Date.now();
    await writeDoc(server, 'shelter/s2', (doc) => shelterMeta(doc).set('status', 'open'));
    await readUntil(/event: (shelter|patch)\ndata: .*"shelterId":"s2".*\n\n/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    ctrl.abort();
    const staff = await server.token({ role: 'staff', shelter: 's1' });
    expect((await fetch(`${server.url}/api/hq/overview/events?token=${staff}`)).status).toBe(403);
  });
});

describe('summaries that amplify', () => {
  it('a shelter with 55 requests of 86k-character notes: the overview stays small, and a tiny change sends a tiny patch', async () => {
    // in five writes: one frame may hold 4 MB
    for (let part = 0; part < 5; part++) await writeDoc(server, 'shelter/big', (doc) => {
      shelterMeta(doc).set('status', 'open');
      for (let i = part * 11; i < part * 11 + 11; i++) {
        const m = new Y.Map<unknown>();
        shelterRequests(doc).set(`r${i}`, m);
        for (const [k, v] of Object.entries({ item: 'water', quantity: 1, status: 'open', createdAt: `2026-12-01T00:00:${String(i).padStart(2, '0')}Z`, note: 'x'.repeat(86_000) })) m.set(k, v);
      }
    });
    const hq = await server.token({ role: 'hq' });
    await server.server.derived.flushNow();
    const body = await (await fetch(`${server.url}/api/hq/overview`, { headers: { Authorization: `Bearer ${hq}` } })).text();
    expect(body.length).toBeLessThan(64 * 1024);
    const big = (JSON.parse(body) as { shelters: ShelterSummary[] }).shelters.find((s) => s.shelterId === 'big')!;
    expect(big.openRequests).toHaveLength(SUMMARY_LIMITS.requests);
    expect(big.requestCounts).toEqual({ open: 55, acknowledged: 0 });
    expect(Math.max(...big.openRequests.map((r) => r.note.length))).toBeLessThanOrEqual(SUMMARY_LIMITS.noteChars);

    const ctrl = new AbortController();
    const stream = await fetch(`${server.url}/api/hq/overview/events?token=${hq}`, { signal: ctrl.signal });
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: overview\ndata: .*\n\n/);
    text = '';
    for (let i = 0; i < 3; i++) {
      await writeDoc(server, 'shelter/big', (doc) => shelterMeta(doc).set('status', i % 2 ? 'open' : 'full'));
      while ((text.match(/event: patch\ndata: [^\n]*\n\n/g) ?? []).length < i + 1) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    }
    ctrl.abort();
    const patches = [...text.matchAll(/event: patch\ndata: ([^\n]*)\n\n/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
    expect(patches.length).toBeGreaterThanOrEqual(3);
    for (const p of patches) expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['shelterId', 'status']));
    expect(text.length).toBeLessThan(3 * 1024);
  });
});

describe('operations', () => {
  it('/healthz is 200 while the store is writable and 503 once it is not', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const other = await startTestServer();
    await other.server.store.close(); // the database is gone from under the server
    const res = await fetch(`${other.url}/healthz`);
    expect(res.status).toBe(503);
    await other.stop().catch(() => undefined);
  });

  it('/metrics is Prometheus text with connections, documents, updates, commit latency and rejections', async () => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${await server.token({ role: 'hq' })}` } })).text();
    for (const name of ['hinanjo_connections', 'hinanjo_documents_loaded', 'hinanjo_updates_stored_total', 'hinanjo_store_commit_seconds_bucket', 'hinanjo_store_commit_seconds_count']) {
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\d`, 'm'));
    }
    expect(Number(/^hinanjo_updates_stored_total (\d+)/m.exec(text)![1])).toBeGreaterThan(0);
  });

  it('serves the app: hashed assets cached for a year, pages and the service worker always revalidated', async () => {
    const cases: [string, RegExp, RegExp][] = [
      ['/', /no-cache/, /resident/],
      ['/shelter/', /no-cache/, /shelter/],
      ['/hq/', /no-cache/, /hq/],
      ['/sw.js', /no-cache/, /sw/],
      ['/registerSW.js', /no-cache/, /register/],
      ['/manifest.webmanifest', /no-cache/, /\{\}/],
      ['/assets/app-3f9a1c.js', /max-age=31536000, immutable/, /console/],
    ];
    for (const [path, cache, body] of cases) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toMatch(cache);
      expect(await res.text(), path).toMatch(body);
    }
    expect((await fetch(`${server.url}/shelter/?token=abc`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/nope`)).status).toBe(404);
  });
});
