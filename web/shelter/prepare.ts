// A shelter document this tablet opens for the first time gets its schema version, its status
// and the default supply catalog. Only missing keys are written, and only after the first sync
// with the server (or after a wait, when there is no server), so a fresh tablet does not
// overwrite a status HQ already set. Two tablets doing this offline write the same values.
import { seedDefaultItems } from '../../domain/stock';
import { SCHEMA_VERSION, shelterItems, shelterMeta } from '../../domain/schema';
import type { SyncedDoc } from '../lib/sync/synced-doc';
import { hasLegacyConsent, migrateConsent } from '../../domain/people';

const WAIT_FOR_SERVER_MS = 5_000;

export async function prepareShelterDoc(synced: SyncedDoc): Promise<void> {
  await synced.whenLoaded;
  await synced.whenConfirmed({ timeoutMs: WAIT_FOR_SERVER_MS });
  const meta = shelterMeta(synced.doc);
  const needsMeta = !meta.has('schema') || !meta.has('status');
  const needsItems = shelterItems(synced.doc).size === 0;
  // The old consent flag goes from records that have their tier (domain/people.ts migrateConsent).
  if (hasLegacyConsent(synced.doc)) await synced.transact((doc) => migrateConsent(doc));
  if (!needsMeta && !needsItems) return;
  await synced.transact((doc) => {
    if (!meta.has('schema')) meta.set('schema', SCHEMA_VERSION);
    if (!meta.has('status')) meta.set('status', 'open');
    if (!meta.has('openedAt')) meta.set('openedAt', new Date().toISOString());
    if (needsItems) seedDefaultItems(doc);
  });
}
