// The protocol as readable lines (one per message, from the client's side), so a change to what
// goes over the wire shows up here as a diff.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { YClient } from '../helpers/yclient';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => server.stop());

it('a tablet syncs, writes, is told what is stored; a read-only write gets no answer', async () => {
  const tablet = new YClient({ wsUrl: server.wsUrl, docName: 'shelter/t', token: await server.token({ role: 'staff', shelter: 't' }), name: 'tablet' });
  tablet.traffic = [];
  await tablet.connect();
  await tablet.whenStored();
  tablet.doc.getMap('people').set('p1', 'present');
  await tablet.whenStored();
  tablet.doc.getMap('people').delete('p1'); // no clock: only the durable count can confirm it
  await tablet.whenStored();
  expect(tablet.traffic).toEqual([
    'tablet -> server | SYNC step1 (sv 0 client(s))',
    'server -> tablet | SYNC step1 (sv 0 client(s))',
    'tablet -> server | SYNC step2 (empty)',
    'server -> tablet | SYNC step2 (empty)',
    'server -> tablet | STORED (sv 0 client(s), durable 0)',
    'server -> tablet | STORED (sv 0 client(s), durable 1)',
    'tablet -> server | SYNC update (1 struct(s), 0 delete set(s))',
    'server -> tablet | STORED (sv 1 client(s), durable 2)',
    'tablet -> server | SYNC update (0 struct(s), 1 delete set(s))',
    'server -> tablet | STORED (sv 1 client(s), durable 3)',
  ]);

  const reader = new YClient({ wsUrl: server.wsUrl, docName: 'hq', token: await server.token({ role: 'staff', shelter: 't' }), name: 'reader' });
  await reader.connect();
  await reader.whenSynced();
  reader.traffic = [];
  reader.doc.getMap('districts').set('d1', 5);
  await reader.until(() => (server.server.metrics.framesRejected.get('read_only') ?? 0) >= 1, 'dropped');
  await new Promise((r) => setTimeout(r, 100));
  expect(reader.traffic).toEqual(['reader -> server | SYNC update (1 struct(s), 0 delete set(s))']);
  await Promise.all([tablet.destroy(), reader.destroy()]);
});
