// Entry of the staff tablet (/shelter/). Enrols from ?token=…, opens this shelter's document
// (written here) and the hq document (read only: the shelter's name, capacity and districts).
import { render } from 'preact';
import { enrolFromUrl } from '../lib/enrolment';
import { openSyncedDoc } from '../lib/sync/synced-doc';
import { wipeOnRevocation } from '../lib/sync/wipe';
import { retryPendingErase } from '../lib/sync/site-erase';
import { boxFromEnrolmentLink, boxSyncUrl, storedBoxAddress } from '../lib/sync/box-address';
import { applyTextSize } from '../lib/text-size';
import { registerServiceWorker } from '../lib/pwa-update';
import { keepSurfaceOffline } from '../lib/surface-cache';
import { currentLang } from '../i18n/index';
import { HQ_DOC, shelterDocName } from '../../domain/schema';
import { App } from './App';
import { EnrolmentPage } from './EnrolmentPage';
import { prepareShelterDoc } from './prepare';
import '../lib/base.css';
import './shelter.css';

registerServiceWorker();
// This surface's own code, kept for offline starts (the service worker precaches only the pages
// and the resident's code). The mark tells a test, and support staff, that it is all on the device.
void keepSurfaceOffline('shelter').then((kept) => {
  if (kept) document.documentElement.dataset.surfaceCached = 'true';
});
void retryPendingErase();
document.documentElement.lang = currentLang();
applyTextSize();
const root = document.getElementById('app') as HTMLElement;
boxFromEnrolmentLink();
const enrolment = enrolFromUrl('shelter');

if (!enrolment.ok) {
  render(<EnrolmentPage reason={enrolment.error.reason} wipedAt={enrolment.error.wipedAt} />, root);
} else {
  const { token, claims } = enrolment.value;
  const shelterId = claims.shelter as string;
  const box = storedBoxAddress();
  const boxUrl = box ? boxSyncUrl(box) : undefined;
  const shelter = openSyncedDoc(shelterDocName(shelterId), { token, boxUrl });
  const hq = openSyncedDoc(HQ_DOC, { token, boxUrl });
  void prepareShelterDoc(shelter);
  // For tests and the benchmark: lets a page script wait for the store without reaching into modules.
  (window as unknown as { hinanjo?: unknown }).hinanjo = { shelter, hq };
  wipeOnRevocation('shelter', [shelter, hq], () => {
    render(<EnrolmentPage reason="wiped" wipedAt={new Date().toISOString()} />, root);
  });
  render(<App shelterId={shelterId} shelter={shelter} hq={hq} deviceLabel={claims.device ?? claims.jti} />, root);
}
