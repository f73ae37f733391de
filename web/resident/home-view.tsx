// "My home's hazards": the resident marks home (tap on a map, or where they are, once), the page
// says in plain words what the hazard maps expect there, recommends a switch with the reason,
// offers staying upstairs only where the water stays below the upper floor, and names the
// nearest open shelter designated for that hazard, with its distance and direction. The home
// point stays on the phone (home.ts); the page says so.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PublicStatus } from '../../domain/public-status';
import { recommendSwitch, type EvacuationPlan } from '../../domain/evacuation-switch';
import type { HazardAtPoint } from '../../domain/hazard-layers';
import type { ResidentKey, Translate } from './i18n';
import type { SwitchLevel } from './prefs';
import { compass, hazardAtHome, type HazardData, type HomePlan } from './home';
import { distanceMetres, isAccepting } from './shelters';
import { formatTime } from './format';

type MapState = 'closed' | 'loading' | 'open' | 'failed';

/** The hazard at home as lines of plain words (also printed). */
export function hazardLines(h: HazardAtPoint, t: Translate): string[] {
  const lines: string[] = [];
  const depth = (r: number) => t(`depth.${Math.min(5, Math.max(0, r))}` as ResidentKey);
  if (h.flood !== null) lines.push(t('home.flood', { depth: depth(h.flood) }));
  if (h.collapse) lines.push(t('home.collapse'));
  if (h.landslide > 0) lines.push(t(h.landslide >= 2 ? 'home.landslide2' : 'home.landslide1'));
  if (h.tsunami !== null) lines.push(t('home.tsunami', { depth: depth(h.tsunami) }));
  if (h.stormSurge !== null) lines.push(t('home.stormSurge', { depth: depth(h.stormSurge) }));
  if (lines.length === 0) lines.push(t('home.outside'));
  return lines;
}

/** The nearest open shelter designated for the hazard that decides (any open one when none does). */
export function nearestShelter(
  hazard: 'flood' | 'landslide' | 'tsunami' | 'storm-surge' | null,
  home: { lat: number; lon: number },
  status: PublicStatus,
): { s: PublicStatus['shelters'][number]; d: number } | null {
  return (
    status.shelters
      .filter((s) => isAccepting(s) && Number.isFinite(s.lat) && Number.isFinite(s.lon) && (hazard === null || s.hazards.includes(hazard)))
      .map((s) => ({ s, d: distanceMetres(home, s) }))
      .sort((a, b) => a.d - b.d)[0] ?? null
  );
}

function metres(m: number, locale: string): string {
  return m >= 1000 ? `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(m / 1000)} km` : `${Math.round(m / 10) * 10} m`;
}

