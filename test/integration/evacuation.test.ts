// The residents' side against a real server: hazard layers served compact and cacheable, push
// alerts at each household's switch through a local push service that decrypts them, SSRF
// refused, anonymous reports counted in status.json once per device and event, and SOS from
// request to rescue with its access rules, audit and erasure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { setDistrictLevel } from '../../domain/levels';
import { HQ_DOC } from '../../domain/schema';
import { buildHazardLayer, checkHazardLayer, type HazardLayer } from '../../domain/hazard-layers';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';
import { startPushService, type PushService } from '../helpers/push-service';
import { filesContaining } from '../helpers/files';

let server: TestServer;
let push: PushService;
let hq: string;

const post = (path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') =>
  fetch(`${server.url}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function setLevel(district: string, level: 0 | 1 | 2 | 3 | 4 | 5) {
  await writeDoc(server, HQ_DOC, (doc) => {
    const r = setDistrictLevel(doc, district, level, { by: 'test', now: new Date() });
    if (!r.ok) throw new Error(r.error);
  });
  await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  push = await startPushService();
  process.env.HINANJO_PUSH_ENDPOINTS = push.origin;
  server = await startTestServer({});
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'd1', name: '本町地区' }, { id: 'd2', name: '港町地区' }],
    shelters: [{ id: 's1', name: '本町小学校', districtId: 'd1', hazards: ['flood'] }],
  });
  hq = await server.token({ role: 'hq', device: '本部卓' });
});

afterAll(async () => {
  await server.stop();
  await push.close();
  delete process.env.HINANJO_PUSH_ENDPOINTS;
});

describe('hazard layers', () => {
  const layer = (id: string): HazardLayer =>
    buildHazardLayer(
      [{ type: 'Feature', properties: { 浸水深: '3.0m以上5.0m未満' }, geometry: { type: 'Polygon', coordinates: [[[130.6, 32.5], [130.61, 32.5], [130.61, 32.51], [130.6, 32.51], [130.6, 32.5]]] } }],
      { kind: 'flood', property: '浸水深', values: { '3.0m以上5.0m未満': 2 } },
      { id, name: '本町川 洪水浸水想定区域', source: 'テスト', importedAt: '2026-12-07T00:00:00Z' },
    ).layer;

  it('HQ imports a layer; it is listed publicly with its URL and ETag and served compressed, 304 on a match', async () => {
    const staff = await server.token({ role: 'staff', shelter: 's1' });
    expect((await post('/api/hq/hazard-layers', layer('flood-a'))).status).toBe(401);
    expect((await post('/api/hq/hazard-layers', layer('flood-a'), { Authorization: `Bearer ${staff}` })).status).toBe(403);
    const bad = await post('/api/hq/hazard-layers', { ...layer('flood-a'), kind: 'meteor' }, { Authorization: `Bearer ${hq}` });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'bad-kind' });
    const ok = await post('/api/hq/hazard-layers', layer('flood-a'), { Authorization: `Bearer ${hq}` });
    expect(ok.status).toBe(201);
    const list = (await (await fetch(`${server.url}/api/public/hazards.json`)).json()) as { layers: { id: string; kind: string; url: string; etag: string }[] };
    const entry = list.layers.find((l) => l.id === 'flood-a')!;
    expect(entry).toMatchObject({ kind: 'flood', url: '/api/public/hazards/flood-a.json' });
    const res = await fetch(`${server.url}${entry.url}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('etag')).toBe(entry.etag);
    expect(res.headers.get('cache-control')).toContain('max-age');
    const served = (await res.json()) as HazardLayer;
    expect(checkHazardLayer(served)).toBeNull();
    expect(served.zones).toHaveLength(1);
    const raw = await import('node:http').then(
      (http) =>
        new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve) => {
          http.get(`${server.url}${entry.url}`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve({ status: r.statusCode!, encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
          });
        }),
    );
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString()).id).toBe('flood-a');
    expect((await fetch(`${server.url}${entry.url}`, { headers: { 'If-None-Match': entry.etag } })).status).toBe(304);
    expect((await fetch(`${server.url}/api/public/hazards/nope.json`)).status).toBe(404);
    const del = await fetch(`${server.url}/api/hq/hazard-layers/flood-a`, { method: 'DELETE', headers: { Authorization: `Bearer ${hq}` } });
    expect(del.status).toBe(204);
    expect(((await (await fetch(`${server.url}/api/public/hazards.json`)).json()) as { layers: unknown[] }).layers).toEqual([]);
  });
});

