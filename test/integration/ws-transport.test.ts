// The server's WebSocket transport sends the frames of one synchronous run in one write (corked
// socket, uncorked in a microtask): fewer system calls at saturation, and every frame still
// arrives, in order. A real ws server and client on an ephemeral port.
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { wsTransport } from '../../sync-server/core/ws-endpoint';
import type { SyncTransport } from '../../sync-server/core/sync-options';

interface Pair {
  transport: SyncTransport;
  /** System-call-sized writes the server's socket made (each _write or _writev call). */
  writes: () => number;
  received: Uint8Array[];
  close(): Promise<void>;
}

let open: Pair | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

async function pair(withSocket: boolean): Promise<Pair> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  let writes = 0;
  const server = new Promise<SyncTransport>((resolve) => {
    http.on('upgrade', (req, socket: Duplex, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Count what reaches the socket's underlying write, after corking has had its say.
        const s = socket as Duplex & { _write: Duplex['_write']; _writev?: Duplex['_writev'] };
        const write = s._write.bind(s);
        const writev = s._writev?.bind(s);
        s._write = (...a) => (writes++, write(...a));
        if (writev) s._writev = (...a) => (writes++, writev(...a));
        resolve(wsTransport(ws, withSocket ? socket : undefined));
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: Uint8Array[] = [];
  client.on('message', (d: Buffer) => received.push(new Uint8Array(d)));
  await new Promise((r) => client.once('open', r));
  const transport = await server;
  writes = 0;
  return {
    transport,
    writes: () => writes,
    received,
    close: async () => {
      client.terminate();
      wss.close();
      await new Promise((r) => http.close(r));
    },
  };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('wsTransport', () => {
  it('sends the frames of one run in one write, all of them, in order', async () => {
    open = await pair(true);
    const frames = Array.from({ length: 10 }, (_, i) => new Uint8Array([i, i + 1, i + 2]));
    for (const f of frames) open.transport.send(f);
    await until(() => open!.received.length === frames.length);
    expect(open.received).toEqual(frames);
    expect(open.writes()).toBe(1);

    // A later run is a write of its own: nothing waits for a turn of the event loop.
    open.transport.send(new Uint8Array([42]));
    await until(() => open!.received.length === frames.length + 1);
    expect(open.received.at(-1)).toEqual(new Uint8Array([42]));
    expect(open.writes()).toBe(2);
  });

  it('without the socket, each frame is its own write (what corking saves)', async () => {
    open = await pair(false);
    for (let i = 0; i < 10; i++) open.transport.send(new Uint8Array([i]));
    await until(() => open!.received.length === 10);
    expect(open.writes()).toBe(10);
  });
});