export function HomeSection(p: {
  plan: HomePlan;
  onPlan: (patch: Partial<HomePlan>) => void;
  hazards: HazardData | null;
  status: PublicStatus | null;
  switchLevel: SwitchLevel | null;
  onSwitch: (v: SwitchLevel) => void;
  t: Translate;
  locale: string;
  now: Date;
}) {
  const { t, plan } = p;
  const [map, setMap] = useState<MapState>('closed');
  const [picked, setPicked] = useState<{ lat: number; lon: number } | null>(null);
  const [locating, setLocating] = useState<'idle' | 'locating' | 'failed'>('idle');
  const box = useRef<HTMLDivElement>(null);
  const handle = useRef<{ destroy(): void } | null>(null);

  useEffect(() => {
    if (map !== 'loading' || !box.current) return;
    let cancelled = false;
    import('./home-map')
      .then(({ openHomeMap }) => {
        if (cancelled || !box.current) return;
        handle.current = openHomeMap(box.current, {
          start: plan.home,
          shelters: p.status?.shelters ?? [],
          label: t('home.pickOnMap'),
          noTiles: t('closures.noTiles'),
          sourceLabel: (kind) => t(kind === 'online' ? 'closures.basemapOnline' : kind === 'none' ? 'closures.basemapNone' : 'closures.basemapCity'),
          onPick: setPicked,
        });
        setMap('open');
      })
      .catch(() => !cancelled && setMap('failed'));
    return () => {
      cancelled = true;
    };
  }, [map]);
  useEffect(() => () => handle.current?.destroy(), []);

  const closeMap = () => {
    handle.current?.destroy();
    handle.current = null;
    setMap('closed');
    setPicked(null);
  };

  const useLocation = () => {
    if (!('geolocation' in navigator)) return setLocating('failed');
    setLocating('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating('idle');
        p.onPlan({ home: { lat: Math.round(pos.coords.latitude * 1e6) / 1e6, lon: Math.round(pos.coords.longitude * 1e6) / 1e6 } });
      },
      () => setLocating('failed'),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 },
    );
  };

  const hazard = useMemo(() => (plan.home && p.hazards ? hazardAtHome(p.hazards, plan.home) : null), [plan.home, p.hazards]);
  const rec = hazard ? recommendSwitch(hazard, { needsHelp: plan.needsHelp }) : null;
  const nearest = useMemo(() => (rec && plan.home && p.status ? nearestShelter(rec.hazard, plan.home, p.status) : null), [rec?.hazard, plan.home, p.status]);
  const hazardName = rec?.hazard ? t(`hazard.${rec.hazard}` as ResidentKey) : t('rec.anyHazard');

  return (
    <section class="card home" aria-labelledby="home-h" data-testid="home-section">
      <h2 id="home-h">{t('home.heading')}</h2>
      <p class="small privacy-note" data-testid="home-privacy">{t('home.privacy')}</p>
      {!plan.home && <p>{t('home.notSet')}</p>}
      {map === 'closed' || map === 'failed' ? (
        <div class="row-buttons">
          <button type="button" class="secondary" onClick={() => setMap('loading')} data-testid="home-pick">
            {t('home.pickOnMap')}
          </button>
          <button type="button" class="secondary" onClick={useLocation} disabled={locating === 'locating'} data-testid="home-locate">
            {locating === 'locating' ? t('home.locating') : t('home.useLocation')}
          </button>
        </div>
      ) : (
        <div class="home-map-wrap">
          <p class="small">{t('home.mapHint')}</p>
          <div class="home-map" ref={box} data-testid="home-map" />
          {map === 'loading' && <p class="small">{t('closures.mapLoading')}</p>}
          <div class="row-buttons">
            <button type="button" class="secondary" onClick={closeMap}>{t('home.cancel')}</button>
            <button
              type="button"
              class="primary"
              disabled={!picked}
              onClick={() => {
                if (picked) p.onPlan({ home: picked });
                closeMap();
              }}
              data-testid="home-done"
            >
              {t('home.done')}
            </button>
          </div>
        </div>
      )}
      {map === 'failed' && <p class="small" role="alert">{t('home.mapFailed')}</p>}
      {locating === 'failed' && <p class="small" role="alert">{t('home.locateFailed')}</p>}

      {plan.home && (
        <>
          {!p.hazards ? (
            <p class="small">{t('home.loadingHazards')}</p>
          ) : p.hazards.indexes.length === 0 ? (
            <p class="small">{t('home.noHazardData')}</p>
          ) : (
            <>
              <ul class="hazard-lines" data-testid="home-hazard">
                {hazardLines(hazard!, t).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
              {p.hazards.saved && p.hazards.fetchedAt && <p class="small">{t('home.hazardSaved', { time: formatTime(p.hazards.fetchedAt, p.locale, p.now, true) })}</p>}
            </>
          )}
          <label class="check">
            <input type="checkbox" checked={plan.needsHelp} onChange={(e) => p.onPlan({ needsHelp: (e.target as HTMLInputElement).checked })} data-testid="home-needs-help" />
            <span>{t('home.needsHelp')}</span>
          </label>
          {rec && (
            <div class={`recommendation recommendation--${rec.level}`} data-testid="recommendation" data-level={rec.level}>
              <p class="recommendation__level">{t('rec.heading', { n: rec.level })}</p>
              <ul>
                {rec.reasons.map((r) => (
                  <li key={r}>{t(`rec.reason.${r}` as ResidentKey)}</li>
                ))}
              </ul>
              {p.switchLevel === rec.level ? (
                <p class="small" data-testid="recommendation-accepted">{t('rec.accepted', { n: rec.level })}</p>
              ) : (
                <>
                  {p.switchLevel !== null && <p class="small">{t('rec.differs', { n: p.switchLevel })}</p>}
                  <button type="button" class="primary" onClick={() => p.onSwitch(rec.level)} data-testid="recommendation-accept">
                    {t('rec.accept')}
                  </button>
                </>
              )}
              <p class="small" data-testid="upstairs">{rec.upstairsPossible ? t('rec.upstairs') : t('rec.upstairsNo')}</p>
              <fieldset class="plan">
                <legend>{t('rec.plan')}</legend>
                {(['shelter', 'relatives', 'upstairs'] as EvacuationPlan[])
                  .filter((v) => v !== 'upstairs' || rec.upstairsPossible)
                  .map((v) => (
                    <label key={v} class="radio">
                      <input type="radio" name="plan" value={v} checked={plan.plan === v} onChange={() => p.onPlan({ plan: v })} data-testid={`plan-${v}`} />
                      <span>{t(`rec.plan.${v}` as ResidentKey)}</span>
                    </label>
                  ))}
              </fieldset>
              <p data-testid="nearest-shelter">
                {nearest
                  ? t('rec.nearest', { hazard: hazardName, name: nearest.s.name, direction: t(`dir.${compass(plan.home, nearest.s)}` as ResidentKey), distance: metres(nearest.d, p.locale) })
                  : t('rec.nearestNone', { hazard: hazardName })}
              </p>
            </div>
          )}
          <button type="button" class="link" onClick={() => p.onPlan({ home: null })} data-testid="home-clear">
            {t('home.clear')}
          </button>
        </>
      )}
    </section>
  );
}
