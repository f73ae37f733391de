// The resident page: one column, most important first — the "evacuate now" state when the
// switch is reached, the district's level, the switch, shelters, road closures, printing.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PublicStatus } from '../../domain/public-status';
import type { Feed, FeedState } from './feed';
import type { ClosureFeature } from './public-layers';
import { guessLang, LANGS, translator, type LangCode } from './i18n';
import { DEFAULT_SWITCH_LEVEL, savePrefs, type Prefs } from './prefs';
import { asLevel, switchReached } from './levels';
import { listShelters, nearestDistrictId, sheltersToGoTo, type LatLon, type ListOptions } from './shelters';
import { askNotifyPermission, notifyPermission, showNotice, type NotifyPermission } from './notify';
import { LanguageChooser, LanguageSelect, DistrictPicker, type LocateState } from './choosers';
import { LevelCard, Freshness, EvacuateNow, levelName } from './level-view';
import { SwitchPanel } from './switch-view';
import { ShelterSection } from './shelter-list';
import { ClosuresSection } from './closures';
import { PrintSheet } from './print-sheet';

export interface AppProps {
  statusFeed: Feed<PublicStatus>;
  closuresFeed: Feed<ClosureFeature[]>;
  initialPrefs: Prefs;
  checkEveryMs: number;
}

function useFeed<T>(feed: Feed<T>): FeedState<T> {
  const [s, setS] = useState(feed.state());
  useEffect(() => {
    const unsubscribe = feed.subscribe((next) => setS(next));
    setS(feed.state()); // whatever happened between the first render and this effect
    return unsubscribe;
  }, [feed]);
  return s;
}

