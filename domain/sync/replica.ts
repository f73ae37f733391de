// One Yjs document, kept in a local log first and synced with the server when a connection
// exists: the tablet's and HQ's sync engine (web/lib/sync/synced-doc.ts adapts it to IndexedDB and the
// browser), run as it is by the deterministic harness on a memory log.
//
// Order of things, which is the whole point of this module:
// 1. load every stored update before anything else; whenLoaded resolves;
// 2. every update, local or remote, is written to the local log (v2 encoding); a local one is
//    sent (as v1, the wire format) only after that, and is counted as pending until the server's
//    STORED state vector covers its clock (a delete-only change has no clock: the STORED count
//    confirms it, domain/confirmations.ts); transact() resolves only once the log has the change,
//    and rejects when it could not be stored;
// 3. what the server lacks when it connects (its sync step 1) is sent after the pending writes,
//    in frames it accepts (route.ts, split-update.ts);
// 4. each connection is watched (route.ts): silence beyond the allowed time means a dead socket;
//    a hint that the network is gone shortens the allowed silence, one that it is back
//    reconnects at once;
// 5. a fatal close code (expired or revoked token, forbidden doc) stops reconnecting for good;
// 6. with a shelter box (boxUrl) the document syncs with the city AND the box at the same time,
//    and Yjs merges whatever arrives by either path. A change has three tiers: saved on this
//    device (pending, not at the box), saved in the shelter box (the box's STORED covers it),
//    saved at the city (a STORED from the city, or the box's UPSTREAM_STORED relaying the city's
//    confirmation; only then is the pending row deleted).
import * as Y from 'yjs';
import { CLOSE, DEAD_CONNECTION_MS, HEARTBEAT_INTERVAL_MS } from '../protocol';
import { DeleteConfirmations, pendingOf, silenceAllowed } from '../confirmations';
import { missingUpdates } from '../split-update';
import type { Clock } from './clock';
import { COMPACT_AFTER_ROWS, type LocalLog, type PendingCounts, type UpdateToStore } from './local-log';
import { recordsTouched } from './pending-records';
import { type RouteStatus, type SocketFactory, SyncRoute, type WebSocketLike } from './route';

export type Connection = RouteStatus;

export interface SyncState {
  /** The connection to the city's server. */
  connection: Connection;
  /** Local records the city has not yet confirmed as durably stored. */
  pending: number;
  /** Of those, the records no shelter box has confirmed either: only on this device. */
  pendingLocal: number;
  lastConfirmedAt: string | null;
  refusedCode?: number;
  /** The last write to the local log failed (disk full, storage cleared…): changes are only in memory. */
  storeFailed?: boolean;
  /** The shelter box, when this device knows one. */
  box?: { connection: Connection; lastConfirmedAt: string | null; refusedCode?: number };
}

export interface SyncedDoc {
  doc: Y.Doc;
  docName: string;
  whenLoaded: Promise<void>;
  state(): SyncState;
  onState(fn: (s: SyncState) => void): () => void;
  onChange(fn: () => void): () => void;
  /** Counts the document's updates: equal versions mean equal content (a cache key). */
  version(): number;
  /**
   * True once the server has confirmed that the change which created item `id` is durably stored
   * (its STORED state vector covers it; remembered across reloads). A request not yet stored is
   * one HQ cannot see: the tablet says "not sent" instead of "requested".
   */
  isStored(id: { client: number; clock: number }): boolean;
  /**
   * Runs fn in one Yjs transaction; resolves with fn's value once the change is in the local
   * log, rejects if it could not be stored.
   */
  transact<T>(fn: (doc: Y.Doc) => T): Promise<T>;
  /**
   * Resolves true once the city has confirmed a commit (lastConfirmedAt set, and different from
   * `after` when given: a confirmation newer than one already seen); false after `timeoutMs`
   * or when the connection is refused. One wait for every "until the first STORED" need.
   */
  whenConfirmed(opts?: { after?: string | null; timeoutMs?: number }): Promise<boolean>;
  /** Resolves once every write queued so far (updates, confirmations) has reached the log. */
  settled(): Promise<void>;
  destroy(): void;
}

/** Where a replica runs: its log, its sockets, its clock, and what it tells its host. */
export interface ReplicaEnv {
  log: LocalLog;
  createSocket: SocketFactory;
  clock: Clock;
  /** The epoch this device holds for a document (kept where a dropped copy does not take it along). */
  readEpoch(docName: string): string;
  writeEpoch(docName: string, epoch: string): void;
  /** The server purged the document since this copy was made: the copy must go (sockets are already shut). */
  onPurged(docName: string, epoch: string): void;
  /** Network hints (the browser's online/offline events); returns a way to stop listening. */
  onNetworkHint?(fn: (online: boolean) => void): () => void;
  /** Something failed that the user learns of through SyncState; the host logs it. */
  report?(what: string, err: unknown): void;
  /** Start-up timing marks (performance.mark in a browser). */
  mark?(name: string): void;
  /** Yjs client id, for a reproducible run (default: random, as Yjs chooses). */
  clientID?: number;
}

