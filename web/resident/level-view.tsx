// The district's level, how fresh the data is, and the "evacuate now" state.
import type { PublicDistrict, PublicStatus } from '../../domain/public-status';
import type { Level } from '../../domain/schema';
import type { FeedState } from './feed';
import type { Translate, ResidentKey } from './i18n';
import { LEVEL_COLOURS } from '../../domain/level-colours';
import { formatAgo, formatTime } from './format';
import type { ListedShelter } from './shelters';
import { ShelterItem } from './shelter-list';

interface Ctx {
  t: Translate;
  locale: string;
  now: Date;
}

export const levelName = (t: Translate, level: Level) =>
  level === 0 ? t('level.none') : t(`level.name.${level}` as ResidentKey);

export function LevelBadge({ level, t, big }: { level: Level; t: Translate; big?: boolean }) {
  const c = LEVEL_COLOURS[level];
  return (
    <div class={`level-badge level-${level}${big ? ' big' : ''}`} style={{ background: c.bg, color: c.fg }}>
      <span class="level-number">{level === 0 ? t('level.none') : t('level.badge', { n: level })}</span>
      {level > 0 && <span class="level-name">{levelName(t, level)}</span>}
    </div>
  );
}

export function LevelCard({ district, t, locale, now }: { district: PublicDistrict } & Ctx) {
  const level = district.level;
  return (
    <section class="card level-card" aria-labelledby="level-h">
      <h2 id="level-h">{t('level.heading', { district: district.name })}</h2>
      <LevelBadge level={level} t={t} big />
      <p class="action">{t(`level.action.${level}` as ResidentKey)}</p>
      {district.issuedAt && level > 0 && <p class="small">{t('level.issued', { time: formatTime(district.issuedAt, locale, now) })}</p>}
    </section>
  );
}

export function Freshness(p: { state: FeedState<PublicStatus>; checkEveryMs: number; onCheck: () => void } & Ctx) {
  const { t, locale, now, state } = p;
  const cached = state.cached;
  let text: string;
  let warn = false;
  if (!cached) {
    text = state.reach === 'unknown' ? t('fresh.checking') : t('fresh.none');
    warn = state.reach !== 'unknown';
  } else {
    const time = formatTime(cached.checkedAt, locale, now);
    const tooOld = now.getTime() - new Date(cached.checkedAt).getTime() > 3 * p.checkEveryMs + 5_000;
    if (state.reach === 'offline') {
      text = t('fresh.offline', { time });
      warn = true;
    } else if (state.reach === 'error') {
      text = t('fresh.error', { time });
      warn = true;
    } else {
      text = t('fresh.checked', { time, ago: formatAgo(cached.checkedAt, locale, now) });
      warn = tooOld;
    }
  }
  return (
    <section class={`freshness${warn ? ' warn' : ''}`}>
      <p data-testid="freshness">
        {warn && <span aria-hidden="true">⚠ </span>}
        {text}
      </p>
      {/* Announce losing (or lacking) fresh data, not the minute-by-minute "checked … ago". */}
      <p class="visually-hidden" role="status">
        {warn ? text : ''}
      </p>
      <p class="small">
        {t('fresh.auto')}{' '}
        <button type="button" class="link" onClick={p.onCheck}>
          {t('fresh.checkNow')}
        </button>
      </p>
    </section>
  );
}

export function EvacuateNow(
  p: {
    district: PublicDistrict;
    level: Level;
    switchLevel: number;
    shelters: ListedShelter[];
    /** Offered while the shelters are not yet sorted by distance. */
    onLocate: (() => void) | null;
  } & Ctx,
) {
  const { t, level } = p;
  const c = LEVEL_COLOURS[level];
  return (
    <section class="card now" aria-labelledby="now-h" data-testid="evacuate-now">
      <h2 id="now-h" style={{ background: c.bg, color: c.fg }}>
        <span aria-hidden="true">⚠ </span>
        {t('now.heading')}
      </h2>
      <p class="now-reason">{t('now.reason', { district: p.district.name, level, n: p.switchLevel })}</p>
      {level === 5 && <p class="now-level5">{t('now.level5')}</p>}
      <ol class="steps">
        <li>{t('now.step1')}</li>
        <li>{t('now.step2')}</li>
        <li>{t('now.step3')}</li>
      </ol>
      <h3>{t('now.nearest')}</h3>
      {p.onLocate && (
        <button type="button" class="secondary" onClick={p.onLocate}>
          {t('now.useLocation')}
        </button>
      )}
      {p.shelters.length === 0 ? (
        <p>{t('now.noneOpen')}</p>
      ) : (
        <ul class="shelters compact">
          {p.shelters.map((l) => (
            <ShelterItem key={l.shelter.id} item={l} hazard="any" t={t} locale={p.locale} now={p.now} compact />
          ))}
        </ul>
      )}
    </section>
  );
}
