// How a client knows that a change of its own is durably stored by a server: the rules the
// sync engine runs (domain/sync/replica.ts, on IndexedDB rows or a memory log) and the wire probe
// runs (test/helpers/yclient.ts), so the fuzz tests exercise the tablet's rules, not a copy.
// Pure: no clock, no socket of its own; the caller passes both in (any object stands for a socket).
//
// A change that adds an item moves its client's clock, and a STORED state vector that reaches
// that clock confirms it. A change that only deletes moves no clock, so no state vector can
// confirm it; the STORED count can: "the first N sync step 2 / update frames of this connection
// are durable" (sync-server/core/connection.ts counts both kinds, empty ones too, per connection).
// So every such frame a client sends is numbered (domain/sync/route.ts numbers them), and each
// delete-only change remembers, per
// route (city, shelter box), one frame on one socket that carried its deletion: its own update
// frame, or else the last part of a handshake's step 2 (a Yjs diff always carries the document's
// whole delete set). A STORED on that same socket with count ≥ that frame confirms it; counts on
// any other socket say nothing about it. If the socket drops first, the next handshake assigns
// it again. A change loaded from storage (a reload has no socket history) starts with no frame
// and gets one from the first handshake.

/** A local change not yet confirmed: its client's clock after it, or that it only deleted. */
export interface PendingChange {
  id: number;
  client: number;
  clock: number;
  deleteOnly?: boolean;
}

/** What a local transaction is, as a pending change: deleteOnly when it did not move the clock. */
export function pendingOf(client: number, clockBefore: number, clockAfter: number): Omit<PendingChange, 'id'> {
  return clockAfter === clockBefore ? { client, clock: clockAfter, deleteOnly: true } : { client, clock: clockAfter };
}

/** Is `p` confirmed by a STORED state vector and the delete-only changes that STORED's count covers? */
export function isConfirmed(p: PendingChange, storedSV: ReadonlyMap<number, number>, deletesConfirmed: ReadonlySet<number>): boolean {
  return p.deleteOnly ? deletesConfirmed.has(p.id) : (storedSV.get(p.client) ?? 0) >= p.clock;
}

interface Sent<Socket> {
  socket: Socket;
  frame: number;
}

/** The frame bookkeeping for delete-only changes, per route and socket (see the top of this file). */
export class DeleteConfirmations<Socket extends object> {
  private readonly rows = new Set<number>();
  private readonly routes = new Map<string, Map<number, Sent<Socket> | null>>();

  /** `loaded`: delete-only changes still pending from before (storage); no frame carried them yet. */
  constructor(loaded: Iterable<number> = []) {
    for (const id of loaded) this.rows.add(id);
  }

  /** A route (a server) the client syncs with; every pending delete is unsent on it. */
  addRoute(route: string): void {
    this.routes.set(route, new Map([...this.rows].map((id) => [id, null])));
  }

  /** A new delete-only change is pending: no route has sent it yet. */
  added(id: number): void {
    this.rows.add(id);
    for (const sent of this.routes.values()) sent.set(id, null);
  }

  /** Frame `frame` on `socket` of `route` carried change `id` (its own update frame). */
  sentIn(route: string, id: number, socket: Socket, frame: number): void {
    if (this.rows.has(id)) this.routes.get(route)?.set(id, { socket, frame });
  }

  /**
   * A handshake's step 2 went out on `socket`, its last part being frame `lastFrame`: it carried
   * every pending deletion. A change already sent on this socket keeps its own (earlier) frame.
   */
  handshakeSent(route: string, socket: Socket, lastFrame: number): void {
    const sent = this.routes.get(route);
    if (!sent || lastFrame <= 0) return;
    for (const [id, s] of sent) if (s?.socket !== socket) sent.set(id, { socket, frame: lastFrame });
  }

  /** The delete-only changes a STORED on `socket` of `route` with count `durable` confirms. */
  covered(route: string, socket: Socket | null, durable: number): Set<number> {
    const out = new Set<number>();
    for (const [id, s] of this.routes.get(route) ?? []) if (s && s.socket === socket && s.frame <= durable) out.add(id);
    return out;
  }

  /** These changes are confirmed for good (at the city): forget them on every route. */
  confirmed(ids: Iterable<number>): void {
    for (const id of ids) {
      this.rows.delete(id);
      for (const sent of this.routes.values()) sent.delete(id);
    }
  }
}

/**
 * The watchdog: a connection that brought no message (not even a heartbeat) for this long is
 * dead, whatever the browser says. When the browser says it is offline, a little more than one
 * heartbeat is enough to judge (a wrong hint costs one reconnect).
 */
export function silenceAllowed(deadAfterMs: number, heartbeatMs: number, suspectOffline: boolean): number {
  return suspectOffline ? Math.min(deadAfterMs, heartbeatMs * 1.5) : deadAfterMs;
}

export function isSilentTooLong(lastMessageAt: number, now: number, allowedMs: number): boolean {
  return now - lastMessageAt > allowedMs;
}
