// The sync server end to end: real ws + Yjs clients against a real server on an ephemeral port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../domain/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';

let server: TestServer;
const clients: YClient[] = [];

async function client(docName: string, token: string | null, name = docName): Promise<YClient> {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token, name });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ sync: { heartbeatMs: 200 } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  await server.stop();
});

describe('sync', () => {
  it('two tablets on one shelter converge, and each is told its change is stored', async () => {
    const token = await server.token({ role: 'staff', shelter: 's1' });
    const a = await client('shelter/s1', token, 'tablet-a');
    const b = await client('shelter/s1', token, 'tablet-b');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.doc.getMap('log').set('p1', 'checked in on a');
    b.doc.getMap('log').set('p2', 'checked in on b');
    await Promise.all([a.whenStored(), b.whenStored()]);
    await a.until(() => a.doc.getMap('log').size === 2, 'converged');
    await b.until(() => b.doc.getMap('log').size === 2, 'converged');
    expect(a.doc.getMap('log').toJSON()).toEqual(b.doc.getMap('log').toJSON());
  });

  it('a new client gets everything already stored, and STORED once the initial sync is done', async () => {
    const token = await server.token({ role: 'staff', shelter: 's1' });
    const c = await client('shelter/s1', token, 'late');
    await c.whenSynced();
    await c.whenStored(); // its empty answer to our step 1 is confirmed too
    expect(c.storedCount).toBeGreaterThan(0);
    expect(c.doc.getMap('log').toJSON()).toEqual({ p1: 'checked in on a', p2: 'checked in on b' });
  });

  it('sends a heartbeat to every connection', async () => {
    const token = await server.token({ role: 'hq' });
    const c = await client('hq', token, 'hq');
    await c.until(() => c.heartbeats >= 2, 'two heartbeats', 3_000);
  });

  it('offline edits made before connecting are sent by the handshake and stored', async () => {
    const token = await server.token({ role: 'staff', shelter: 's2' });
    const doc = new Y.Doc();
    doc.getArray('stock').push([{ id: 'e1', item: 'water', delta: 10 }]);
    const c = new YClient({ wsUrl: server.wsUrl, docName: 'shelter/s2', token, doc, name: 'offline' });
    clients.push(c);
    await c.connect();
    await c.whenStored();
    const check = await client('shelter/s2', token, 'check');
    await check.whenSynced();
    expect(check.doc.getArray('stock').toJSON()).toEqual([{ id: 'e1', item: 'water', delta: 10 }]);
  });
});

describe('access', () => {
  it('refuses a missing, forged or expired token with 4401 and an unknown document with 4404', async () => {
    const expired = await server.token({ role: 'hq', ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1_100));
    const cases: [string, string | null, number][] = [
      ['hq', null, CLOSE.unauthorized],
      ['hq', 'not-a-jwt', CLOSE.unauthorized],
      ['hq', expired, CLOSE.unauthorized],
      ['people', await server.token({ role: 'hq' }), CLOSE.unknownDoc],
      ['shelter/../x', await server.token({ role: 'hq' }), CLOSE.unknownDoc],
    ];
    for (const [doc, token, code] of cases) {
      const c = await client(doc, token);
      expect((await c.whenClosed()).code, `${doc} with ${token?.slice(0, 10)}`).toBe(code);
    }
  });

  it('a staff token for one shelter is refused on another with 4403', async () => {
    const c = await client('shelter/s2', await server.token({ role: 'staff', shelter: 's1' }));
    expect((await c.whenClosed()).code).toBe(CLOSE.forbidden);
  });
});
