// What the server lacks, cut into frames it accepts. The server refuses frames over
// MAX_FRAME_BYTES, and y-websocket answers the server's sync step 1 with everything in one
// frame: a tablet that has much the server does not (offline for days, or a server restored
// from an old backup) would be refused, reconnect and be refused again forever. Updates are cut
// along client ids (each page load of each tablet is a client), which Yjs can encode apart;
// the server holds a part whose dependencies arrive later until they do. One client's own
// changes cannot be cut, so a single part may still be larger than the limit.
import * as Y from 'yjs';

export function missingUpdates(doc: Y.Doc, serverStateVector: Map<number, number>, maxBytes: number): Uint8Array[] {
  const ours = Y.decodeStateVector(Y.encodeStateVector(doc));
  const whole = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(serverStateVector));
  if (whole.byteLength <= maxBytes) return [whole];
  const behind = [...ours].filter(([client, clock]) => (serverStateVector.get(client) ?? 0) < clock).map(([c]) => c);
  // Only `clients` are encoded: every other client counts as already known to the server.
  const encodeFor = (clients: number[]) => {
    const known = new Map(ours);
    for (const c of clients) known.set(c, serverStateVector.get(c) ?? 0);
    return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(known));
  };
  const split = (clients: number[], encoded: Uint8Array): Uint8Array[] => {
    if (encoded.byteLength <= maxBytes || clients.length <= 1) return [encoded];
    const half = clients.length >> 1;
    const [a, b] = [clients.slice(0, half), clients.slice(half)];
    return [...split(a, encodeFor(a)), ...split(b, encodeFor(b))];
  };
  return behind.length > 1 ? split(behind, whole) : [whole];
}
