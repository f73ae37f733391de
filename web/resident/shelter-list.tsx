// Shelters: crowding in words, colour and a symbol; designated hazards; distance; directions.
import type { Hazard } from '../../domain/schema';
import { HAZARD_LIST } from './hazards';
import type { ResidentKey, Translate } from './i18n';
import type { Prefs, SortOrder } from './prefs';
import type { ListedShelter } from './shelters';
import { directionsUrl } from './directions';
import { formatDistance, formatTime } from './format';

interface Ctx {
  t: Translate;
  locale: string;
  now: Date;
}

// A symbol next to the word, so the band reads without colour (and in monochrome print).
const CROWDING_SYMBOL = { available: '○', 'somewhat-crowded': '△', crowded: '▲', full: '×', unknown: '?', closed: '—' } as const;

export function ShelterItem(p: { item: ListedShelter; hazard: Hazard | 'any'; compact?: boolean } & Ctx) {
  const { t, locale, now } = p;
  const s = p.item.shelter;
  const band = s.crowding;
  const canGo = Number.isFinite(s.lat) && Number.isFinite(s.lon);
  return (
    <li class={`shelter band-${band}`} data-testid="shelter">
      <div class="shelter-head">
        <h3 class="shelter-name">{s.name}</h3>
        <span class={`crowding crowding-${band}`}>
          <span class="visually-hidden">{t('shelter.crowding')}: </span>
          <span aria-hidden="true">{CROWDING_SYMBOL[band]} </span>
          {t(`crowding.${band}` as ResidentKey)}
        </span>
      </div>
      <p class="facts">
        {band !== 'closed' && s.capacity > 0 && <span>{t('shelter.people', { headcount: s.headcount, capacity: s.capacity })}</span>}
        {p.item.distance !== null && <span>{t('shelter.distance', { d: formatDistance(p.item.distance, locale) })}</span>}
      </p>
      {p.item.suitability === 'unsuited' && p.hazard !== 'any' && (
        <p class="unsuited">
          <span aria-hidden="true">⚠ </span>
          {t('shelter.unsuited', { hazard: t(`hazard.${p.hazard}` as ResidentKey) })}
        </p>
      )}
      {!p.compact && (
        <p class="small">
          {s.hazards.length > 0
            ? t('shelter.hazards', { list: s.hazards.map((h) => t(`hazard.${h}` as ResidentKey)).join(' · ') })
            : t('shelter.hazardsUnknown')}
          {s.updatedAt && <> · {t('shelter.updated', { time: formatTime(s.updatedAt, locale, now) })}</>}
        </p>
      )}
      {canGo && (
        <a
          class="directions"
          href={directionsUrl(s.lat, s.lon, navigator.userAgent)}
          target="_blank"
          rel="noopener"
        >
          {/* The visible words start the accessible name (WCAG 2.5.3); the name tells links apart. */}
          {t('shelter.directions')}
          <span class="visually-hidden"> — {s.name}</span> <span aria-hidden="true">↗</span>
        </a>
      )}
    </li>
  );
}

export function ShelterSection(p: {
  shelters: ListedShelter[];
  prefs: Prefs;
  hasLocation: boolean;
  onPrefs: (patch: Partial<Prefs>) => void;
} & Ctx) {
  const { t, prefs } = p;
  const sort: SortOrder = prefs.sort === 'distance' && p.hasLocation ? 'distance' : 'name';
  return (
    <section class="card shelters-section" aria-labelledby="shelters-h">
      <h2 id="shelters-h">
        {t('shelters.heading')} <span class="count">({t('shelters.count', { n: p.shelters.length })})</span>
      </h2>
      <div class="controls no-print">
        <label class="field">
          <span>{t('shelters.hazard')}</span>
          <select value={prefs.hazard} onChange={(e) => p.onPrefs({ hazard: (e.currentTarget as HTMLSelectElement).value as Hazard | 'any' })}>
            <option value="any">{t('shelters.hazardAny')}</option>
            {HAZARD_LIST.map((h) => (
              <option key={h} value={h}>
                {t(`hazard.${h}` as ResidentKey)}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="sort">
          <legend>{t('shelters.sort')}</legend>
          <label class="radio inline">
            <input type="radio" name="sort" checked={sort === 'distance'} disabled={!p.hasLocation} onChange={() => p.onPrefs({ sort: 'distance' })} />
            <span>{t('shelters.sortDistance')}</span>
          </label>
          <label class="radio inline">
            <input type="radio" name="sort" checked={sort === 'name'} onChange={() => p.onPrefs({ sort: 'name' })} />
            <span>{t('shelters.sortName')}</span>
          </label>
          {!p.hasLocation && <p class="small">{t('shelters.sortNeedsLocation')}</p>}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={prefs.allDistricts} onChange={(e) => p.onPrefs({ allDistricts: (e.currentTarget as HTMLInputElement).checked })} />
          <span>{t('shelters.allDistricts')}</span>
        </label>
      </div>
      {p.shelters.length === 0 ? (
        <p>{t('shelters.none')}</p>
      ) : (
        <ul class="shelters">
          {p.shelters.map((l) => (
            <ShelterItem key={l.shelter.id} item={l} hazard={prefs.hazard} t={t} locale={p.locale} now={p.now} />
          ))}
        </ul>
      )}
    </section>
  );
}
