// Road closures: always a list (works offline and with a screen reader); a small map only when
// the resident asks for it, which is when Leaflet is loaded.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicShelter } from '../../domain/public-status';
import type { FeedState } from './feed';
import type { ClosureFeature } from './public-layers';
import type { Translate } from './i18n';
import { formatTime } from './format';

interface Ctx {
  t: Translate;
  locale: string;
  now: Date;
}

type MapState = 'closed' | 'loading' | 'open' | 'failed';

export function ClosuresSection(p: { state: FeedState<ClosureFeature[]>; shelters: PublicShelter[] } & Ctx) {
  const { t, locale, now } = p;
  const closures = p.state.cached?.data ?? [];
  const [map, setMap] = useState<MapState>('closed');
  const box = useRef<HTMLDivElement>(null);
  const handle = useRef<{ update(c: ClosureFeature[], s: PublicShelter[]): void; destroy(): void } | null>(null);

  useEffect(() => {
    if (map !== 'loading' || !box.current) return;
    let cancelled = false;
    import('./closures-map')
      .then(({ openClosuresMap }) => {
        if (cancelled || !box.current) return;
        handle.current = openClosuresMap(box.current, {
          label: t('closures.mapLabel'),
          noTiles: t('closures.noTiles'),
          sourceLabel: (kind) => t(kind === 'online' ? 'closures.basemapOnline' : kind === 'none' ? 'closures.basemapNone' : 'closures.basemapCity'),
        });
        handle.current.update(closures, p.shelters);
        setMap('open');
      })
      .catch(() => !cancelled && setMap('failed'));
    return () => {
      cancelled = true;
    };
  }, [map]);

  useEffect(() => {
    handle.current?.update(closures, p.shelters);
  }, [closures, p.shelters]);

  useEffect(() => () => handle.current?.destroy(), []);

  function toggle() {
    if (map === 'closed' || map === 'failed') {
      setMap('loading');
    } else {
      handle.current?.destroy();
      handle.current = null;
      setMap('closed');
    }
  }

  return (
    <section class="card closures no-print" aria-labelledby="closures-h">
      <h2 id="closures-h">
        {t('closures.heading')} <span class="count">({t('closures.count', { n: closures.length })})</span>
      </h2>
      {closures.length === 0 ? (
        <p>{t('closures.none')}</p>
      ) : (
        <ul class="closure-list">
          {closures.map((c) => (
            <li key={c.id}>
              {c.road && <span class="closure-road">{c.road}</span>}
              <strong>{c.reason || t('closures.noReason')}</strong>
              <span class="small">
                {[
                  c.since && t('closures.since', { time: formatTime(c.since, locale, now) }),
                  c.until ? t('closures.until', { time: formatTime(c.until, locale, now) }) : t('closures.untilUnknown'),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="secondary" aria-expanded={map === 'open' || map === 'loading'} onClick={toggle}>
        {map === 'open' || map === 'loading' ? t('closures.hideMap') : t('closures.showMap')}
      </button>
      {map === 'loading' && <p role="status">{t('closures.mapLoading')}</p>}
      {map === 'failed' && <p role="status">{t('closures.mapFailed')}</p>}
      {(map === 'loading' || map === 'open') && <div ref={box} class="closures-map" data-testid="closures-map" />}
    </section>
  );
}
