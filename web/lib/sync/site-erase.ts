// The platform's own erase. Deleting the IndexedDB database from script leaves the names in
// Chromium's LevelDB files until a compaction that may never come (a byte search of a profile
// found them after a browser restart). The server answers POST /api/device/erase with
// `Clear-Site-Data: "storage"`, and the browser deletes the origin's storage, files included
// (sync-server/routes/device.ts). That takes localStorage and the service worker too: the
// entries the caller wants to keep are read first and written back; the service worker comes
// back with the next load.
//
// Offline, nothing can be asked of the server: the database was already deleted from script,
// and the erase is asked again at the next start (retryPendingErase).

const PENDING_KEY = 'hinanjo:erase-pending';

/** Erases this origin's storage, keeping the localStorage entries `keep` says yes to. True when the browser was asked. */
export async function eraseSiteStorage(keep: (key: string) => boolean): Promise<boolean> {
  const kept: [string, string][] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k !== null && k !== PENDING_KEY && keep(k)) kept.push([k, localStorage.getItem(k) ?? '']);
    }
  } catch {
    // no storage to keep
  }
  let done = false;
  try {
    const res = await fetch('/api/device/erase', { method: 'POST', headers: { 'X-Hinanjo-Erase': 'storage' }, cache: 'no-store', credentials: 'same-origin' });
    done = res.ok;
  } catch {
    done = false;
  }
  try {
    for (const [k, v] of kept) localStorage.setItem(k, v);
    if (done) localStorage.removeItem(PENDING_KEY);
    else localStorage.setItem(PENDING_KEY, '1');
  } catch {
    // storage refused: nothing more to do
  }
  return done;
}

/** An erase that could not reach the server last time is asked again (keeping whatever is left). */
export async function retryPendingErase(): Promise<void> {
  let pending = false;
  try {
    pending = localStorage.getItem(PENDING_KEY) === '1';
  } catch {
    return;
  }
  if (pending) await eraseSiteStorage(() => true);
}
