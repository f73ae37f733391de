// The tablet app once enrolled: header (shelter, language, sync state), tabs, the current screen.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SyncedDoc } from '../lib/sync/synced-doc';
import { SyncIndicator } from '../lib/ui/SyncIndicator';
import { LangSwitch } from '../lib/ui/LangSwitch';
import { TextSizeSwitch } from '../lib/ui/TextSizeSwitch';
import { UpdateBanner } from '../lib/ui/UpdateBanner';
import { PurgedNotice } from '../lib/ui/PurgedNotice';
import { commonStrings, useLang } from '../lib/i18n';
import { useDocVersion, useSyncState } from '../lib/sync/use-synced';
import { hqShelters } from '../../domain/schema';
import { asString } from '../../domain/coerce';
import { type ShelterApp, ShelterContext } from './context';
import { shelterStrings } from './strings';
import { TABS } from './tabs';
import { href, parseHash } from './routes';
import { PinLock } from './PinLock';

interface Props {
  shelterId: string;
  shelter: SyncedDoc;
  hq: SyncedDoc;
  deviceLabel: string;
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App({ shelterId, shelter, hq, deviceLabel }: Props) {
  const [lang] = useLang();
  const [loaded, setLoaded] = useState(false);
  const sync = useSyncState(shelter);
  const hqVersion = useDocVersion(hq);
  const { path, rest } = parseHash(useHash());
  useEffect(() => {
    void shelter.whenLoaded.then(() => setLoaded(true));
  }, [shelter]);

  const app: ShelterApp = useMemo(
    () => ({ shelterId, shelter, hq, deviceLabel, lang, t: shelterStrings(lang), c: commonStrings(lang) }),
    [shelterId, shelter, hq, deviceLabel, lang],
  );
  const name = useMemo(() => asString(hqShelters(hq.doc).get(shelterId)?.get('name')), [hq, shelterId, hqVersion]);
  const tab = TABS.find((t) => t.path === path) ?? TABS[0];
  useEffect(() => {
    document.title = `${name || app.t.unnamedShelter(shelterId)} — ${app.c.appName}`;
  }, [name, app, shelterId]);

  return (
    <ShelterContext.Provider value={app}>
      <PinLock>
        <header class="topbar">
          <div class="topbar__title">
            <span class="topbar__app">{app.c.appName}</span>
            <h1 data-testid="shelter-name">{name || app.t.unnamedShelter(shelterId)}</h1>
          </div>
          <SyncIndicator state={sync} compact />
          {/* Settings of this device, one tap away: the header stays one line (more roster rows). */}
          <details class="topbar__more" data-testid="topbar-more">
            <summary aria-label={app.c.settings}>⚙</summary>
            <div class="topbar__menu">
              <TextSizeSwitch />
              <LangSwitch />
            </div>
          </details>
        </header>
        <UpdateBanner />
        <PurgedNotice />
        <nav class="tabs">
          {TABS.map((t) => (
            <a key={t.path} href={href(t.path)} class="tab" aria-current={t === tab ? 'page' : undefined}>
              {t.label(app)}
            </a>
          ))}
        </nav>
        <main class="screen">{loaded ? tab.render(rest) : <p class="loading">{app.t.loading}</p>}</main>
      </PinLock>
    </ShelterContext.Provider>
  );
}