export interface ReplicaOptions {
  token: string;
  /** ws(s)://host/sync of the city's server. */
  serverUrl: string;
  /** ws(s)://box:port/sync of the shelter box, when the device has one. */
  boxUrl?: string;
}

type Tier = 'city' | 'box';

/** One path to a server: the city, or the shelter box. */
interface Route {
  tier: Tier;
  route: SyncRoute;
  connection: Connection;
  refusedCode?: number;
  lastConfirmedAt: string | null;
}

/** Origin of the transaction that replays the local log (before any update listener is attached). */
export const LOCAL_STORE_ORIGIN = 'local-store';

export function openReplica(docName: string, opts: ReplicaOptions, env: ReplicaEnv): SyncedDoc {
  const { log, clock } = env;
  const report = env.report ?? (() => undefined);
  const doc = new Y.Doc();
  if (env.clientID !== undefined) doc.clientID = env.clientID;
  const nowIso = () => new Date(clock.now()).toISOString();
  const metaKey = `${docName}:lastConfirmedAt`;
  const boxMetaKey = `${docName}:boxLastConfirmedAt`;
  const storedKey = `${docName}:storedStateVector`;
  const epoch = env.readEpoch(docName);
  let purged = false;
  /** The highest clock per client that the city confirmed (STORED only grows). */
  const storedSV = new Map<number, number>();
  let state: SyncState = {
    connection: 'connecting',
    pending: 0,
    pendingLocal: 0,
    lastConfirmedAt: null,
    ...(opts.boxUrl ? { box: { connection: 'connecting' as Connection, lastConfirmedAt: null } } : {}),
  };
  const stateListeners = new Set<(s: SyncState) => void>();
  let destroyed = false;

  const setState = (patch: Partial<SyncState>) => {
    const next = { ...state, ...patch };
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    for (const fn of stateListeners) fn(state);
  };
  const setCounts = (c: PendingCounts) => setState({ pending: c.pending, pendingLocal: c.local });

  // Writes are chained so they reach the log (and the wire) in the order Yjs produced them.
  let writes: Promise<void> = Promise.resolve();
  const routes: Route[] = [];
  let compacting = false;

  const maybeCompact = async () => {
    if (compacting || destroyed) return;
    if ((await log.countUpdates(docName)) <= COMPACT_AFTER_ROWS) return;
    compacting = true;
    try {
      await log.compact(docName);
    } finally {
      compacting = false;
    }
  };
  // Delete-only changes are confirmed by the STORED count of the socket that carried them: the
  // rules are in domain/confirmations.ts; the route numbers the frames.
  const deletes = new DeleteConfirmations<WebSocketLike>();
  let writesSinceCheck = 0;
  let unstored: UpdateToStore[] = [];
  /** While transact() runs: the log writes of the updates it produced. */
  let collecting: Promise<void>[] | null = null;

  const onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    const remote = routes.some((r) => r === origin);
    // A change that adds an item (map set, array push) moves this client's clock, and the
    // server's state vector tells when it is stored. One that only deletes does not.
    const change = pendingOf(doc.clientID, tr.beforeState.get(doc.clientID) ?? 0, Y.getState(doc.store, doc.clientID));
    const pending = remote ? null : { ...change, records: recordsTouched(tr) };
    // Updates whose write failed are written again with the next one, so once storage works
    // again nothing that is in memory is missing from the log.
    const written = writes.then(async () => {
      const batch = [...unstored, { update, pending }];
      let ids: (number | null)[];
      try {
        ids = await log.append(docName, batch);
      } catch (e) {
        unstored = batch;
        throw e;
      }
      unstored = [];
      const local = batch.flatMap((b, i) => (b.pending ? [{ ...b, id: ids[i] as number }] : []));
      for (const b of local) if (b.pending?.deleteOnly) deletes.added(b.id);
      const added = local.reduce((n, b) => n + (b.pending?.records ?? 1), 0);
      setState({ storeFailed: false, pending: state.pending + added, pendingLocal: state.pendingLocal + added });
      return local;
    });
    collecting?.push(written.then(() => undefined));
    writes = written
      .then((local) => {
        // Offline (or before a handshake's answer), local changes reach the servers through the
        // next handshake instead.
        for (const r of routes) {
          for (const b of local) {
            const frame = r.route.sendUpdate(Y.convertUpdateFormatV2ToV1(b.update));
            if (frame > 0 && b.pending?.deleteOnly) deletes.sentIn(r.tier, b.id, r.route.socket!, frame);
          }
        }
      })
      .catch((err) => {
        report('could not persist an update', err);
        setState({ storeFailed: true });
      });
    if (++writesSinceCheck >= 50) {
      writesSinceCheck = 0;
      writes.then(() => clock.setTimer(() => void maybeCompact(), 0));
    }
  };

  const changeListeners = new Set<() => void>();
  let version = 0;
  const onAnyUpdate = () => {
    version++;
    for (const fn of changeListeners) fn();
  };

  const whenLoaded = (async () => {
    env.mark?.(`hinanjo:${docName}:read-start`);
    const [{ updates, pending, deleteOnly }, lastConfirmedAt, boxLastConfirmedAt, storedJson] = await Promise.all([
      log.load(docName),
      log.readMeta(metaKey),
      log.readMeta(boxMetaKey),
      log.readMeta(storedKey),
    ]);
    try {
      for (const [client, clock] of JSON.parse(storedJson ?? '[]') as [number, number][]) storedSV.set(client, clock);
    } catch {
      // unreadable: the next STORED fills it again
    }
    for (const id of deleteOnly) deletes.added(id);
    env.mark?.(`hinanjo:${docName}:read-end`);
    doc.transact(() => {
      for (const u of updates) Y.applyUpdateV2(doc, u);
    }, LOCAL_STORE_ORIGIN);
    // Listeners attach only now: with none attached, Yjs does not re-encode what it just loaded
    // (for a 10,000-person shelter that would double the start-up time).
    doc.on('updateV2', onUpdate);
    doc.on('updateV2', onAnyUpdate);
    onAnyUpdate();
    env.mark?.(`hinanjo:${docName}:applied`);
    setState({
      pending: pending.pending,
      pendingLocal: pending.local,
      lastConfirmedAt,
      ...(state.box ? { box: { ...state.box, lastConfirmedAt: boxLastConfirmedAt } } : {}),
    });
    if (updates.length > COMPACT_AFTER_ROWS) clock.setTimer(() => void maybeCompact(), 2_000);
  })();

  /** The city has it: delete the covered rows (whichever route told us). */
  const confirmAtCity = (r: Route, sv: Map<number, number>, ws: WebSocketLike, count: number) => {
    const at = nowIso();
    // Queued behind the writes so the pending count is never raced by a write in flight.
    writes = writes
      .then(async () => {
        const deletesStored = deletes.covered(r.tier, ws, count);
        const remaining = await log.confirm(docName, sv, deletesStored);
        deletes.confirmed(deletesStored);
        let grew = false;
        for (const [client, clock] of sv) {
          if (clock > (storedSV.get(client) ?? 0)) {
            storedSV.set(client, clock);
            grew = true;
          }
        }
        await log.writeMeta(metaKey, at);
        if (grew) await log.writeMeta(storedKey, JSON.stringify([...storedSV]));
        setCounts(remaining);
        setState({ lastConfirmedAt: at });
        if (grew) onAnyUpdate();
      })
      .catch((err) => report('could not record a confirmation', err));
  };

  /** The shelter box has it: mark the covered rows (they stay pending for the city). */
  const confirmAtBox = (r: Route, sv: Map<number, number>, ws: WebSocketLike, count: number) => {
    const at = nowIso();
    writes = writes
      .then(async () => {
        const counts = await log.markAtBox(docName, sv, deletes.covered(r.tier, ws, count));
        await log.writeMeta(boxMetaKey, at);
        setCounts(counts);
        r.lastConfirmedAt = at;
        publishRoutes();
      })
      .catch((err) => report('could not record a box confirmation', err));
  };

  const publishRoutes = () => {
    const city = routes.find((r) => r.tier === 'city');
    const box = routes.find((r) => r.tier === 'box');
    setState({
      ...(city ? { connection: city.connection, refusedCode: city.refusedCode } : {}),
      ...(box ? { box: { connection: box.connection, lastConfirmedAt: box.lastConfirmedAt ?? state.box?.lastConfirmedAt ?? null, ...(box.refusedCode !== undefined ? { refusedCode: box.refusedCode } : {}) } } : {}),
    });
  };

  // Network hints only shorten the allowed silence to a little more than one heartbeat (the
  // socket is still judged by its own traffic, so a wrong hint costs nothing); coming back
  // online is a reason to reconnect now, not after backoff.
  let suspectOffline = false;
  const allowedSilenceMs = () => silenceAllowed(DEAD_CONNECTION_MS, HEARTBEAT_INTERVAL_MS, suspectOffline);
  const stopHints = env.onNetworkHint?.((online) => {
    suspectOffline = !online;
    if (online) for (const r of routes) if (!r.route.connected) r.route.reconnectNow();
  });

  const openRoute = (tier: Tier, serverUrl: string) => {
    if (destroyed) return;
    const r = { tier, connection: 'connecting', lastConfirmedAt: null } as Omit<Route, 'route'> as Route;
    deletes.addRoute(tier);
    routes.push(r);
    r.route = new SyncRoute(
      { serverUrl, docName, token: opts.token, epoch: () => epoch, createSocket: env.createSocket, clock, allowedSilenceMs, log: (line) => report(line, null) },
      {
        stateVector: () => Y.encodeStateVector(doc),
        // The server's state vector asks for what it lacks: answered after the pending writes,
        // so nothing goes out before it is stored.
        answer: async (sv, maxBytes) => {
          await writes;
          return missingUpdates(doc, Y.decodeStateVector(sv), maxBytes);
        },
        received: (update) => {
          try {
            Y.applyUpdate(doc, update, r);
          } catch (e) {
            report('could not apply an update from the server', e);
          }
        },
        // Every part of an answer carries the whole delete set: the last part is the frame to wait for.
        answered: (ws, last) => deletes.handshakeSent(tier, ws, last),
        stored: (sv, durable, ws) => {
          // A server before protocol version 2 sends no count: it confirms no deletion.
          if (tier === 'city') confirmAtCity(r, Y.decodeStateVector(sv), ws, durable ?? 0);
          else confirmAtBox(r, Y.decodeStateVector(sv), ws, durable ?? 0);
        },
        // Only a box sends this: the city's confirmation, relayed (counts are frames on the box socket).
        upstreamStored: (sv, durable, ws) => {
          if (tier === 'box') confirmAtCity(r, Y.decodeStateVector(sv), ws, durable);
        },
        status: (s, code, reason) => {
          r.connection = s;
          if (s === 'refused') r.refusedCode = code;
          publishRoutes();
          const next = (reason ?? '').replace(/^purged:/, '');
          // Epochs are purge times: only a later one means this copy was purged. An earlier one
          // is a shelter box that has not caught up with the city's purge (its socket retries).
          if (code === CLOSE.purged && !purged && next > epoch) {
            // Nothing more goes out from this copy: it holds what the server purged.
            purged = true;
            for (const other of routes) other.route.destroy();
            env.writeEpoch(docName, next);
            void writes.finally(() => env.onPurged(docName, next));
          }
        },
      },
    ).start();
  };

  void whenLoaded.then(() => {
    openRoute('city', opts.serverUrl);
    if (opts.boxUrl) openRoute('box', opts.boxUrl);
  });

  return {
    doc,
    docName,
    whenLoaded,
    state: () => state,
    onState(fn) {
      stateListeners.add(fn);
      return () => stateListeners.delete(fn);
    },
    onChange(fn) {
      changeListeners.add(fn);
      return () => changeListeners.delete(fn);
    },
    version: () => version,
    isStored: ({ client, clock }) => (storedSV.get(client) ?? 0) > clock,
    async transact<T>(fn: (doc: Y.Doc) => T): Promise<T> {
      await whenLoaded; // a change made before the log is loaded would not be persisted
      const mine: Promise<void>[] = [];
      collecting = mine;
      let value: T;
      try {
        doc.transact(() => {
          value = fn(doc);
        });
      } finally {
        collecting = null;
      }
      // Rejects when the log refused the write (full disk, private mode…): never "saved" then.
      await Promise.all(mine);
      await writes;
      return value!;
    },
    whenConfirmed({ after, timeoutMs = Infinity } = {}) {
      const confirmed = (s: SyncState) => s.lastConfirmedAt !== null && (after === undefined || s.lastConfirmedAt !== after);
      const refused = (s: SyncState) => s.connection === 'refused';
      if (confirmed(state)) return Promise.resolve(true);
      if (refused(state)) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const timer = Number.isFinite(timeoutMs) ? clock.setTimer(() => finish(false), timeoutMs) : null;
        const fn = (s: SyncState) => {
          if (confirmed(s)) finish(true);
          else if (refused(s)) finish(false);
        };
        stateListeners.add(fn);
        function finish(ok: boolean) {
          if (timer !== null) clock.clearTimer(timer);
          stateListeners.delete(fn);
          resolve(ok);
        }
      });
    },
    async settled() {
      await whenLoaded;
      let seen: Promise<void> | null = null;
      while (seen !== writes) {
        seen = writes;
        await writes;
      }
    },
    destroy() {
      destroyed = true;
      stopHints?.();
      for (const r of routes) r.route.destroy();
      doc.off('updateV2', onUpdate);
      doc.off('updateV2', onAnyUpdate);
      stateListeners.clear();
      changeListeners.clear();
    },
  };
}
