// The sync service's WebSocket side: WS /sync/<docName>?v=N[&epoch=E] with the token in
// Sec-WebSocket-Protocol (or ?token=T), read by the one connect-request parser both ends use
// (domain/sync/connect.ts). Frames that arrive while the token is checked and the document loads
// are kept in order; a `ws` socket becomes a SyncTransport for the connection.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CLOSE, MAX_FRAME_BYTES, SUBPROTOCOL } from '../../domain/protocol';
import { type ConnectRequest, parseConnectRequest } from '../../domain/sync/connect';
import type { SyncConnection } from './connection';
import type { SyncTransport } from './sync-options';

/** What the endpoint needs of the service behind it. */
export interface Admission {
  open(transport: SyncTransport, req: ConnectRequest): Promise<SyncConnection | null>;
  detach(conn: SyncConnection): void;
}

export class WsEndpoint {
  readonly wss: WebSocketServer;
  private accepting = true;

  constructor(private readonly admission: Admission) {
    // ws refuses frames over maxPayload before buffering them (close 1009); frames between
    // MAX_FRAME_BYTES and that hard limit are refused by the connection with CLOSE.tooLarge.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: 2 * MAX_FRAME_BYTES,
      perMessageDeflate: false,
      // A client that carried its token in the protocol list gets our protocol back (domain/protocol.ts).
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  /** Handles an HTTP upgrade for /sync/…; returns false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const request = parseConnectRequest(req.url ?? '/', req.headers['sec-websocket-protocol']);
    if (!request) return false;
    if (!this.accepting) {
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.accept(ws, socket, request).catch((e) => {
        // The store could not be read (or the token checked): refuse this one connection.
        console.error(`sync connection refused: ${(e as Error).message}`);
        ws.close(CLOSE.storeFailed, 'storage unavailable');
      }),
    );
    return true;
  }

  private async accept(ws: WebSocket, socket: Duplex, request: ConnectRequest): Promise<void> {
    // Frames may arrive while the token is checked and the document loads: keep them in order.
    const early: RawData[] = [];
    const collect = (d: RawData) => early.push(d);
    ws.on('message', collect);
    ws.on('error', () => ws.terminate());
    const conn = await this.admission.open(wsTransport(ws, socket), request);
    if (!conn) return;
    ws.off('message', collect);
    ws.on('message', (d: RawData) => conn.receive(toUint8(d)));
    ws.on('pong', () => conn.heard());
    ws.on('close', () => this.admission.detach(conn));
    for (const d of early) conn.receive(toUint8(d));
  }

  /** Refuses new upgrades and closes the WebSocket server (the service closes its connections). */
  async close(): Promise<void> {
    this.accepting = false;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/**
 * A `ws` socket as a SyncTransport. With the raw `socket` under it, every frame sent in one
 * synchronous run (a committed batch's forwards and STORED confirmations, a sync step 2 and its
 * STORED) leaves in one write: the socket is corked at the first frame and uncorked in a
 * microtask, i.e. as soon as the run that sent it ends — not a later turn of the event loop, which
 * an earlier version tried and which added latency. A write system call per frame was a third
 * of the server's profile at saturation (50 clients × 10 documents × 400 updates/s).
 */
export function wsTransport(ws: WebSocket, socket?: Duplex): SyncTransport {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket!.uncork();
  };
  return {
    send(frame) {
      if (ws.readyState !== ws.OPEN) return;
      if (socket && !corked) {
        corked = true;
        socket.cork();
        queueMicrotask(uncork);
      }
      // No callback per frame: a failed write errors the socket, and its 'error' handler
      // (accept) terminates it.
      ws.send(frame);
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    ping: () => ws.ping(),
    get open() {
      return ws.readyState === ws.OPEN;
    },
  };
}

function toUint8(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
