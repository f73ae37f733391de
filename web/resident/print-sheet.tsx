// One A4 sheet to put on the fridge: the district, the household's switch, what each level means,
// the district's shelters, and room for notes. Hidden on screen; the only thing printed.
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
  shelters: ListedShelter[];
  checkedAt: string | null;
  t: Translate;
  locale: string;
  now: Date;
}) {
  const { t } = p;
  return (
    <div class="print-sheet" aria-hidden="true">
      <h1>{t('print.heading')}</h1>
      {p.district && <p class="print-big">{t('print.district', { district: p.district.name })}</p>}
      <p class="print-big print-switch">
        {p.switchLevel ? t('print.switch', { n: p.switchLevel }) : t('print.switchUnset')}
      </p>
      <h2>{t('print.levels')}</h2>
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
      <h2>{t('print.shelters')}</h2>
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
      <h2>{t('print.notes')}</h2>
      <div class="print-notes" />
      {p.checkedAt && <p class="small">{t('print.asOf', { time: formatTime(p.checkedAt, p.locale, p.now, true) })}</p>}
    </div>
  );
}
