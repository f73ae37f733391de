// One Yjs document, kept in IndexedDB first and synced with the server when a connection exists.
//
// Order of things, which is the whole point of this module:
// 1. load every stored update before anything else; whenLoaded resolves;
// 2. every update, local or remote, is written to IndexedDB (v2 encoding, see local-store.ts);
//    a local one is sent (as v1, the wire format) only after that, and is counted as pending
//    until the server's STORED state vector covers its clock (a delete-only change has no
//    clock: the STORED count confirms it, domain/confirmations.ts); transact() resolves only once
//    IndexedDB has the change, and rejects when it could not be stored;
// 3. what the server lacks when it connects (its sync step 1) is sent after the pending writes,
//    in frames it accepts (split-update.ts);
// 4. the connection is watched: no message (not even a heartbeat) for DEAD_CONNECTION_MS means the
//    socket is dead whatever navigator.onLine says, so it is closed and reopened;
// 5. a fatal close code (expired or revoked token, forbidden doc) stops reconnecting for good;
// 6. with a shelter box (OpenOptions.boxUrl) the document syncs with the city AND the box at the
//    same time, and Yjs merges whatever arrives by either path. A change has three tiers: saved on
//    this tablet (pending, not at the box), saved in the shelter box (the box's STORED covers it),
//    saved at the city (a STORED from the city, or the box's UPSTREAM_STORED relaying the city's
//    confirmation; only then is the pending row deleted).
import * as Y from 'yjs';
import { CLOSE, DEAD_CONNECTION_MS, HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, type WireMessage, encodeMessage } from '../../domain/protocol';
import { SyncSocket, type WebSocketLike } from './sync-socket';
import { dropPurgedCopy, readEpoch, writeEpoch } from './purged-copy';
import { DeleteConfirmations, isSilentTooLong, pendingOf, silenceAllowed as allowedSilence } from '../../domain/confirmations';
import { missingUpdates } from '../../domain/split-update';
import { recordsTouched } from './pending-records';
import {
  COMPACT_AFTER_ROWS,
  type UpdateToStore,
  appendUpdates,
  compact,
  confirmPending,
  countUpdates,
  loadDoc,
  markAtBox,
  type PendingCounts,
  readMeta,
  writeMeta,
} from './local-store';

export type Connection = 'connected' | 'connecting' | 'offline' | 'refused';

export interface SyncState {
  /** The connection to the city's server. */
  connection: Connection;
  /** Local records the city has not yet confirmed as durably stored. */
  pending: number;
  /** Of those, the records no shelter box has confirmed either: only on this tablet. */
  pendingLocal: number;
  lastConfirmedAt: string | null;
  refusedCode?: number;
  /** The last write to IndexedDB failed (disk full, storage cleared…): changes are only in memory. */
  storeFailed?: boolean;
  /** The shelter box, when this tablet knows one. */
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
   * Runs fn in one Yjs transaction; resolves with fn's value once the change is in IndexedDB,
   * rejects if it could not be stored.
   */
  transact<T>(fn: (doc: Y.Doc) => T): Promise<T>;
  /**
   * Resolves true once the city has confirmed a commit (lastConfirmedAt set, and different from
   * `after` when given: a confirmation newer than one already seen); false after `timeoutMs`
   * or when the connection is refused. One wait for every "until the first STORED" need.
   */
  whenConfirmed(opts?: { after?: string | null; timeoutMs?: number }): Promise<boolean>;
  destroy(): void;
}

export interface OpenOptions {
  token: string;
  /** ws(s)://host/sync; defaults to this page's origin. */
  serverUrl?: string;
  /** ws(s)://box:port/sync of the shelter box, when the tablet has one (box-address.ts). */
  boxUrl?: string;
  /**
   * The server purged the document since this copy was made (retention.ts): the copy must go.
   * By default it is dropped and the page reloads (purged-copy.ts); the sockets are already shut.
   */
  onPurged?: (docName: string, epoch: string) => void;
}

type Tier = 'city' | 'box';

