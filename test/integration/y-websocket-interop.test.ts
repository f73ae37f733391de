// Hinanjo speaks the y-websocket protocol plus two message types (STORED, HEARTBEAT; a box adds
// UPSTREAM_STORED). So any Yjs tool can read what its token allows: a stock y-websocket
// WebsocketProvider, as published, syncs a document through the city's server and through a
// shelter box, and skips the extra types (it logs them as unknown and carries on).
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { HQ_DOC, hqShelters, shelterDocName } from '../../domain/schema';
import { seedHq } from '../helpers/seed';
import { startTestServer, type TestServer } from '../helpers/server';
import { startTestBox } from '../helpers/box';
import { YClient } from '../helpers/yclient';
import { waitFor } from '../helpers/wait';

const S = 'gym-1';
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** A stock provider in Node: ws as its WebSocket, the token as y-websocket's docs say (a URL parameter). */
function stockProvider(wsUrl: string, docName: string, token: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, docName, doc, { params: { token }, WebSocketPolyfill: WebSocket as never, disableBc: true });
  cleanups.push(() => provider.destroy());
  return { doc, provider };
}

async function seededCity(): Promise<TestServer> {
  const server = await startTestServer();
  cleanups.push(() => server.stop());
  await seedHq(server, { districts: [{ id: 'd1', name: '一丁目' }], shelters: [{ id: S, name: '第一体育館', capacity: 800, districtId: 'd1' }] });
  return server;
}

describe('a stock y-websocket WebsocketProvider', () => {
  // The provider reports STORED and HEARTBEAT as messages it cannot compute; that is all it does with them.
  const unknown = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (args[0] !== 'Unable to compute message') process.stderr.write(`${args.join(' ')}\n`);
  });
  cleanups.push(() => unknown.mockRestore());

  it('reads and writes through the city server (hq document, hq token)', async () => {
    const city = await seededCity();
    const { doc, provider } = stockProvider(city.wsUrl, HQ_DOC, await city.token({ role: 'hq' }));
    await waitFor(() => provider.synced, 'the stock provider synced', 10_000);
    expect(hqShelters(doc).get(S)?.get('name')).toBe('第一体育館');

    // A write from the stock provider is stored and reaches Hinanjo's own client.
    hqShelters(doc).get(S)!.set('name', '第一体育館（東）');
    const reader = await YClient.connect({ wsUrl: city.wsUrl, docName: HQ_DOC, token: await city.token({ role: 'hq' }), name: 'reader' });
    cleanups.push(() => reader.destroy());
    await reader.until(() => hqShelters(reader.doc).get(S)?.get('name') === '第一体育館（東）', 'the stock write');
    // …and it is in the store (committed before it was forwarded).
    const check = new Y.Doc();
    for (const u of (await city.server.store.loadUpdates(HQ_DOC)).updates) Y.applyUpdate(check, u);
    expect(hqShelters(check).get(S)?.get('name')).toBe('第一体育館（東）');

    // The extra message types did not disturb it: still connected, and it saw at least one.
    expect(provider.wsconnected).toBe(true);
    expect(unknown).toHaveBeenCalledWith('Unable to compute message');
  }, 30_000);

  it('is refused like any client: no token, no document', async () => {
    const city = await seededCity();
    const { provider } = stockProvider(city.wsUrl, shelterDocName(S), 'not-a-token');
    const closes: number[] = [];
    provider.on('connection-close', (ev: CloseEvent | null) => {
      if (ev) closes.push(ev.code);
    });
    await waitFor(() => closes.length > 0, 'a close', 10_000);
    expect(closes[0]).toBe(4401);
    expect(provider.synced).toBe(false);
  }, 30_000);

  it('syncs a shelter document through a shelter box, to the city and back', async () => {
    const city = await seededCity();
    const box = await startTestBox({ upstream: city.url, token: await city.token({ role: 'box', shelter: S }) });
    cleanups.push(() => box.stop());
    const staff = await city.token({ role: 'staff', shelter: S });

    const { doc, provider } = stockProvider(box.wsUrl, shelterDocName(S), staff);
    await waitFor(() => provider.synced, 'the stock provider synced', 10_000);
    doc.getMap('interop').set('from-stock-provider', 1);

    // At the city, through the box's upstream link.
    const atCity = await YClient.connect({ wsUrl: city.wsUrl, docName: shelterDocName(S), token: staff, name: 'city reader' });
    cleanups.push(() => atCity.destroy());
    await atCity.until(() => atCity.doc.getMap('interop').get('from-stock-provider') === 1, 'the write at the city', 15_000);

    // And a change made at the city reaches the stock provider through the box.
    atCity.doc.getMap('interop').set('from-city', 2);
    await waitFor(() => doc.getMap('interop').get('from-city') === 2, 'the city change at the stock provider', 15_000);
    expect(provider.wsconnected).toBe(true);
  }, 60_000);
});
