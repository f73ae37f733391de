// Entry of the resident page (/). Everything here is in the first load, so it stays small:
// Preact, the dictionaries and this page's own modules. Leaflet and the service-worker helper
// arrive later through dynamic imports.
import { render } from 'preact';
import { App } from './app';
import { createFeed } from './feed';
import { parseClosures, parseStatus, withLevels, type ChangeEvent } from './public-layers';
import { checkIntervalMs, loadPrefs } from './prefs';
import { bringsLevels, closuresFetchWithin, statusFetchWithin } from './change-policy';
import './resident.css';

const checkEveryMs = checkIntervalMs();
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
      const isFirst = first;
      first = false;
      if (!isFirst && bringsLevels(etags)) statusFeed.patch((s) => withLevels(s, etags.levels!));
      const kept = statusFeed.state().cached;
      const checkedAt = kept?.checkedAt ? Date.parse(kept.checkedAt) : null;
      const status = statusFetchWithin(etags, { etag: kept?.etag, checkedAt }, isFirst, Date.now());
      if (status !== null) statusFeed.checkSoon(status, etags.status);
      const closures = closuresFetchWithin(etags, closuresFeed.state().cached?.etag, isFirst);
      if (closures !== null) closuresFeed.checkSoon(closures, etags.closures);
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
