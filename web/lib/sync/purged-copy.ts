// A purged roster leaves the tablet too. When a shelter's roster is purged after its retention
// period (domain/retention.ts), the server refuses copies from before the purge (CLOSE.purged,
// with the new epoch). The device drops its copy, remembers the epoch (in localStorage, which
// outlives the IndexedDB database) so its next connection is accepted, and reloads: every
// screen holds the old document in memory, and a reload is the one sure way to let go of it.
// The next page says what happened (purgedNotice).
import { deleteDocRows, dropLocalDoc } from './local-store';
import { eraseSiteStorage } from './site-erase';

const EPOCH_PREFIX = 'hinanjo:epoch:';
const NOTICE_KEY = 'hinanjo:purged';

export function readEpoch(docName: string): string {
  try {
    return localStorage.getItem(EPOCH_PREFIX + docName) ?? '';
  } catch {
    return '';
  }
}

export function writeEpoch(docName: string, epoch: string): void {
  try {
    if (epoch) localStorage.setItem(EPOCH_PREFIX + docName, epoch);
    else localStorage.removeItem(EPOCH_PREFIX + docName);
  } catch {
    // storage refused: the next connection is refused again and this runs again
  }
}

export async function dropPurgedCopy(docName: string, epoch: string): Promise<void> {
  try {
    // The whole database went: have the browser erase its files too (site-erase.ts). The
    // device stays enrolled: every localStorage entry (token, epochs, box, PIN) is kept.
    if ((await dropLocalDoc(docName)) === 'database') await eraseSiteStorage(() => true);
  } catch (e) {
    console.error('hinanjo: could not drop a purged copy', e);
  }
  try {
    sessionStorage.setItem(NOTICE_KEY, JSON.stringify({ docName, epoch }));
  } catch {
    // the notice is a courtesy
  }
  location.reload();
}

/** The purge this page was reloaded for, once (read and forgotten), or null. */
export function takePurgedNotice(): { docName: string; epoch: string } | null {
  try {
    const raw = sessionStorage.getItem(NOTICE_KEY);
    if (!raw) return null;
    sessionStorage.removeItem(NOTICE_KEY);
    const v = JSON.parse(raw) as { docName?: unknown; epoch?: unknown };
    return typeof v.docName === 'string' && typeof v.epoch === 'string' ? { docName: v.docName, epoch: v.epoch } : null;
  } catch {
    return null;
  }
}

/**
 * HQ opens a shelter's document only for a moment (an edit, a roster export) but keeps its rows.
 * When the overview says a shelter was purged, a copy kept here from before is deleted without
 * waiting for HQ to open that shelter again. Returns the documents whose copy was deleted.
 */
export async function forgetPurgedCopies(purged: readonly { docName: string; epoch: string }[]): Promise<string[]> {
  const out: string[] = [];
  for (const { docName, epoch } of purged) {
    if (!epoch || readEpoch(docName) >= epoch) continue;
    try {
      await deleteDocRows(docName);
      writeEpoch(docName, epoch);
      out.push(docName);
    } catch (e) {
      console.error('hinanjo: could not delete a purged copy', e);
    }
  }
  return out;
}
