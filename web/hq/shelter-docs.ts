// HQ writes to a shelter's document rarely (acknowledge a request, open or close the shelter),
// so it opens that one document on demand instead of keeping 300 of them. A document stays open
// until the server has confirmed the change, so an edit made offline is still sent when the
// connection returns; then it is closed.
import { openSyncedDoc, type SyncedDoc } from '../lib/sync/synced-doc';
import { shelterDocName } from '../../domain/schema';

const CLOSE_AFTER_CONFIRMED_MS = 10_000;
const FIRST_SYNC_WAIT_MS = 5_000;

export class ShelterDocs {
  private readonly open = new Map<string, { synced: SyncedDoc; closeTimer: ReturnType<typeof setTimeout> | null; off: () => void; confirmedAtOpen: string | null }>();

  constructor(private readonly token: string) {}

  /** Runs fn on the shelter's document once it is loaded; resolves when the change is stored locally. */
  async edit(shelterId: string, fn: (doc: SyncedDoc['doc']) => void): Promise<void> {
    const fresh = !this.open.has(shelterId);
    const entry = this.get(shelterId);
    await entry.synced.whenLoaded;
    if (fresh) await this.firstSync(entry.synced, entry.confirmedAtOpen);
    await entry.synced.transact(fn);
    this.scheduleClose(shelterId);
  }

  /**
   * Reads the shelter's current document (after the server's state arrived) with fn. False when
   * the server's state did not arrive in time: the copy here may be old or empty.
   */
  async read<T>(shelterId: string, fn: (doc: SyncedDoc['doc']) => T): Promise<{ fresh: boolean; value: T }> {
    const entry = this.get(shelterId);
    await entry.synced.whenLoaded;
    const fresh = await entry.synced.whenConfirmed({ after: entry.confirmedAtOpen, timeoutMs: FIRST_SYNC_WAIT_MS });
    try {
      return { fresh, value: fn(entry.synced.doc) };
    } finally {
      this.scheduleClose(shelterId);
    }
  }

  private get(shelterId: string) {
    let entry = this.open.get(shelterId);
    if (!entry) {
      const synced = openSyncedDoc(shelterDocName(shelterId), { token: this.token });
      const off = synced.onState(() => this.scheduleClose(shelterId));
      entry = { synced, closeTimer: null, off, confirmedAtOpen: null };
      const e = entry;
      void synced.whenLoaded.then(() => (e.confirmedAtOpen = synced.state().lastConfirmedAt));
      this.open.set(shelterId, entry);
    }
    if (entry.closeTimer) clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
    return entry;
  }

  /**
   * Waits for the server's state (its first STORED after the handshake moves lastConfirmedAt),
   * so HQ edits the shelter's current document; offline it goes ahead after a short wait.
   */
  private async firstSync(synced: SyncedDoc, before: string | null): Promise<void> {
    await synced.whenConfirmed({ after: before, timeoutMs: FIRST_SYNC_WAIT_MS });
  }

  private scheduleClose(shelterId: string): void {
    const entry = this.open.get(shelterId);
    if (!entry || entry.synced.state().pending > 0) return;
    if (entry.closeTimer) clearTimeout(entry.closeTimer);
    entry.closeTimer = setTimeout(() => {
      if (entry.synced.state().pending > 0) return;
      entry.off();
      entry.synced.destroy();
      this.open.delete(shelterId);
    }, CLOSE_AFTER_CONFIRMED_MS);
  }
}

let shared: { token: string; docs: ShelterDocs } | null = null;

/** One manager per page (and token), shared by the views that write to shelters. */
export function shelterDocs(token: string): ShelterDocs {
  if (!shared || shared.token !== token) shared = { token, docs: new ShelterDocs(token) };
  return shared.docs;
}
