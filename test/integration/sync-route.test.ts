// The sync engine's route (domain/sync/route.ts: every client's one path to a server) against the
// real server, in Node with the `ws` WebSocket: the handshake, STORED, a refused token that is
// never retried, backoff while the server is down and the reconnect when it is back, and the
// watchdog's reconnectNow.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE } from '../../domain/protocol';
import { systemClock } from '../../domain/sync/clock';
import { type RouteOwner, type RouteStatus, SyncRoute, type WebSocketLike, backoffMs } from '../../domain/sync/route';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(opts: { port?: number; dataDir?: string } = {}): Promise<TestServer> {
  const s = await startTestServer({ ...opts, sync: { heartbeatMs: 200 } });
  cleanup.push(() => s.stop());
  return s;
}

const clock = systemClock({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) });
const wsFactory = (url: string, protocols: string[]) => new WebSocket(url, protocols) as unknown as WebSocketLike;

function route(opts: { wsUrl: string; docName: string; token: string; epoch?: string; onOpen?: (url: string) => void }, owner: RouteOwner): SyncRoute {
  const r = new SyncRoute(
    {
      serverUrl: opts.wsUrl,
      docName: opts.docName,
      token: opts.token,
      epoch: () => opts.epoch ?? '',
      clock,
      createSocket: (url, protocols) => {
        opts.onOpen?.(url);
        return wsFactory(url, protocols);
      },
    },
    owner,
  ).start();
  cleanup.push(() => r.destroy());
  return r;
}

const silentOwner = (status: RouteOwner['status'] = () => undefined): RouteOwner => ({
  stateVector: () => Y.encodeStateVector(new Y.Doc()),
  answer: async () => null,
  received: () => undefined,
  status,
});

/** A client the way the replica uses a route, with a log of what it saw. */
function client(wsUrl: string, docName: string, token: string) {
  const doc = new Y.Doc();
  const seen: string[] = [];
  const statuses: string[] = [];
  let opened = 0;
  let stored = false;
  let refusedCode: number | undefined;
  const origin = {};
  const socket = route(
    {
      wsUrl,
      docName,
      token,
      onOpen: (url) => {
        opened++;
        expect(url).not.toContain('token');
      },
    },
    {
      stateVector: () => Y.encodeStateVector(doc),
      answer: async (sv) => {
        seen.push('sync-step1');
        return [Y.encodeStateAsUpdate(doc, sv)];
      },
      received: (update) => {
        seen.push('update');
        Y.applyUpdate(doc, update, origin);
      },
      stored: () => {
        seen.push('stored');
        stored = true;
      },
      status: (s: RouteStatus, code?: number) => {
        statuses.push(s);
        if (s === 'refused') refusedCode = code;
      },
    },
  );
  doc.on('update', (u: Uint8Array, o: unknown) => {
    if (o !== origin) socket.sendUpdate(u);
  });
  return {
    doc,
    socket,
    seen,
    statuses,
    opened: () => opened,
    stored: () => stored,
    refusedCode: () => refusedCode,
  };
}

describe('a sync route (the engine’s path to one server)', () => {
  it('opens, says its state vector, syncs both ways and hears STORED and heartbeats', async () => {
    const s = await server();
    const token = await s.token({ role: 'staff', shelter: 's1' });
    const a = client(s.wsUrl, 'shelter/s1', token);
    const b = client(s.wsUrl, 'shelter/s1', token);
    await waitFor(() => a.socket.connected && b.socket.connected, 'both connected');
    a.doc.getMap('people').set('p1', 'checked in on a');
    await waitFor(() => b.doc.getMap('people').get('p1') === 'checked in on a', 'b has a’s change');
    await waitFor(() => a.stored(), 'a told its change is stored');
    expect(a.seen).toContain('sync-step1');
    expect(a.seen).toContain('update');
    expect(a.statuses).toContain('connected');
  });

  it('a refused token is reported with its close code and never retried', async () => {
    const s = await server();
    const token = await s.token({ role: 'staff', shelter: 's1' });
    const c = client(s.wsUrl, 'shelter/other', token);
    await waitFor(() => c.socket.status === 'refused', 'refused');
    expect(c.refusedCode()).toBe(CLOSE.forbidden);
    await new Promise((r) => setTimeout(r, 600));
    expect(c.opened()).toBe(1);
    expect(c.socket.status).toBe('refused');
  });

  it('a copy of an older epoch is refused with 4412 and the new epoch, and keeps trying (the owner decides whether to drop it); the new epoch is accepted', async () => {
    const s = await server();
    const token = await s.token({ role: 'staff', shelter: 's1' });
    const { epoch } = await s.server.purger.purge('s1');
    const reasons: string[] = [];
    route(
      { wsUrl: s.wsUrl, docName: 'shelter/s1', token },
      silentOwner((st, code, reason) => void (st === 'refused' && code === CLOSE.purged && reasons.push(reason ?? ''))),
    );
    await waitFor(() => reasons.length >= 2, 'refused twice: not fatal, it tries again');
    expect(reasons[0]).toBe(`purged:${epoch}`);
    const current = route({ wsUrl: s.wsUrl, docName: 'shelter/s1', token, epoch }, silentOwner());
    await waitFor(() => current.connected, 'the new epoch is accepted');
  });

  it('backs off while the server is down and reconnects, with what was typed offline, when it is back', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({ dataDir, sync: { heartbeatMs: 200 } });
    const port = first.port;
    const token = await first.token({ role: 'staff', shelter: 's1' });
    const c = client(first.wsUrl, 'shelter/s1', token);
    await waitFor(() => c.socket.connected, 'connected');
    await first.stop();
    await waitFor(() => c.socket.status === 'offline', 'offline after the server went away');
    c.doc.getMap('people').set('p9', 'typed offline');
    await waitFor(() => c.opened() >= 3, 'retried with backoff');
    const opensWhileDown = c.opened();
    const second = await server({ port, dataDir });
    await waitFor(() => c.socket.connected, 'reconnected', 10_000);
    expect(c.opened()).toBeGreaterThan(opensWhileDown);
    expect(c.socket.status).toBe('connected');
    // The handshake carried the offline change: a fresh client sees it.
    const d = client(second.wsUrl, 'shelter/s1', token);
    await waitFor(() => d.doc.getMap('people').get('p9') === 'typed offline', 'the offline change reached the server');
  });

  it('reconnectNow replaces a socket at once (the watchdog’s cure for a silent connection)', async () => {
    const s = await server();
    const token = await s.token({ role: 'staff', shelter: 's1' });
    const c = client(s.wsUrl, 'shelter/s1', token);
    await waitFor(() => c.socket.connected, 'connected');
    const before = c.socket.socket;
    c.socket.reconnectNow();
    expect(c.socket.socket).not.toBe(before);
    await waitFor(() => c.socket.connected, 'connected again');
    expect(c.opened()).toBe(2);
  });

  it('backs off 100 ms doubled per failed attempt, at most 2.5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([100, 200, 400, 800, 1600, 2500, 2500]);
  });
});
