// Service worker registration for all three surfaces. A new version is announced ("reload when
// convenient") and never forced: reloading in the middle of a check-in would lose the form.
import { registerSW } from 'virtual:pwa-register';

export interface UpdateState {
  needRefresh: boolean;
  offlineReady: boolean;
}

const UPDATE_CHECK_MS = 60 * 60 * 1000;

let state: UpdateState = { needRefresh: false, offlineReady: false };
const listeners = new Set<(s: UpdateState) => void>();
let apply: ((reload?: boolean) => Promise<void>) | null = null;

function set(patch: Partial<UpdateState>) {
  state = { ...state, ...patch };
  for (const fn of listeners) fn(state);
}

/** Registers the service worker once per page; safe to call from every surface's entry. */
export function registerServiceWorker(): void {
  if (apply || !('serviceWorker' in navigator)) return;
  apply = registerSW({
    immediate: true,
    onNeedRefresh: () => set({ needRefresh: true }),
    onOfflineReady: () => set({ offlineReady: true }),
    onRegisterError: (error) => console.warn('hinanjo: service worker registration failed', error),
    // A tablet may stay on one page for days (routes are hash changes), so the browser's own
    // check on navigation is not enough: ask for a new version every hour while online.
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
  });
}

export function updateState(): UpdateState {
  return state;
}

export function onUpdateState(fn: (s: UpdateState) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Activates the waiting version and reloads: only when the user chose to. */
export async function reloadToUpdate(): Promise<void> {
  await apply?.(true);
}

export function dismissUpdate(): void {
  set({ needRefresh: false, offlineReady: false });
}
