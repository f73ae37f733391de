// Entry of the resident page (/). Everything here is in the first load, so it stays small:
// Preact, the dictionaries and this page's own modules. Leaflet and the service-worker helper
// arrive later through dynamic imports.
import { render } from 'preact';
import { App } from './app';
import { createFeed } from './feed';
import { parseClosures, parseStatus } from './public-layers';
import { checkIntervalMs, loadPrefs } from './prefs';
import './resident.css';

const checkEveryMs = checkIntervalMs();
const statusFeed = createFeed({
  url: '/api/public/status.json',
  storageKey: 'hinanjo.resident.status.v1',
  parse: parseStatus,
  intervalMs: checkEveryMs,
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

// A change pushed by the server (a new level, a new closure): fetch it now. The stream carries
// only ETags; when it is unavailable (offline, an old proxy, too many listeners) the page polls.
if ('EventSource' in window) {
  const changes = new EventSource('/api/public/changes');
  changes.addEventListener('etags', (e) => {
    try {
      const etags = JSON.parse((e as MessageEvent<string>).data) as { status?: string; closures?: string };
      if (etags.status && etags.status !== statusFeed.state().cached?.etag) void statusFeed.checkNow();
      if (etags.closures && etags.closures !== closuresFeed.state().cached?.etag) void closuresFeed.checkNow();
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