describe('push alerts', () => {
  it('refuses subscriptions it must not send to (SSRF) or cannot use, with a clear error', async () => {
    const good = push.subscriber('refusals');
    const base = { subscription: { endpoint: good.endpoint, keys: good.keys }, district: 'd1', switchLevel: 3, lang: 'ja' };
    for (const [endpoint, error] of [
      ['http://127.0.0.1:9/push', 'endpoint-not-allowed'],
      ['https://169.254.169.254/latest/meta-data', 'endpoint-not-allowed'],
      ['https://fcm.googleapis.com.evil.example/x', 'endpoint-not-allowed'],
      ['https://10.0.0.5/push', 'endpoint-not-allowed'],
    ] as const) {
      const r = await post('/api/public/push-subscriptions', { ...base, subscription: { ...base.subscription, endpoint } });
      expect({ endpoint, status: r.status, body: await r.json() }).toEqual({ endpoint, status: 400, body: { error } });
    }
    expect(await (await post('/api/public/push-subscriptions', { ...base, district: 'nowhere' })).json()).toEqual({ error: 'district' });
    expect(await (await post('/api/public/push-subscriptions', { ...base, switchLevel: 5 })).json()).toEqual({ error: 'switch-level' });
    expect(await (await post('/api/public/push-subscriptions', { ...base, lang: 'fr' })).json()).toEqual({ error: 'lang' });
    expect(await (await post('/api/public/push-subscriptions', { ...base, subscription: { endpoint: good.endpoint, keys: { p256dh: 'x', auth: 'y' } } })).json()).toEqual({ error: 'subscription' });
    expect(await server.server.store.listRecords('push-sub')).toEqual([]);
  });

  it('sends "prepare" one level below a household\'s switch, "evacuate" at it and "lifted" below it, in its language, urgent only to evacuate; a gone endpoint is removed', async () => {
    const key = (await (await fetch(`${server.url}/api/public/push-key`)).json()) as { publicKey: string };
    expect(key.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    const early = push.subscriber('early-ja');
    const late = push.subscriber('late-en');
    const elsewhere = push.subscriber('other-district');
    const dropped = push.subscriber('dropped');
    for (const [sub, district, switchLevel, lang] of [[early, 'd1', 3, 'ja'], [late, 'd1', 4, 'en'], [elsewhere, 'd2', 3, 'ko'], [dropped, 'd1', 3, 'zh']] as const) {
      const r = await post('/api/public/push-subscriptions', { subscription: { endpoint: sub.endpoint, keys: sub.keys }, district, switchLevel, lang });
      expect(r.status).toBe(201);
    }
    // the stored subscription has no home and no name: endpoint, keys, district, switch, language, time
    const stored = JSON.parse((await server.server.store.listRecords('push-sub', 'd1'))[0].data) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['at', 'district', 'endpoint', 'keys', 'lang', 'switchLevel']);
    push.gone.add(new URL(dropped.endpoint).pathname);

    await setLevel('d1', 2); // one below the early household's switch
    await server.server.evacuation!.push.idle;
    await expect.poll(() => push.received(early).map((p) => p.kind)).toEqual(['prepare']);
    expect(push.received(late)).toEqual([]);
    await setLevel('d1', 3);
    await server.server.evacuation!.push.idle;
    await expect.poll(() => push.received(early).map((p) => p.kind)).toEqual(['prepare', 'evacuate']);
    await expect.poll(() => push.received(late).map((p) => p.kind)).toEqual(['prepare']);
    const evac = push.received(early)[1];
    expect(evac).toMatchObject({ district: 'd1', districtName: '本町地区', level: 3, kind: 'evacuate' });
    expect(String(evac.title)).toContain('今すぐ避難');
    expect(String(push.received(late)[0].title)).toContain('Get ready');
    const evacDelivery = push.deliveries.filter((d) => d.path === new URL(early.endpoint).pathname)[1];
    expect(evacDelivery.headers.urgency).toBe('high');
    expect(Number(evacDelivery.headers.ttl)).toBeGreaterThan(0);
    expect(evacDelivery.headers['content-encoding']).toBe('aes128gcm');
    expect(String(evacDelivery.headers.authorization)).toMatch(/^vapid t=/);
    expect(push.deliveries.filter((d) => d.path === new URL(early.endpoint).pathname)[0].headers.urgency).toBe('normal');
    // the dropped subscription was removed on its 410
    await expect.poll(async () => (await server.server.store.listRecords('push-sub', 'd1')).length).toBe(2);
    await setLevel('d1', 1);
    await server.server.evacuation!.push.idle;
    await expect.poll(() => push.received(early).map((p) => p.kind)).toEqual(['prepare', 'evacuate', 'lifted']);
    await expect.poll(() => push.received(late).map((p) => p.kind)).toEqual(['prepare', 'lifted']);
    expect(push.received(elsewhere)).toEqual([]);
    // no payload carries anything personal: district, level, kind, words
    for (const p of push.received(early)) expect(Object.keys(p).sort()).toEqual(['at', 'body', 'district', 'districtName', 'kind', 'level', 'title', 'url']);
    // unsubscribe
    const del = await post('/api/public/push-subscriptions', { endpoint: late.endpoint }, {}, 'DELETE');
    expect(del.status).toBe(204);
    expect((await server.server.store.listRecords('push-sub', 'd1')).length).toBe(1);
    await setLevel('d1', 0);
  });
});

