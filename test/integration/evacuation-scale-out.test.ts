// The residents' side on two instances sharing one PostgreSQL: subscriptions, reports and SOS
// live in the store, both instances report the same counts, and each alert reaches each
// subscriber once, not once per instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDistrictLevel } from '../../domain/levels';
import { HQ_DOC } from '../../domain/schema';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { startPushService, type PushService } from '../helpers/push-service';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';

let pg: TestPostgres;
let push: PushService;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  pg = await startTestPostgres();
  push = await startPushService();
  process.env.HINANJO_PUSH_ENDPOINTS = push.origin;
  const url = await pg.createDatabase('evac');
  a = await startTestServer({ storeUrl: url });
  b = await startTestServer({ storeUrl: url });
  await seedHq(a, { region: 'テスト市', districts: [{ id: 'd1', name: '本町地区' }], shelters: [{ id: 's1', name: '本町小学校', districtId: 'd1' }] });
}, 90_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await push?.close();
  await pg?.stop();
  delete process.env.HINANJO_PUSH_ENDPOINTS;
});

const post = (s: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('evacuation on two instances', () => {
  it('each subscriber gets each alert once; report counts agree; an SOS taken on one is seen on the other', async () => {
    // one VAPID key for both
    const keyA = await (await fetch(`${a.url}/api/public/push-key`)).json();
    const keyB = await (await fetch(`${b.url}/api/public/push-key`)).json();
    expect(keyA).toEqual(keyB);
    await expect.poll(async () => (await (await fetch(`${b.url}/api/public/status.json`)).json()).districts.length, { timeout: 5_000 }).toBe(1);
    const subs = ['one', 'two', 'three'].map((n) => push.subscriber(n));
    for (const [i, s] of subs.entries()) {
      const r = await post(i % 2 ? a : b, '/api/public/push-subscriptions', { subscription: { endpoint: s.endpoint, keys: s.keys }, district: 'd1', switchLevel: 4, lang: 'ja' });
      expect(r.status).toBe(201);
    }
    await writeDoc(a, HQ_DOC, (doc) => {
      setDistrictLevel(doc, 'd1', 4, { by: 'test', now: new Date() });
    });
    await expect.poll(() => subs.map((s) => push.received(s).length), { timeout: 10_000 }).toEqual([1, 1, 1]);
    // both instances saw the change: give the slower one time to try, then count again
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all([a.server.evacuation!.push.idle, b.server.evacuation!.push.idle]);
    expect(subs.map((s) => push.received(s).map((p) => p.kind))).toEqual([['evacuate'], ['evacuate'], ['evacuate']]);

    // reports through either instance, counted alike by both
    for (let i = 0; i < 6; i++) {
      const r = await post(i % 2 ? a : b, '/api/public/evacuation-reports', { district: 'd1', status: i < 4 ? 'evacuated' : 'not-yet', ...(i < 4 ? { where: 'shelter' } : {}), device: `scale-device-${String(i).padStart(8, '0')}` });
      expect(r.status).toBe(202);
    }
    const counts = async (s: TestServer) => {
      await s.server.evacuation!.reports.refresh();
      s.server.derived.flushNow();
      return ((await (await fetch(`${s.url}/api/public/status.json`)).json()) as { districts: { reports?: unknown }[] }).districts[0].reports;
    };
    const expected = { evacuated: 4, 'safe-at-home': 0, 'not-yet': 2, where: { shelter: 4, relatives: 0, upstairs: 0, car: 0 } };
    expect(await counts(a)).toEqual(expected);
    expect(await counts(b)).toEqual(expected);

    // an SOS received by one, taken on the other
    const { id, secret } = (await (await post(a, '/api/public/sos', { people: 3, reasons: ['bedridden'], lat: 32.5, lon: 130.6, consent: true })).json()) as { id: string; secret: string };
    const hq = await b.token({ role: 'hq', device: 'B desk' });
    const list = (await (await fetch(`${b.url}/api/hq/sos`, { headers: { Authorization: `Bearer ${hq}` } })).json()) as { sos: { id: string }[] };
    expect(list.sos.map((x) => x.id)).toEqual([id]);
    expect((await post(b, `/api/hq/sos/${id}`, { state: 'in-progress' }, { Authorization: `Bearer ${hq}` })).status).toBe(200);
    expect(await (await fetch(`${a.url}/api/public/sos/${id}`, { headers: { 'X-Sos-Secret': secret } })).json()).toMatchObject({ state: 'in-progress' });
  });
});
