// Entry of the resident page (/). Everything here is in the first load, so it stays small:
// Preact, the dictionaries and this page's own modules. Leaflet and the service-worker helper
// arrive later through dynamic imports.
import { render } from 'preact';
import { App } from './app';
import { createFeed } from './feed';
import { parseClosures, parseStatus, withLevels, type ChangeEvent } from './public-layers';
import { checkIntervalMs, loadPrefs } from './prefs';
import './resident.css';

const checkEveryMs = checkIntervalMs();
/** The window over which open pages spread their fetch after a change event. */
const SPREAD_MS = 20_000;
/** The same, for the first event of a connection, when the page's copy is not the current one. */
const RECONNECT_SPREAD_MS = 2_000;
/**
 * Counts change with every check-in: after a change of counts alone a page whose copy is younger
 * than this leaves it to its regular check (a new level rides on the event itself; a shelter that
 * opens, closes or is declared full is always fetched).
 */
const QUIET_REFRESH_MS = 30_000;
const checkedWithin = (checkedAt: string | undefined, ms: number) => !!checkedAt && Date.now() - Date.parse(checkedAt) < ms;
const statusFeed = createFeed({
  url: '/api/public/status.json',
  storageKey: 'hinanjo.resident.status.v1',
  parse: parseStatus,
  intervalMs: checkEveryMs,
  preloaded: true,
});
const closuresFeed = createFeed({
  url: '/api/public/road-closures.geojson',
  storageKey: 'hinanjo.resident.closures.v1',
  parse: parseClosures,
  intervalMs: checkEveryMs,
});

render(
  <App statusFeed={statusFeed} closuresFeed={closuresFeed} initialPrefs={loadPrefs()} checkEveryMs={checkEveryMs} />,
  document.getElementById('app')!,
);

statusFeed.start();
closuresFeed.start();

// A change pushed by the server. A new level rides on the event and is shown at once; the rest
// (crowding, closures) is fetched at a random moment within the next seconds, because every
// open page in the city hears the same event in the same second, and tens of thousands of
// simultaneous requests would be refused. When the stream is unavailable (offline, an old proxy,
// too many listeners) the page polls.
if ('EventSource' in window) {
  const changes = new EventSource('/api/public/changes');
  // The first event of each connection says what is current: a copy fetched before a change that
  // the stream was not yet open to announce is caught up at once (a page fresh from the server,
  // or back from a lost connection, spread over a couple of seconds).
  let first = true;
  changes.addEventListener('open', () => (first = true));
  changes.addEventListener('etags', (e) => {
    try {
      const etags = JSON.parse((e as MessageEvent<string>).data) as ChangeEvent;
      if (first) {
        first = false;
        if (etags.status && etags.status !== statusFeed.state().cached?.etag) statusFeed.checkSoon(RECONNECT_SPREAD_MS, etags.status);
        if (etags.closures && etags.closures !== closuresFeed.state().cached?.etag) closuresFeed.checkSoon(RECONNECT_SPREAD_MS, etags.closures);
        return;
      }
      const newLevel = !!etags.levels && Object.keys(etags.levels).length > 0;
      if (newLevel) statusFeed.patch((s) => withLevels(s, etags.levels!));
      const kept = statusFeed.state().cached;
      const worthIt = newLevel || etags.shelters === true || !checkedWithin(kept?.checkedAt, QUIET_REFRESH_MS);
      if (etags.status && etags.status !== kept?.etag && worthIt) statusFeed.checkSoon(SPREAD_MS, etags.status);
      if (etags.closures && etags.closures !== closuresFeed.state().cached?.etag) closuresFeed.checkSoon(SPREAD_MS, etags.closures);
    } catch {
      // not ours: ignore
    }
  });
}

// Back online or back to the tab: ask at once instead of waiting for the next tick.
const checkAll = () => {
  void statusFeed.checkNow();
  void closuresFeed.checkNow();
};
window.addEventListener('online', checkAll);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') checkAll();
});

// The service worker makes the page start offline; registering it can wait until after the
// first render, and its helper module is not part of the first load. A new version is never
// forced (the worker is shared with the staff tablets); it takes over once every tab has closed.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void import('../lib/pwa-update').then(({ registerServiceWorker }) => registerServiceWorker());
}
