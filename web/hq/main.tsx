// Entry of HQ (/hq/, wall mode /hq/?wall). Enrols from ?token=…, opens the hq document (written
// here, offline first) and the overview stream (every shelter's summary, one connection).
import { render } from 'preact';
import { enrolFromUrl } from '../lib/enrolment';
import { openSyncedDoc } from '../lib/sync/synced-doc';
import { wipeOnRevocation } from '../lib/sync/wipe';
import { registerServiceWorker } from '../lib/pwa-update';
import { keepSurfaceOffline } from '../lib/surface-cache';
import { currentLang } from '../i18n/index';
import { HQ_DOC } from '../../domain/schema';
import { OverviewFeed } from './overview-feed';
import { App } from './App';
import { NotEnrolled } from './NotEnrolled';
import '../lib/base.css';
import './hq.css';

registerServiceWorker();
// This surface's own code, kept for offline starts (the service worker precaches only the pages
// and the resident's code). The mark tells a test, and support staff, that it is all on the device.
void keepSurfaceOffline('hq').then((kept) => {
  if (kept) document.documentElement.dataset.surfaceCached = 'true';
});
document.documentElement.lang = currentLang();
const root = document.getElementById('app') as HTMLElement;
const enrolment = enrolFromUrl('hq');
const wall = new URLSearchParams(location.search).has('wall');
document.body.classList.toggle('hq-wall', wall);
document.documentElement.classList.toggle('hq-wall-root', wall);

if (!enrolment.ok) {
  render(<NotEnrolled reason={enrolment.error.reason} wipedAt={enrolment.error.wipedAt} />, root);
} else {
  const { token, claims } = enrolment.value;
  const hq = openSyncedDoc(HQ_DOC, { token });
  const feed = new OverviewFeed(token);
  // For tests: lets a page script wait for the store without reaching into modules.
  (window as unknown as { hinanjo?: unknown }).hinanjo = { hq, feed };
  wipeOnRevocation('hq', [hq], () => {
    feed.stop();
    render(<NotEnrolled reason="wiped" wipedAt={new Date().toISOString()} />, root);
  });
  render(<App token={token} jti={claims.jti} hq={hq} feed={feed} wall={wall} actor={claims.device ?? `hq:${claims.jti.slice(0, 8)}`} />, root);
}