describe('reports back', () => {
  it('counts one report per device per district per level event, numbers only, in status.json; bad input changes nothing', async () => {
    const report = (body: Record<string, unknown>) => post('/api/public/evacuation-reports', body);
    // no level: nothing to report on
    expect((await report({ district: 'd2', status: 'evacuated', where: 'shelter', device: 'device-aaaaaaaaaaaaaaaa' })).status).toBe(409);
    await setLevel('d2', 4);
    const devices = ['device-aaaaaaaaaaaaaaaa', 'device-bbbbbbbbbbbbbbbb', 'device-cccccccccccccccc'];
    expect((await report({ district: 'd2', status: 'not-yet', device: devices[0] })).status).toBe(202);
    // the same phone reports again: it replaces its own report
    expect((await report({ district: 'd2', status: 'evacuated', where: 'shelter', device: devices[0] })).status).toBe(202);
    expect((await report({ district: 'd2', status: 'evacuated', where: 'relatives', device: devices[1] })).status).toBe(202);
    expect((await report({ district: 'd2', status: 'safe-at-home', device: devices[2] })).status).toBe(202);
    for (const [body, error] of [
      [{ district: 'd2', status: 'gone', device: devices[2] }, 'status'],
      [{ district: 'd2', status: 'safe-at-home', where: 'car', device: devices[2] }, 'where'],
      [{ district: 'zz', status: 'evacuated', device: devices[2] }, 'district'],
      [{ district: 'd2', status: 'evacuated', device: 'short' }, 'device'],
    ] as const) {
      const r = await report(body);
      expect({ status: r.status, body: await r.json() }).toEqual({ status: 400, body: { error } });
    }
    await server.server.evacuation!.reports.refresh();
    server.server.derived.flushNow();
    const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { districts: { id: string; reports?: unknown }[] };
    expect(status.districts.find((d) => d.id === 'd2')!.reports).toEqual({
      evacuated: 2, 'safe-at-home': 1, 'not-yet': 0, where: { shelter: 1, relatives: 1, upstairs: 0, car: 0 },
    });
    // the device id is not stored as such
    const stored = JSON.stringify(await server.server.store.listRecords('report'));
    for (const d of devices) expect(stored).not.toContain(d);
    // a new level event starts a new count
    await setLevel('d2', 5);
    await server.server.evacuation!.reports.refresh();
    server.server.derived.flushNow();
    const after = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { districts: { id: string; reports?: unknown }[] };
    expect(after.districts.find((d) => d.id === 'd2')!.reports).toBeUndefined();
  });

  it('a flood of reports from one address is slowed down', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) {
      const r = await post('/api/public/evacuation-reports', { district: 'd2', status: 'not-yet', device: `flood-device-${String(i).padStart(8, '0')}` });
      if (r.status === 429) limited++;
    }
    expect(limited).toBeGreaterThan(0);
  });
});

