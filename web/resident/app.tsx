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
import { HomeSection, hazardLines, nearestShelter } from './home-view';
import { hazardAtHome, loadHazards, loadHome, saveHome, type HazardData, type HomePlan } from './home';
import { ReportCard, deviceId, loadReport, saveReport, type SentReport } from './report-view';
import { SosCard, loadSos, saveSos, type MySos } from './sos-view';
import { flush, queue, remove, type OutboxResult } from './outbox';
import { loadPush, register, savePush, subscribe, unsubscribe, type PushSetting } from './push';
import { recommendSwitch } from '../../domain/evacuation-switch';
import type { EvacuationStatus, EvacuationWhere } from '../../domain/evacuation-reports';
import type { SosState } from '../../domain/sos';
import type { ResidentKey } from './i18n';

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
  const [homePlan, setHomePlan] = useState<HomePlan>(() => loadHome());
  const [hazards, setHazards] = useState<HazardData | null>(null);
  const [report, setReport] = useState<SentReport | null>(() => loadReport());
  const [sos, setSos] = useState<MySos | null>(() => loadSos());
  const [push, setPush] = useState<PushSetting | null>(() => loadPush());
  const [pushState, setPushState] = useState<'idle' | 'working' | 'failed'>('idle');

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

  const updateHome = (patch: Partial<HomePlan>) =>
    setHomePlan((h) => {
      const next = { ...h, ...patch };
      saveHome(next);
      return next;
    });
  // The hazard maps are fetched (and kept for offline use) a moment after the page is up, at
  // once when a home is set: the request is the same for everyone, it says nothing of the home.
  const wantsHazards = homePlan.home !== null;
  useEffect(() => {
    if (hazards) return;
    let cancelled = false;
    const id = setTimeout(() => void loadHazards().then((d) => !cancelled && setHazards(d)), wantsHazards ? 0 : 2_000);
    return () => {
      cancelled = true;
      clearTimeout(id);
    };
  }, [wantsHazards]);

  // Reports and SOS wait in the outbox while offline; each answer updates what the card shows.
  const onDelivered = (results: OutboxResult[]) => {
    for (const r of results) {
      if (r.item.kind === 'report') {
        setReport((cur) => {
          if (!cur) return cur;
          const next = r.status === 202 ? { ...cur, sent: true } : null;
          if (next) saveReport(next);
          else localStorage.removeItem('hinanjo.resident.report.v1');
          return next;
        });
      } else if (r.item.kind === 'sos') {
        setSos((cur) => {
          if (!cur || cur.queuedId !== r.item.id) return cur;
          const a = r.answer as { id?: string; secret?: string; state?: SosState } | null;
          const next: MySos | null = r.status === 201 && a?.id && a.secret ? { ...cur, queuedId: null, id: a.id, secret: a.secret, state: a.state ?? 'received', updatedAt: new Date().toISOString() } : null;
          saveSos(next);
          return next;
        });
      }
    }
  };
  const flushOutbox = () => void flush().then(onDelivered);
  useEffect(() => {
    flushOutbox();
    // The server answered the status check: whatever waits can go now.
    const off = statusFeed.subscribe((next, prev) => {
      if (next.reach === 'ok' && (prev.reach !== 'ok' || next.lastAttemptAt !== prev.lastAttemptAt)) flushOutbox();
    });
    window.addEventListener('online', flushOutbox);
    const id = setInterval(flushOutbox, 20_000);
    return () => {
      off();
      window.removeEventListener('online', flushOutbox);
      clearInterval(id);
    };
  }, []);

  // The state of a sent SOS, asked with its secret while it is open.
  useEffect(() => {
    if (!sos?.id || !sos.secret || sos.state === 'rescued' || sos.state === 'cancelled') return;
    const check = async () => {
      try {
        const res = await fetch(`/api/public/sos/${sos.id}`, { headers: { 'X-Sos-Secret': sos.secret! }, cache: 'no-store' });
        if (!res.ok) return;
        const a = (await res.json()) as { state: SosState; updatedAt: string };
        setSos((cur) => {
          if (!cur || cur.id !== sos.id || (cur.state === a.state && cur.updatedAt === a.updatedAt)) return cur;
          const next = { ...cur, state: a.state, updatedAt: a.updatedAt };
          saveSos(next);
          return next;
        });
      } catch {
        /* offline: the last known state stays */
      }
    };
    void check();
    const id = setInterval(() => void check(), 30_000);
    return () => clearInterval(id);
  }, [sos?.id, sos?.state]);

  const data = status.cached?.data ?? null;
  const district = data?.districts.find((d) => d.id === prefs.districtId) ?? null;
  const level = asLevel(district?.level);
  const switchLevel = prefs.switchLevel ?? DEFAULT_SWITCH_LEVEL;
  const evacuate = district !== null && switchReached(level, switchLevel);

  const sendReport = (s: EvacuationStatus, where: EvacuationWhere | null) => {
    if (!district) return;
    const next: SentReport = { district: district.id, event: district.issuedAt ?? '', status: s, where, sent: false };
    saveReport(next);
    setReport(next);
    queue({ id: 'report', kind: 'report', url: '/api/public/evacuation-reports', body: { district: district.id, status: s, ...(where ? { where } : {}), device: deviceId() }, queuedAt: new Date().toISOString() });
    flushOutbox();
  };
  const sendSos = (body: Record<string, unknown>) => {
    const queuedId = `sos-${Date.now()}`;
    const next: MySos = { queuedId, id: null, secret: null, state: 'queued', createdAt: new Date().toISOString(), updatedAt: null };
    saveSos(next);
    setSos(next);
    queue({ id: queuedId, kind: 'sos', url: '/api/public/sos', body, queuedAt: next.createdAt });
    flushOutbox();
  };
  const cancelSos = async () => {
    if (!sos) return;
    if (sos.queuedId) {
      remove(sos.queuedId);
      saveSos(null);
      setSos(null);
      return;
    }
    try {
      const res = await fetch(`/api/public/sos/${sos.id}`, { method: 'DELETE', headers: { 'X-Sos-Secret': sos.secret ?? '' } });
      if (res.ok) {
        const a = (await res.json()) as { state: SosState; updatedAt: string };
        const next = { ...sos, state: a.state, updatedAt: a.updatedAt };
        saveSos(next);
        setSos(next);
      }
    } catch {
      /* offline: try again later */
    }
  };

  // Web Push: subscribe once, send the settings again whenever the district, switch or language change.
  const pushSettings = district && prefs.switchLevel ? { district: district.id, switchLevel: prefs.switchLevel, lang } : district ? { district: district.id, switchLevel: switchLevel as 3 | 4, lang } : null;
  useEffect(() => {
    if (!push || !pushSettings) return;
    if (push.synced && push.district === pushSettings.district && push.switchLevel === pushSettings.switchLevel && push.lang === pushSettings.lang) return;
    void register(push.subscription, pushSettings).then((ok) => {
      const next = { ...push, ...pushSettings, synced: ok };
      savePush(next);
      setPush(next);
    });
  }, [push?.endpoint, pushSettings?.district, pushSettings?.switchLevel, pushSettings?.lang]);
  const onPush = async (on: boolean) => {
    if (!on) {
      if (push) await unsubscribe(push.endpoint);
      savePush(null);
      setPush(null);
      return;
    }
    if (!pushSettings) return;
    setPushState('working');
    try {
      const sub = await subscribe();
      const ok = await register(sub, pushSettings);
      const next: PushSetting = { endpoint: sub.endpoint!, subscription: sub, ...pushSettings, synced: ok };
      savePush(next);
      setPush(next);
      setPushState('idle');
    } catch {
      setPushState('failed');
      setPermission(notifyPermission());
    }
  };
  const homeHazard = homePlan.home && hazards && hazards.indexes.length > 0 ? hazardAtHome(hazards, homePlan.home) : null;
  const homeRec = homeHazard ? recommendSwitch(homeHazard, { needsHelp: homePlan.needsHelp }) : null;

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
        {/* After the 今すぐ避難 card: a resident in danger reads that first, in any language. */}
        {prefs.lang === null && <LanguageChooser t={t} lang={lang} onChoose={(l) => update({ lang: l })} />}
        {evacuate && district && <ReportCard district={district} report={report} onReport={sendReport} t={t} />}
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
        <HomeSection
          plan={homePlan}
          onPlan={updateHome}
          hazards={homePlan.home ? hazards : null}
          status={data}
          switchLevel={prefs.switchLevel}
          onSwitch={(v) => update({ switchLevel: v })}
          {...ctx}
        />
        <SwitchPanel
          value={prefs.switchLevel}
          level={district ? level : null}
          evacuate={evacuate}
          onChange={(v) => update({ switchLevel: v })}
          permission={permission}
          onAskPermission={async () => setPermission(await askNotifyPermission())}
          push={push ? 'on' : pushState === 'working' ? 'working' : pushState === 'failed' ? 'failed' : district ? 'off' : 'needs-district'}
          onPush={(on) => void onPush(on)}
          t={t}
        />
        <SosCard home={homePlan.home} sos={sos} onSend={sendSos} onCancel={() => void cancelSos()} {...ctx} />
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
        hazard={homeHazard ? hazardLines(homeHazard, t).join(' / ') : null}
        plan={
          homePlan.plan
            ? `${t(`rec.plan.${homePlan.plan}` as ResidentKey)}${homePlan.plan === 'shelter' && homeRec && data && homePlan.home ? ` — ${nearestShelter(homeRec.hazard, homePlan.home, data)?.s.name ?? ''}` : ''}`
            : null
        }
        recommended={homeRec?.level ?? null}
        shelters={shelters.filter((l) => !district || l.shelter.districtId === district.id)}
        checkedAt={status.cached?.checkedAt ?? null}
        {...ctx}
      />
    </>
  );
}
