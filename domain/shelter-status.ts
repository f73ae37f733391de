// Opening and closing a shelter: the status lives in the shelter's own document (meta.status),
// so the tablet, the HQ overview and the public status all read the same value.
import type * as Y from 'yjs';
import { SCHEMA_VERSION, type ShelterStatus, SHELTER_STATUSES, shelterMeta } from './schema';
import { type Result, err, ok } from './result';

export function setShelterStatus(doc: Y.Doc, status: ShelterStatus, now: Date): Result<ShelterStatus, 'invalid-status'> {
  if (!(SHELTER_STATUSES as readonly string[]).includes(status)) return err('invalid-status');
  const meta = shelterMeta(doc);
  doc.transact(() => {
    if (!meta.has('schema')) meta.set('schema', SCHEMA_VERSION);
    if (meta.get('status') !== status) meta.set('status', status);
    // openedAt is the first opening: reopening after a close keeps it
    if (status !== 'closed' && !meta.get('openedAt')) meta.set('openedAt', now.toISOString());
    // closedAt starts the retention clock (retention.ts): set on closing, cleared on reopening
    if (status === 'closed' && !meta.get('closedAt')) meta.set('closedAt', now.toISOString());
    if (status !== 'closed' && meta.has('closedAt')) meta.delete('closedAt');
  });
  return ok(status);
}
