// The "new version, reload when convenient" banner for every surface (see pwa-update.ts).
import { useEffect, useState } from 'preact/hooks';
import { dismissUpdate, onUpdateState, reloadToUpdate, updateState } from '../pwa-update';
import { commonStrings, useLang } from '../i18n';

export function UpdateBanner() {
  const [s, setS] = useState(updateState);
  const [lang] = useLang();
  const t = commonStrings(lang).update;
  useEffect(() => onUpdateState(setS), []);
  if (!s.needRefresh) return null;
  return (
    <div class="update-banner" role="alert" data-testid="update-banner">
      <span>{t.available}</span>
      <button type="button" onClick={() => void reloadToUpdate()} data-testid="update-reload">
        {t.reload}
      </button>
      <button type="button" class="secondary" onClick={dismissUpdate}>
        {t.later}
      </button>
    </div>
  );
}