/** One path to a server: the city, or the shelter box. */
interface Route {
  tier: Tier;
  /** Set right after the route is made (its handlers need the route first). */
  socket: SyncSocket;
  connection: Connection;
  refusedCode?: number;
  lastConfirmedAt: string | null;
}

/** Origin of the transaction that replays IndexedDB (before any update listener is attached). */
export const LOCAL_STORE_ORIGIN = 'local-store';
const WATCHDOG_TICK_MS = 1_000;
/** Room for the message type bytes and the length prefix around an update in a frame. */
const FRAME_HEADER_BYTES = 16;

export function defaultServerUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

/** transact() for a screen: false (and the sync indicator says why) when the change could not be stored. */
export async function saveChange(synced: SyncedDoc, fn: (doc: Y.Doc) => void): Promise<boolean> {
  try {
    await synced.transact(fn);
    return true;
  } catch {
    return false;
  }
}

export function openSyncedDoc(docName: string, opts: OpenOptions): SyncedDoc {
  const doc = new Y.Doc();
  const metaKey = `${docName}:lastConfirmedAt`;
  const boxMetaKey = `${docName}:boxLastConfirmedAt`;
  const storedKey = `${docName}:storedStateVector`;
  const epoch = readEpoch(docName);
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

  // Writes are chained so they reach IndexedDB (and the wire) in the order Yjs produced them.
  let writes: Promise<void> = Promise.resolve();
  const routes: Route[] = [];
  let compacting = false;

  const maybeCompact = async () => {
    if (compacting || destroyed) return;
    if ((await countUpdates(docName)) <= COMPACT_AFTER_ROWS) return;
    compacting = true;
    try {
      await compact(docName);
    } finally {
      compacting = false;
    }
  };
  // Delete-only changes are confirmed by the STORED count of the socket that carried them: the
  // rules are in domain/confirmations.ts. Every sync step 2 / update frame goes through
  // sendCounted, or the numbers shift.
  const deletes = new DeleteConfirmations<WebSocketLike>();
  const sendCounted = (ws: WebSocketLike, msg: Uint8Array): number => {
    const n = deletes.countFrame(ws);
    ws.send(msg);
    return n;
  };
  let writesSinceCheck = 0;
  let unstored: UpdateToStore[] = [];
  /** While transact() runs: the IndexedDB writes of the updates it produced. */
  let collecting: Promise<void>[] | null = null;

  const isOurs = (origin: unknown) => routes.some((r) => r.socket === origin);

  const onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    const remote = isOurs(origin);
    // A change that adds an item (map set, array push) moves this client's clock, and the
    // server's state vector tells when it is stored. One that only deletes does not.
    const change = pendingOf(doc.clientID, tr.beforeState.get(doc.clientID) ?? 0, Y.getState(doc.store, doc.clientID));
    const pending = remote ? null : { ...change, records: recordsTouched(tr) };
    // Updates whose write failed are written again with the next one, so once storage works
    // again nothing that is in memory is missing from IndexedDB.
    const written = writes.then(async () => {
      const batch = [...unstored, { update, pending }];
      let ids: (number | null)[];
      try {
        ids = await appendUpdates(docName, batch);
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
        // Offline, local changes reach the servers through the sync handshake on reconnect.
        for (const r of routes) {
          const ws = r.socket.ws;
          if (!r.socket.connected || !ws) continue;
          for (const b of local) {
            const frame = sendCounted(ws, encodeMessage({ type: 'sync-update', update: Y.convertUpdateFormatV2ToV1(b.update) }));
            if (b.pending?.deleteOnly) deletes.sentIn(r.tier, b.id, ws, frame);
          }
        }
      })
      .catch((err) => {
        console.error('hinanjo: could not persist an update', err);
        setState({ storeFailed: true });
      });
    if (++writesSinceCheck >= 50) {
      writesSinceCheck = 0;
      writes.then(() => setTimeout(() => void maybeCompact(), 0));
    }
  };

  const changeListeners = new Set<() => void>();
  let version = 0;
  const onAnyUpdate = () => {
    version++;
    for (const fn of changeListeners) fn();
  };

  const whenLoaded = (async () => {
    performance.mark(`hinanjo:${docName}:read-start`);
    const [{ updates, pending, deleteOnly }, lastConfirmedAt, boxLastConfirmedAt, storedJson] = await Promise.all([
      loadDoc(docName),
      readMeta(metaKey),
      readMeta(boxMetaKey),
      readMeta(storedKey),
    ]);
    try {
      for (const [client, clock] of JSON.parse(storedJson ?? '[]') as [number, number][]) storedSV.set(client, clock);
    } catch {
      // unreadable: the next STORED fills it again
    }
    for (const id of deleteOnly) deletes.added(id);
    performance.mark(`hinanjo:${docName}:read-end`);
    doc.transact(() => {
      for (const u of updates) Y.applyUpdateV2(doc, u);
    }, LOCAL_STORE_ORIGIN);
    // Listeners attach only now: with none attached, Yjs does not re-encode what it just loaded
    // (for a 10,000-person shelter that would double the start-up time).
    doc.on('updateV2', onUpdate);
    doc.on('updateV2', onAnyUpdate);
    onAnyUpdate();
    performance.mark(`hinanjo:${docName}:applied`);
    setState({
      pending: pending.pending,
      pendingLocal: pending.local,
      lastConfirmedAt,
      ...(state.box ? { box: { ...state.box, lastConfirmedAt: boxLastConfirmedAt } } : {}),
    });
    if (updates.length > COMPACT_AFTER_ROWS) setTimeout(() => void maybeCompact(), 2_000);
  })();

  /** The city has it: delete the covered rows (whichever route told us). */
  const confirmAtCity = (r: Route, sv: Map<number, number>, ws: WebSocketLike, count: number) => {
    const at = new Date().toISOString();
    // Queued behind the writes so the pending count is never raced by a write in flight.
    writes = writes
      .then(async () => {
        const deletesStored = deletes.covered(r.tier, ws, count);
        const remaining = await confirmPending(docName, sv, deletesStored);
        deletes.confirmed(deletesStored);
        let grew = false;
        for (const [client, clock] of sv) {
          if (clock > (storedSV.get(client) ?? 0)) {
            storedSV.set(client, clock);
            grew = true;
          }
        }
        await writeMeta(metaKey, at);
        if (grew) await writeMeta(storedKey, JSON.stringify([...storedSV]));
        setCounts(remaining);
        setState({ lastConfirmedAt: at });
        if (grew) onAnyUpdate();
      })
      .catch((err) => console.error('hinanjo: could not record a confirmation', err));
  };

  /** The shelter box has it: mark the covered rows (they stay pending for the city). */
  const confirmAtBox = (r: Route, sv: Map<number, number>, ws: WebSocketLike, count: number) => {
    const at = new Date().toISOString();
    writes = writes
      .then(async () => {
        const counts = await markAtBox(docName, sv, deletes.covered(r.tier, ws, count));
        await writeMeta(boxMetaKey, at);
        setCounts(counts);
        r.lastConfirmedAt = at;
        publishRoutes();
      })
      .catch((err) => console.error('hinanjo: could not record a box confirmation', err));
  };

  const publishRoutes = () => {
    const city = routes.find((r) => r.tier === 'city');
    const box = routes.find((r) => r.tier === 'box');
    setState({
      ...(city ? { connection: city.connection, refusedCode: city.refusedCode } : {}),
      ...(box ? { box: { connection: box.connection, lastConfirmedAt: box.lastConfirmedAt ?? state.box?.lastConfirmedAt ?? null, ...(box.refusedCode !== undefined ? { refusedCode: box.refusedCode } : {}) } } : {}),
    });
  };

  const openRoute = (tier: Tier, serverUrl: string) => {
    if (destroyed) return;
    const r = { tier, connection: 'connecting', lastConfirmedAt: null } as Omit<Route, 'socket'> as Route;
    deletes.addRoute(tier);
    routes.push(r);

    const onMessage = (m: WireMessage, ws: WebSocketLike) => {
      switch (m.type) {
        case 'sync-step1':
          // The server's state vector asks for what it lacks. Answered after the pending
          // IndexedDB writes (so nothing goes out before it is stored), on the socket that asked,
          // and cut into frames the server accepts (see split-update.ts).
          void writes.then(() => {
            if (r.socket.ws !== ws || !r.socket.connected) return;
            const parts = missingUpdates(doc, Y.decodeStateVector(m.stateVector), MAX_FRAME_BYTES - FRAME_HEADER_BYTES);
            let last = 0;
            parts.forEach((part, i) => {
              // The first part is the step 2 reply; the rest follow as plain updates.
              last = sendCounted(ws, encodeMessage({ type: i === 0 ? 'sync-step2' : 'sync-update', update: part }));
            });
            // Every part carries the whole delete set: the last part is the frame to wait for.
            deletes.handshakeSent(tier, ws, last);
          });
          return;
        case 'sync-step2':
        case 'sync-update':
          try {
            Y.applyUpdate(doc, m.update, r.socket);
          } catch (e) {
            console.error('hinanjo: could not apply an update from the server', e);
          }
          return;
        case 'stored': {
          // A server before protocol version 2 sends no count: it confirms no deletion.
          const sv = Y.decodeStateVector(m.stateVector);
          if (tier === 'city') confirmAtCity(r, sv, ws, m.durable ?? 0);
          else confirmAtBox(r, sv, ws, m.durable ?? 0);
          return;
        }
        case 'upstream-stored':
          // Only a box sends this: the city's confirmation, relayed (counts are frames on the box socket).
          if (tier === 'box') confirmAtCity(r, Y.decodeStateVector(m.stateVector), ws, m.durable);
          return;
        default:
          // Heartbeats only refresh the socket's lastMessageAt; presence (awareness) is not used.
          return;
      }
    };
    r.socket = new SyncSocket(
      { serverUrl, docName, token: opts.token, epoch },
      {
        stateVector: () => Y.encodeStateVector(doc),
        message: onMessage,
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
            for (const other of routes) other.socket.destroy();
            writeEpoch(docName, next);
            void writes.finally(() => (opts.onPurged ?? dropPurgedCopy)(docName, next));
          }
        },
      },
    );
  };

  // navigator.onLine is only a hint. Going offline shortens the silence the watchdog tolerates
  // to a little more than one heartbeat (the socket is still judged by its own traffic, so a
  // wrong hint costs nothing); coming back online is a reason to reconnect now, not after backoff.
  let suspectOffline = false;
  const watchdog = setInterval(() => {
    const allowed = allowedSilence(DEAD_CONNECTION_MS, HEARTBEAT_INTERVAL_MS, suspectOffline);
    for (const r of routes) {
      if (r.socket.connected && isSilentTooLong(r.socket.lastMessageAt, Date.now(), allowed)) r.socket.reconnectNow();
    }
  }, WATCHDOG_TICK_MS);
  const onOffline = () => {
    suspectOffline = true;
  };
  const onOnline = () => {
    suspectOffline = false;
    for (const r of routes) if (!r.socket.connected) r.socket.reconnectNow();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  void whenLoaded.then(() => {
    openRoute('city', opts.serverUrl ?? defaultServerUrl());
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
      await whenLoaded; // a change made before the store is loaded would not be persisted
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
      // Rejects when IndexedDB refused the write (full disk, private mode…): never "saved" then.
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
        const timer = Number.isFinite(timeoutMs) ? setTimeout(() => finish(false), timeoutMs) : null;
        const off = (() => {
          const fn = (s: SyncState) => {
            if (confirmed(s)) finish(true);
            else if (refused(s)) finish(false);
          };
          stateListeners.add(fn);
          return () => stateListeners.delete(fn);
        })();
        function finish(ok: boolean) {
          if (timer) clearTimeout(timer);
          off();
          resolve(ok);
        }
      });
    },
    destroy() {
      destroyed = true;
      clearInterval(watchdog);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      for (const r of routes) r.socket.destroy();
      doc.off('updateV2', onUpdate);
      doc.off('updateV2', onAnyUpdate);
      stateListeners.clear();
      changeListeners.clear();
    },
  };
}
