// Says once, after the reload that dropped a purged copy (purged-copy.ts), what happened.
import { useState } from 'preact/hooks';
import { commonStrings, useLang } from '../i18n';
import { shortDateTime } from '../format';
import { takePurgedNotice } from '../sync/purged-copy';

// Taken at module load: the notice belongs to this page load, whatever renders first.
const notice = typeof sessionStorage === 'undefined' ? null : takePurgedNotice();

export function PurgedNotice() {
  const [lang] = useLang();
  const [open, setOpen] = useState(notice !== null);
  if (!open || !notice) return null;
  const c = commonStrings(lang);
  return (
    <p class="flash" role="status" data-testid="purged-notice">
      {c.purged.notice(shortDateTime(notice.epoch))}{' '}
      <button type="button" class="link-button" onClick={() => setOpen(false)}>
        {c.purged.dismiss}
      </button>
    </p>
  );
}
