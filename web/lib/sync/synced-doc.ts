// The tablet's and HQ's synced document: the sync engine (domain/sync/replica.ts) on this
// device's IndexedDB (local-store.ts), the browser's WebSocket and timers, its online/offline
// hints, and the purged-copy rules (purged-copy.ts). Everything about order, confirmations,
// tiers and reconnecting lives in the engine, which the deterministic harness runs as it is.
import type * as Y from 'yjs';
import { systemClock } from '../../../domain/sync/clock';
import { openReplica, type SyncedDoc } from '../../../domain/sync/replica';
import type { WebSocketLike } from '../../../domain/sync/route';
import { indexedDbLog } from './local-store';
import { dropPurgedCopy, readEpoch, writeEpoch } from './purged-copy';

export type { Connection, SyncState, SyncedDoc } from '../../../domain/sync/replica';
export { LOCAL_STORE_ORIGIN } from '../../../domain/sync/replica';

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

const browserClock = systemClock({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) });

export function openSyncedDoc(docName: string, opts: OpenOptions): SyncedDoc {
  return openReplica(
    docName,
    { token: opts.token, serverUrl: opts.serverUrl ?? defaultServerUrl(), boxUrl: opts.boxUrl },
    {
      log: indexedDbLog,
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
      clock: browserClock,
      readEpoch,
      writeEpoch,
      onPurged: opts.onPurged ?? ((name, epoch) => void dropPurgedCopy(name, epoch)),
      onNetworkHint(fn) {
        const online = () => fn(true);
        const offline = () => fn(false);
        window.addEventListener('online', online);
        window.addEventListener('offline', offline);
        return () => {
          window.removeEventListener('online', online);
          window.removeEventListener('offline', offline);
        };
      },
      report: (what, err) => console.error(`hinanjo: ${what}`, err ?? ''),
      mark: (name) => performance.mark(name),
    },
  );
}