describe('SOS', () => {
  const sos = { people: 2, reasons: ['wheelchair', 'flooding'], lat: 32.5071, lon: 130.6032, phone: '090-1234-5678', name: '救助待子', note: '2階にいます', consent: true };

  it('from request to rescue: the resident follows its state with the secret and can cancel; HQ lists and changes it, audited; no one else sees it', async () => {
    expect(await (await post('/api/public/sos', { ...sos, consent: false })).json()).toEqual({ error: 'consent' });
    expect(await (await post('/api/public/sos', { ...sos, people: 0 })).json()).toEqual({ error: 'people' });
    expect(await (await post('/api/public/sos', { ...sos, reasons: ['aliens'] })).json()).toEqual({ error: 'reasons' });
    expect(await (await post('/api/public/sos', { ...sos, lat: 'here' })).json()).toEqual({ error: 'location' });
    const created = await post('/api/public/sos', sos);
    expect(created.status).toBe(201);
    const { id, secret } = (await created.json()) as { id: string; secret: string };
    const check = (s = secret) => fetch(`${server.url}/api/public/sos/${id}`, { headers: { 'X-Sos-Secret': s } });
    expect(await (await check()).json()).toMatchObject({ id, state: 'received' });
    expect((await check('wrong')).status).toBe(404);
    expect((await fetch(`${server.url}/api/public/sos/${id}`)).status).toBe(404);

    // nobody but HQ lists them, and no public layer carries them
    const staff = await server.token({ role: 'staff', shelter: 's1' });
    const box = await server.token({ role: 'box', shelter: 's1' });
    expect((await fetch(`${server.url}/api/hq/sos`)).status).toBe(401);
    for (const t of [staff, box]) expect((await fetch(`${server.url}/api/hq/sos`, { headers: { Authorization: `Bearer ${t}` } })).status).toBe(403);
    for (const path of ['/api/public/status.json', '/api/public/cap.xml', '/api/public/road-closures.geojson', '/api/public/hazards.json']) {
      const body = await (await fetch(`${server.url}${path}`)).text();
      expect(body, path).not.toContain('救助待子');
      expect(body, path).not.toContain('090-1234');
    }
    const auditBefore = (await server.server.store.listAudit()).length;
    const list = (await (await fetch(`${server.url}/api/hq/sos`, { headers: { Authorization: `Bearer ${hq}` } })).json()) as { sos: Record<string, unknown>[] };
    expect(list.sos).toEqual([expect.objectContaining({ id, state: 'received', people: 2, name: '救助待子', phone: '090-1234-5678', lat: 32.5071 })]);
    expect(JSON.stringify(list)).not.toContain('secret');
    const change = await post(`/api/hq/sos/${id}`, { state: 'in-progress', note: '消防に連絡済み' }, { Authorization: `Bearer ${hq}` });
    expect(change.status).toBe(200);
    expect(await change.json()).toMatchObject({ state: 'in-progress', history: [expect.objectContaining({ state: 'received' }), expect.objectContaining({ state: 'in-progress', by: '本部卓', note: '消防に連絡済み' })] });
    expect((await post(`/api/hq/sos/${id}`, { state: 'teleported' }, { Authorization: `Bearer ${hq}` })).status).toBe(400);
    expect((await post(`/api/hq/sos/${id}`, { state: 'rescued' }, { Authorization: `Bearer ${staff}` })).status).toBe(403);
    expect(await (await check()).json()).toMatchObject({ state: 'in-progress' });
    const audit = (await server.server.store.listAudit()).slice(auditBefore);
    expect(audit.map((e) => [e.askedBy, e.relation])).toEqual([['SOS', 'sos-list'], ['SOS', 'sos-state']]);

    // a second request, cancelled by the resident
    const other = (await (await post('/api/public/sos', { ...sos, name: null, phone: null, people: 1, reasons: ['isolated'] })).json()) as { id: string; secret: string };
    const cancel = await fetch(`${server.url}/api/public/sos/${other.id}`, { method: 'DELETE', headers: { 'X-Sos-Secret': other.secret } });
    expect(await cancel.json()).toMatchObject({ state: 'cancelled' });
    await post(`/api/hq/sos/${id}`, { state: 'rescued' }, { Authorization: `Bearer ${hq}` });
    expect((await fetch(`${server.url}/api/public/sos/${id}`, { method: 'DELETE', headers: { 'X-Sos-Secret': secret } })).status).toBe(409);

    // resolved requests are erased after the retention period, from every byte of the data directory
    expect(filesContaining(server.dataDir, '救助待子')).not.toEqual([]);
    const erased = await server.server.evacuation!.sos.purgeResolved(new Date(Date.now() + 91 * 86_400_000));
    expect(erased).toBe(2);
    expect(await server.server.store.listRecords('sos')).toEqual([]);
    expect(filesContaining(server.dataDir, '救助待子')).toEqual([]);
  });
});
