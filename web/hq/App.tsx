// HQ: a tab per job (map, levels, closures, registry, requests) over the hq document and the
// overview stream; or, with ?wall, the wall screen alone.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SyncedDoc } from '../lib/sync/synced-doc';
import { commonStrings, useLang } from '../lib/i18n';
import { useDocVersion, useNow, useSyncState } from '../lib/sync/use-synced';
import { SyncIndicator } from '../lib/ui/SyncIndicator';
import { LangSwitch } from '../lib/ui/LangSwitch';
import { UpdateBanner } from '../lib/ui/UpdateBanner';
import { PurgedNotice } from '../lib/ui/PurgedNotice';
import { hqDistricts, hqMeta, shelterDocName } from '../../domain/schema';
import { forgetPurgedCopies } from '../lib/sync/purged-copy';
import { asString } from '../../domain/coerce';
import { asLevel } from '../../domain/levels';
import { activeClosures } from '../../domain/closures';
import type { OverviewFeed } from './overview-feed';
import { useOverview } from './use-overview';
import { useShelterLinks } from './use-links';
import { FullAlert } from './FullAlert';
import { shelterRows } from './shelter-rows';
import { hqStrings } from './strings';
import type { HqView } from './context';
import type { DistrictView } from './context';
import { FeedStatus } from './FeedStatus';
import { MapTab } from './MapTab';
import { WallView } from './WallView';
import { LevelsTab } from './LevelsTab';
import { ClosuresTab } from './ClosuresTab';
import { RegistryTab } from './RegistryTab';
import { RequestsTab } from './RequestsTab';
import { SafetyTab } from './SafetyTab';
import { RetentionTab } from './RetentionTab';
import { DevicesTab } from './DevicesTab';
import { SosTab } from './SosTab';
import { HazardsTab } from './HazardsTab';
import { SupportListTab } from './SupportListTab';
import { Board, BoardTab } from './BoardTab';
import { SosAlert } from './SosAlert';
import { useSos } from './use-sos';

const TABS = ['map', 'board', 'levels', 'sos', 'support', 'hazards', 'closures', 'registry', 'requests', 'safety', 'retention', 'devices'] as const;
type TabId = (typeof TABS)[number];

function tabFromHash(): TabId {
  const h = location.hash.replace(/^#\/?/, '');
  return (TABS as readonly string[]).includes(h) ? (h as TabId) : 'map';
}

interface Props {
  token: string;
  /** This device's token id (it cannot revoke itself from here). */
  jti: string;
  hq: SyncedDoc;
  feed: OverviewFeed;
  wall: boolean;
  actor: string;
}

export function App({ token, jti, hq, feed, wall, actor }: Props) {
  const [lang] = useLang();
  const t = hqStrings(lang);
  const c = commonStrings(lang);
  const version = useDocVersion(hq);
  const sync = useSyncState(hq);
  const overview = useOverview(feed);
  const now = useNow(wall ? 10_000 : 30_000);
  const [tab, setTab] = useState<TabId>(tabFromHash);

  useEffect(() => {
    const on = () => setTab(tabFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    document.title = `${t.title} Hinanjo`;
  }, [t]);

  const rows = useMemo(() => shelterRows(hq.doc, overview.shelters, now), [version, overview, now]);
  // A roster HQ once opened (an edit, an export) must not outlive its purge on this device.
  useEffect(() => {
    const purged = [...overview.shelters.values()].flatMap((s) => (s.purgedAt ? [{ docName: shelterDocName(s.shelterId), epoch: s.purgedAt }] : []));
    if (purged.length > 0) void forgetPurgedCopies(purged);
  }, [overview]);
  const districts = useMemo<DistrictView[]>(() => {
    const list: DistrictView[] = [];
    hqDistricts(hq.doc).forEach((m, id) => list.push({ id, name: asString(m.get('name'), id), level: asLevel(m.get('level')) }));
    return list.sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  }, [version]);
  // In force as of this render, not of the last 30-s tick: an imported closure without a start
  // begins "now", and must not read as 予定 for half a minute.
  const closures = useMemo(() => activeClosures(hq.doc, new Date(Math.max(now.getTime(), Date.now()))), [version, now]);
  const region = asString(hqMeta(hq.doc).get('region'));

  const links = useShelterLinks(token);
  const sos = useSos(token, overview.sosVersion);
  const view: HqView = { t, c, lang, token, actor, hq, overview, rows, districts, closures, now, links, sos };
  const openSos = sos.items.filter((x) => x.state === 'received' || x.state === 'in-progress').length;

  if (wall)
    return (
      <>
        <FullAlert view={view} />
        <SosAlert view={view} />
        {/* ?wall&board: the evacuation board on the wall, counts only */}
        {new URLSearchParams(location.search).has('board') ? (
          <div class="hq-wallview hq-wallview--board" data-testid="wall-board">
            <h1 class="hq-wall-board__title">{region || t.title} — {t.board.heading}</h1>
            <Board view={view} wall />
          </div>
        ) : (
          <WallView view={view} region={region} />
        )}
      </>
    );

  return (
    <div class="hq">
      <header class="hq-header">
        <h1 class="hq-header__title">
          {t.appName}
          {region && <span class="hq-header__region">{region}</span>}
        </h1>
        <nav class="hq-tabs" aria-label={t.title}>
          {TABS.map((id) => (
            <a key={id} href={`#/${id}`} class="hq-tab" aria-current={tab === id ? 'page' : undefined} data-testid={`tab-${id}`}>
              {t.tabs[id]}
              {id === 'sos' && openSos > 0 && <span class="hq-tab__count" data-testid="sos-count">{openSos}</span>}
            </a>
          ))}
        </nav>
        <div class="hq-header__status">
          <FeedStatus t={t} overview={overview} />
          <SyncIndicator state={sync} />
          <a class="hq-wall-link" href="?wall">{t.wallLink}</a>
          <LangSwitch />
        </div>
      </header>
      <UpdateBanner />
      <PurgedNotice />
      <FullAlert view={view} />
      <SosAlert view={view} />
      {sync.connection === 'refused' && <p class="flash flash--error">{t.tokenRefused}</p>}
      <main class={`hq-main hq-main--${tab}`}>
        {tab === 'map' && <MapTab view={view} />}
        {tab === 'levels' && <LevelsTab view={view} />}
        {tab === 'sos' && <SosTab view={view} />}
        {tab === 'hazards' && <HazardsTab view={view} />}
        {tab === 'board' && <BoardTab view={view} />}
        {tab === 'support' && <SupportListTab view={view} />}
        {tab === 'closures' && <ClosuresTab view={view} />}
        {tab === 'registry' && <RegistryTab view={view} />}
        {tab === 'requests' && <RequestsTab view={view} />}
        {tab === 'safety' && <SafetyTab view={view} />}
        {tab === 'retention' && <RetentionTab view={view} />}
        {tab === 'devices' && <DevicesTab view={view} ownJti={jti} />}
      </main>
    </div>
  );
}
