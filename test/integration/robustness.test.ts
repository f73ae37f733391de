// Bad input closes one connection and nothing else; a crash loses nothing anyone has seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { CLOSE, MAX_FRAME_BYTES } from '../../domain/protocol';
import { spawnServerProcess, startTestServer, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';
import { prng, randomBytes } from '../../domain/prng';

function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** One bad frame of several kinds: random bytes, a truncated update, trailing garbage, a random update body. */
function badFrame(rand: () => number, i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('m').set(`k${i}`, 'x'.repeat(1 + Math.floor(rand() * 50)));
  const good = updateMessage(Y.encodeStateAsUpdate(doc));
  switch (i % 4) {
    case 0:
      return randomBytes(rand, 1 + Math.floor(rand() * 200));
    case 1:
      return good.slice(0, 1 + Math.floor(rand() * (good.length - 1)));
    case 2:
      return Uint8Array.from([...good, ...randomBytes(rand, 1 + Math.floor(rand() * 8))]);
    default:
      return updateMessage(randomBytes(rand, 1 + Math.floor(rand() * 100)));
  }
}

describe('malformed, oversized and flooding frames', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  it('1,000 random and truncated frames close only their own connections while two good clients keep syncing', async () => {
    const rand = prng(20261122);
    const hq = await server.token({ role: 'hq' });
    const staff = await server.token({ role: 'staff', shelter: 'X' });
    const a = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/X', token: staff, name: 'good-a' });
    const b = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/X', token: staff, name: 'good-b' });
    await Promise.all([a.whenSynced(), b.whenSynced()]);

    let bad: YClient | null = null;
    let closedByServer = 0;
    const codes = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      if (!bad || !bad.connected) {
        if (bad?.lastClose) {
          closedByServer++;
          codes.add(bad.lastClose.code);
        }
        bad = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/X', token: hq, name: `bad-${i}` });
      }
      bad.sendRaw(badFrame(rand, i));
      // A bad frame closes its connection; a random frame that happens to be valid does not.
      await bad.whenClosed(200).catch(() => null);
      if (i % 10 === 0) {
        a.doc.getMap('log').set(`a${i}`, i);
        b.doc.getMap('log').set(`b${i}`, i);
        // let the server answer, so frames and edits interleave
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    await bad!.destroy();
    await Promise.all([a.whenStored(), b.whenStored()]);
    await a.until(() => a.doc.getMap('log').size === 200, 'all 200 edits');
    await b.until(() => b.doc.getMap('log').size === 200, 'all 200 edits');
    expect(a.doc.getMap('log').toJSON()).toEqual(b.doc.getMap('log').toJSON());
    expect(a.connected && b.connected).toBe(true);
    expect(closedByServer).toBeGreaterThan(500);
    expect([...codes]).toEqual([CLOSE.malformed]);
    expect(server.server.metrics.framesRejected.get('malformed')).toBeGreaterThan(500);

    // what is stored is what the good clients wrote: a fresh load has all of it
    const fresh = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/X', token: hq, name: 'fresh' });
    await fresh.whenSynced();
    const people = fresh.doc.getMap('log').toJSON();
    for (const [k, v] of Object.entries(a.doc.getMap('log').toJSON())) expect(people[k]).toBe(v);
    await Promise.all([a.destroy(), b.destroy(), fresh.destroy()]);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it(`a frame over ${MAX_FRAME_BYTES} bytes closes that connection with ${CLOSE.tooLarge}`, async () => {
    const hq = await server.token({ role: 'hq' });
    const big = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/Y', token: hq, name: 'big' });
    const other = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/Y', token: hq, name: 'other' });
    await Promise.all([big.whenSynced(), other.whenSynced()]);
    big.sendRaw(new Uint8Array(MAX_FRAME_BYTES + 1));
    expect((await big.whenClosed()).code).toBe(CLOSE.tooLarge);
    other.doc.getMap('m').set('still', 'here');
    await other.whenStored();
    await other.destroy();
  });

  it(`a flood of messages closes that connection with ${CLOSE.flood}`, async () => {
    const hq = await server.token({ role: 'hq' });
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/Z', token: hq, name: 'flood' });
    await c.whenSynced();
    for (let i = 0; i < 5_000 && c.connected; i++) c.sendRaw(Uint8Array.of(3)); // query awareness
    expect((await c.whenClosed()).code).toBe(CLOSE.flood);
    expect(server.server.metrics.framesRejected.get('flood')).toBe(1);
  });
});

describe('store failure', () => {
  it('an update the store cannot commit is neither applied nor forwarded, and its sender is told to retry (1011)', async () => {
    const server = await startTestServer();
    const token = await server.token({ role: 'staff', shelter: 'F' });
    const a = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/F', token, name: 'a' });
    const b = await YClient.connect({ wsUrl: server.wsUrl, docName: 'shelter/F', token, name: 'b' });
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.doc.getMap('log').set('before', 1);
    await a.whenStored();
    await b.until(() => b.doc.getMap('log').has('before'), 'received');
    await server.server.store.close(); // the disk is gone
    a.doc.getMap('log').set('after', 1);
    expect((await a.whenClosed()).code).toBe(1011);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.doc.getMap('log').has('after')).toBe(false);
    expect(server.server.registry.get('shelter/F')!.doc.getMap('log').has('after')).toBe(false);
    expect(a.allStored()).toBe(false); // the change stays pending on the client
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
    await Promise.all([a.destroy(), b.destroy()]);
    await server.stop().catch(() => undefined);
  });
});

describe('crash and shutdown', () => {
  it('kill -9 while clients write: after a restart every update any client saw is there', async () => {
    const proc = await spawnServerProcess();
    const token = await proc.token({ role: 'staff', shelter: 'K' });
    const writer = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/K', token, name: 'writer' });
    const watcher = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/K', token, name: 'watcher' });
    await Promise.all([writer.whenSynced(), watcher.whenSynced()]);
    const seenByWatcher = new Set<string>();
    watcher.doc.getMap('log').observe((e) => e.keysChanged.forEach((k) => seenByWatcher.add(k)));
    const confirmed = new Set<string>();
    let i = 0;
    const written: string[] = [];
    const pump = setInterval(() => {
      for (let j = 0; j < 5; j++) {
        const k = `p${i++}`;
        written.push(k);
        writer.doc.getMap('log').set(k, i);
      }
      // what the server confirmed as stored so far
      for (const k of written) {
        if (confirmed.has(k)) continue;
        const item = writer.doc.getMap('log')._map.get(k);
        if (item && (writer.storedSV.get(item.id.client) ?? 0) > item.id.clock) confirmed.add(k);
      }
    }, 2);
    await watcher.until(() => seenByWatcher.size > 200, 'watching writes', 15_000);
    await proc.kill('SIGKILL');
    clearInterval(pump);
    const seen = new Set([...seenByWatcher, ...confirmed]);
    expect(seen.size).toBeGreaterThan(200);
    writer.cut();
    watcher.cut();

    const again = await spawnServerProcess({ dataDir: proc.dataDir });
    try {
      const check = await YClient.connect({ wsUrl: again.wsUrl, docName: 'shelter/K', token, name: 'check' });
      await check.whenSynced();
      const keys = new Set(check.doc.getMap('log').keys());
      const lost = [...seen].filter((k) => !keys.has(k));
      expect(lost).toEqual([]);
      await check.destroy();
    } finally {
      await again.kill('SIGKILL');
    }
  });

  it('SIGTERM commits everything accepted and exits cleanly; the next start has it all', async () => {
    const proc = await spawnServerProcess();
    const token = await proc.token({ role: 'hq' });
    const c = await YClient.connect({ wsUrl: proc.wsUrl, docName: 'shelter/T', token, name: 'term' });
    await c.whenSynced();
    for (let i = 0; i < 100; i++) c.doc.getMap('m').set(`k${i}`, i);
    await c.whenStored();
    const code = await proc.kill('SIGTERM');
    expect(code).toBe(0);
    expect(proc.output()).toMatch(/SIGTERM: shutting down/);
    const again = await spawnServerProcess({ dataDir: proc.dataDir });
    try {
      const check = await YClient.connect({ wsUrl: again.wsUrl, docName: 'shelter/T', token, name: 'check' });
      await check.whenSynced();
      expect(check.doc.getMap('m').size).toBe(100);
      await check.destroy();
    } finally {
      await again.kill('SIGKILL');
    }
  });
});
