// One A4 sheet to put on the fridge: the district, the household's switch, what each level means,
// the district's shelters, and room for notes. Hidden on screen; the only thing printed. It has
// no headings of its own: to assistive technology it is hidden, the screen above says the same.
import type { PublicDistrict } from '../../domain/public-status';
import type { Level } from '../../domain/schema';
import type { ResidentKey, Translate } from './i18n';
import type { SwitchLevel } from './prefs';
import type { ListedShelter } from './shelters';
import { formatTime } from './format';
import { LevelBadge } from './level-view';

export function PrintSheet(p: {
  district: PublicDistrict | null;
  switchLevel: SwitchLevel | null;
  /** The hazard at home in words, the household's plan, the recommended switch (home-view.tsx). */
  hazard?: string | null;
  plan?: string | null;
  recommended?: number | null;
  shelters: ListedShelter[];
  checkedAt: string | null;
  t: Translate;
  locale: string;
  now: Date;
}) {
  const { t } = p;
  return (
    <div class="print-sheet" aria-hidden="true">
      <p class="print-title">{t('print.heading')}</p>
      {p.district && <p class="print-big">{t('print.district', { district: p.district.name })}</p>}
      <p class="print-big print-switch">
        {p.switchLevel ? t('print.switch', { n: p.switchLevel }) : t('print.switchUnset')}
      </p>
      {p.hazard && <p class="print-hazard">{t('print.hazard', { text: p.hazard })}</p>}
      {p.recommended && <p>{t('rec.heading', { n: p.recommended })}</p>}
      {p.plan && <p class="print-big">{t('print.plan', { text: p.plan })}</p>}
      <p class="print-h">{t('print.levels')}</p>
      <table class="print-levels">
        <tbody>
          {([5, 4, 3, 2, 1] as Level[]).map((l) => (
            <tr key={l}>
              <td><LevelBadge level={l} t={t} /></td>
              <td>{t(`level.action.${l}` as ResidentKey)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="print-h">{t('print.shelters')}</p>
      <ul class="print-shelters">
        {p.shelters.slice(0, 12).map((l) => (
          <li key={l.shelter.id}>
            <strong>{l.shelter.name}</strong>
            {' — '}
            {l.shelter.hazards.length > 0
              ? t('shelter.hazards', { list: l.shelter.hazards.map((h) => t(`hazard.${h}` as ResidentKey)).join(' · ') })
              : t('shelter.hazardsUnknown')}
          </li>
        ))}
      </ul>
      <p class="print-h">{t('print.notes')}</p>
      <div class="print-notes" />
      {p.checkedAt && <p class="small">{t('print.asOf', { time: formatTime(p.checkedAt, p.locale, p.now, true) })}</p>}
    </div>
  );
}
