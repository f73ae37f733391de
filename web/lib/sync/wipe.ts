// A revoked device erases itself. When HQ revokes a lost or stolen tablet, the server closes its
// sockets with CLOSE.revoked (never sent for a token that merely expired), and at that first
// contact the device deletes its whole local store (the roster and every other document), forgets
// its token and remembers only when it was wiped, so the next screen can say so. Unsent changes
// are lost on purpose: the device is no longer trusted to hold them. The browser then erases the
// origin's storage files (site-erase.ts), so no byte of a name stays on the disk.
import { CLOSE } from '../../../domain/protocol';
import { forgetToken, markWiped, WIPED_KEY, type Surface } from '../enrolment';
import { eraseSiteStorage } from './site-erase';
import { deleteLocalStore } from './local-store';
import type { SyncedDoc } from './synced-doc';

export async function wipeDevice(surface: Surface, docs: readonly SyncedDoc[], now = new Date()): Promise<void> {
  for (const d of docs) d.destroy();
  forgetToken(surface);
  // Both surfaces share one origin's store; a revoked device keeps no document at all.
  forgetToken(surface === 'shelter' ? 'hq' : 'shelter');
  markWiped(now);
  await deleteLocalStore();
  // Only the note of the wipe and the screen's language and text size stay.
  await eraseSiteStorage((key) => key === WIPED_KEY || key === 'hinanjo:lang' || key === 'hinanjo:textSize');
}

/** Wipes the device as soon as any of `docs` is refused as revoked; `onWiped` then replaces the screen. */
export function wipeOnRevocation(surface: Surface, docs: readonly SyncedDoc[], onWiped: () => void): void {
  let wiping = false;
  const check = (s: ReturnType<SyncedDoc['state']>) => {
    const revoked = (s.connection === 'refused' && s.refusedCode === CLOSE.revoked) || (s.box?.connection === 'refused' && s.box.refusedCode === CLOSE.revoked);
    if (wiping || !revoked) return;
    wiping = true;
    void wipeDevice(surface, docs)
      .catch((e) => console.error('hinanjo: wipe after revocation failed', e))
      .finally(onWiped);
  };
  for (const d of docs) d.onState(check);
}
