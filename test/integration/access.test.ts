// The access rules of DESIGN.md, message by message, and device revocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../domain/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';

let server: TestServer;
const clients: YClient[] = [];

async function open(docName: string, token: string | null, name = docName): Promise<YClient> {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token, name });
  clients.push(c);
  return c;
}

function readOnlyDropped(): number {
  return server.server.metrics.framesRejected.get('read_only') ?? 0;
}

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await server.stop();
});

type Expect = 'write' | 'read' | number;

describe('the access matrix', () => {
  const matrix: [string, { role: 'staff' | 'hq'; shelter?: string } | null, string, Expect][] = [
    ['staff of A', { role: 'staff', shelter: 'A' }, 'shelter/A', 'write'],
    ['staff of A', { role: 'staff', shelter: 'A' }, 'hq', 'read'],
    ['staff of A', { role: 'staff', shelter: 'A' }, 'shelter/B', CLOSE.forbidden],
    ['hq', { role: 'hq' }, 'hq', 'write'],
    ['hq', { role: 'hq' }, 'shelter/A', 'write'],
    ['hq', { role: 'hq' }, 'shelter/B', 'write'],
    ['no token', null, 'hq', CLOSE.unauthorized],
    ['no token', null, 'shelter/A', CLOSE.unauthorized],
  ];

  for (const [who, claims, docName, expected] of matrix) {
    const what = typeof expected === 'number' ? `is refused with ${expected}` : `may ${expected}`;
    it(`${who} on ${docName} ${what}`, async () => {
      const token = claims ? await server.token(claims) : null;
      const c = await open(docName, token, `${who}@${docName}`);
      if (typeof expected === 'number') {
        expect((await c.whenClosed()).code).toBe(expected);
        return;
      }
      const observer = await open(docName, await server.token({ role: 'hq' }), `observer@${docName}`);
      await Promise.all([c.whenSynced(), observer.whenSynced()]);
      // reading: the client receives what others write
      const fromObserver = `observer-${Math.random()}`;
      observer.doc.getMap('m').set(fromObserver, 1);
      await observer.whenStored();
      await c.until(() => c.doc.getMap('m').has(fromObserver), 'received the observer\'s edit');
      // writing: stored and forwarded, or dropped and counted
      const before = readOnlyDropped();
      const mine = `mine-${Math.random()}`;
      c.doc.getMap('m').set(mine, 1);
      if (expected === 'write') {
        await c.whenStored();
        await observer.until(() => observer.doc.getMap('m').has(mine), 'received the edit');
      } else {
        await c.until(() => readOnlyDropped() > before, 'dropped');
        // the connection stays open for reading, and the edit went nowhere
        expect(c.connected).toBe(true);
        const late = await open(docName, await server.token({ role: 'hq' }), 'late');
        await late.whenSynced();
        expect(late.doc.getMap('m').has(mine)).toBe(false);
        expect(observer.doc.getMap('m').has(mine)).toBe(false);
        expect(c.allStored()).toBe(false);
      }
    });
  }
});

describe('read-only connections', () => {
  it('drops every write of a staff tablet to hq, counts each one, and stores none', async () => {
    const staff = await open('hq', await server.token({ role: 'staff', shelter: 'A' }), 'staff@hq');
    await staff.whenSynced();
    const before = readOnlyDropped();
    const stored = server.server.metrics.updatesStored;
    for (let i = 0; i < 20; i++) staff.doc.getMap('districts').set(`d${i}`, i);
    await staff.until(() => readOnlyDropped() >= before + 20, 'twenty drops');
    expect(server.server.metrics.updatesStored).toBe(stored);
    expect(server.server.registry.get('hq')!.doc.getMap('districts').size).toBe(0);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${await server.token({ role: 'hq' })}` } })).text();
    expect(metrics).toMatch(/hinanjo_frames_rejected_total\{reason="read_only"\} \d+/);
  });
});

describe('revocation', () => {
  it('a revoked device is disconnected at once and refused afterwards; the HQ device list shows it', async () => {
    const hq = await server.token({ role: 'hq', device: 'HQ desk' });
    const lost = await server.token({ role: 'staff', shelter: 'A', device: 'tablet 3' });
    const c = await open('shelter/A', lost, 'lost tablet');
    await c.whenSynced();
    const list = await (await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${hq}` } })).json();
    const device = list.devices.find((d: { device: string }) => d.device === 'tablet 3');
    expect(device).toMatchObject({ role: 'staff', shelter: 'A', revokedAt: null });

    const res = await fetch(`${server.url}/api/hq/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jti: device.jti }),
    });
    expect(res.status).toBe(200);
    expect((await c.whenClosed()).code).toBe(CLOSE.revoked);
    const again = await open('shelter/A', lost, 'lost again');
    expect((await again.whenClosed()).code).toBe(CLOSE.revoked);
    const after = await (await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${hq}` } })).json();
    expect(after.devices.find((d: { jti: string }) => d.jti === device.jti).revokedAt).not.toBeNull();
  });

  it('only an hq token may list or revoke devices', async () => {
    const staff = await server.token({ role: 'staff', shelter: 'A' });
    expect((await fetch(`${server.url}/api/hq/devices`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/hq/devices`, { headers: { Authorization: `Bearer ${staff}` } })).status).toBe(403);
    const res = await fetch(`${server.url}/api/hq/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${staff}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jti: 'x' }),
    });
    expect(res.status).toBe(403);
    expect((await fetch(`${server.url}/api/hq/overview`)).status).toBe(401);
  });

  it('a revocation holds across a restart of the server', async () => {
    const dataDir = server.dataDir;
    const token = await server.token({ role: 'staff', shelter: 'R' });
    const hq = await server.token({ role: 'hq' });
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    await fetch(`${server.url}/api/hq/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jti }),
    });
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await server.stop();
    server = await startTestServer({ dataDir });
    const c = await open('shelter/R', token, 'after restart');
    expect((await c.whenClosed()).code).toBe(CLOSE.revoked);
    const ok = await open('shelter/R', await server.token({ role: 'staff', shelter: 'R' }), 'a new token');
    await ok.whenSynced();
  });
});