export function App({ statusFeed, closuresFeed, initialPrefs, checkEveryMs }: AppProps) {
  const [prefs, setPrefs] = useState(initialPrefs);
  const status = useFeed(statusFeed);
  const closures = useFeed(closuresFeed);
  const [here, setHere] = useState<LatLon | null>(null);
  const [locate, setLocate] = useState<LocateState>('idle');
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission());
  const [now, setNow] = useState(() => new Date());

  const lang: LangCode = prefs.lang ?? guessLang(navigator.languages ?? [navigator.language]);
  const info = LANGS[lang];
  const t = useMemo(() => translator(lang), [lang]);
  const collator = useMemo(() => new Intl.Collator(info.locale), [info.locale]);

  const update = (patch: Partial<Prefs>) =>
    setPrefs((p) => {
      const next = { ...p, ...patch };
      savePrefs(next);
      return next;
    });

  // Relative times ("2 minutes ago") and staleness must move on even when nothing arrives.
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    const unsubs = [statusFeed.subscribe(() => setNow(new Date())), closuresFeed.subscribe(() => setNow(new Date()))];
    return () => unsubs.forEach((u) => u());
  }, [statusFeed, closuresFeed]);

  useEffect(() => {
    document.documentElement.lang = info.htmlLang;
  }, [info.htmlLang]);

  const data = status.cached?.data ?? null;
  const district = data?.districts.find((d) => d.id === prefs.districtId) ?? null;
  const level = asLevel(district?.level);
  const switchLevel = prefs.switchLevel ?? DEFAULT_SWITCH_LEVEL;
  const evacuate = district !== null && switchReached(level, switchLevel);

  useEffect(() => {
    const base = t('app.title');
    const state = evacuate ? t('now.heading') : district ? (level === 0 ? t('level.none') : t('level.badge', { n: level })) : null;
    document.title = state ? `${state} — ${base}` : base;
  }, [t, evacuate, district, level]);

  // Notify on a rise of the chosen district's level that arrived while the page was open.
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;
  const tRef = useRef(t);
  tRef.current = t;
  useEffect(
    () =>
      statusFeed.subscribe((next, prev) => {
        const id = prefsRef.current.districtId;
        const before = prev.cached?.data.districts.find((d) => d.id === id);
        const after = next.cached?.data.districts.find((d) => d.id === id);
        if (!before || !after || after.level <= before.level) return;
        const tt = tRef.current;
        const sw = prefsRef.current.switchLevel ?? DEFAULT_SWITCH_LEVEL;
        const lv = asLevel(after.level);
        void showNotice(
          tt('notify.title', { n: lv, name: levelName(tt, lv), district: after.name }),
          switchReached(lv, sw) ? tt('notify.bodyNow', { n: sw }) : tt('notify.body'),
          `hinanjo-level-${after.id}`,
        );
      }),
    [statusFeed],
  );

  /**
   * Uses the position once. From the district picker it also picks the district (of the nearest
   * shelter); from the "evacuate now" block it only sorts by distance, so the state the resident
   * is reading does not jump to another district under their finger.
   */
  function locateMe(pickDistrict: boolean) {
    if (!('geolocation' in navigator)) {
      setLocate('failed');
      return;
    }
    setLocate('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const p = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        setHere(p);
        const near = pickDistrict && data ? nearestDistrictId(data, p) : null;
        update({ sort: 'distance', ...(near ? { districtId: near } : {}) });
        setLocate(pickDistrict ? 'located' : 'idle');
      },
      () => setLocate('failed'),
      { enableHighAccuracy: false, timeout: 20_000, maximumAge: 300_000 },
    );
  }

  const listOptions: ListOptions = {
    districtId: prefs.districtId,
    allDistricts: prefs.allDistricts,
    hazard: prefs.hazard,
    sort: prefs.sort,
    here,
    collator,
  };
  const shelters = data ? listShelters(data, listOptions) : [];
  const goTo = data && evacuate ? sheltersToGoTo(data, listOptions) : [];
  const ctx = { t, locale: info.locale, now };

  return (
    <>
      <a class="skip" href="#main">{t('app.skip')}</a>
      <header class="top">
        <div class="brand">
          <h1>{t('app.title')}</h1>
          {data?.region && <p class="region">{t('app.region', { region: data.region })}</p>}
        </div>
        <LanguageSelect lang={lang} t={t} onChange={(l) => update({ lang: l })} />
      </header>
      <main id="main" class="screen">
        {prefs.lang === null && <LanguageChooser t={t} lang={lang} onChoose={(l) => update({ lang: l })} />}
        {/* A short announcement for screen readers when the state flips; the section itself is long. */}
        <p class="visually-hidden" aria-live="assertive">
          {evacuate && district ? `${t('now.heading')}: ${t('now.reason', { district: district.name, level, n: switchLevel })}` : ''}
        </p>
        {evacuate && district && (
          <EvacuateNow
            district={district}
            level={level}
            switchLevel={switchLevel}
            shelters={goTo}
            onLocate={here || locate === 'locating' ? null : () => locateMe(false)}
            {...ctx}
          />
        )}
        {district ? <LevelCard district={district} {...ctx} /> : data && <p class="hint">{t('level.chooseDistrict')}</p>}
        <Freshness state={status} checkEveryMs={checkEveryMs} onCheck={() => void statusFeed.checkNow()} {...ctx} />
        <DistrictPicker
          districts={data?.districts ?? []}
          value={prefs.districtId}
          onChange={(id) => update({ districtId: id })}
          onLocate={() => locateMe(true)}
          locate={locate}
          locatedName={district?.name ?? ''}
          t={t}
        />
        <SwitchPanel
          value={prefs.switchLevel}
          level={district ? level : null}
          evacuate={evacuate}
          onChange={(v) => update({ switchLevel: v })}
          permission={permission}
          onAskPermission={async () => setPermission(await askNotifyPermission())}
          t={t}
        />
        {data && (
          <ShelterSection
            shelters={shelters}
            prefs={prefs}
            hasLocation={here !== null}
            onPrefs={update}
            {...ctx}
          />
        )}
        <ClosuresSection state={closures} shelters={shelters.map((l) => l.shelter)} {...ctx} />
        <section class="card no-print" aria-labelledby="print-h">
          <h2 id="print-h" class="visually-hidden">{t('print.heading')}</h2>
          <button type="button" class="wide" onClick={() => window.print()}>{t('print.button')}</button>
        </section>
        <p class="footer-note">{t('footer.offline')}</p>
      </main>
      <PrintSheet
        district={district}
        switchLevel={prefs.switchLevel}
        shelters={shelters.filter((l) => !district || l.shelter.districtId === district.id)}
        checkedAt={status.cached?.checkedAt ?? null}
        {...ctx}
      />
    </>
  );
}
