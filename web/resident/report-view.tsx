// After the switch flipped: "evacuated (where to?)", "safe at home" or "not yet", sent to the
// city anonymously — the district, the answer, and a random id this phone keeps (the server
// stores only a hash of it with the level event, so a second answer replaces the first). Queued
// offline and sent when the network is back; the card says which.
import { EVACUATION_WHERE, type EvacuationStatus, type EvacuationWhere } from '../../domain/evacuation-reports';
import type { PublicDistrict } from '../../domain/public-status';
import type { ResidentKey, Translate } from './i18n';

export interface SentReport {
  district: string;
  event: string;
  status: EvacuationStatus;
  where: EvacuationWhere | null;
  sent: boolean;
}

const DEVICE_KEY = 'hinanjo.resident.device.v1';
const REPORT_KEY = 'hinanjo.resident.report.v1';

/** This phone's random id for reports (never anything that identifies the person). */
export function deviceId(storage: Storage = localStorage): string {
  let id = storage.getItem(DEVICE_KEY);
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    try {
      storage.setItem(DEVICE_KEY, id);
    } catch {
      /* a new id per visit then: reports may count twice, never wrongly */
    }
  }
  return id;
}

export function loadReport(storage: Storage = localStorage): SentReport | null {
  try {
    return JSON.parse(storage.getItem(REPORT_KEY) ?? 'null') as SentReport | null;
  } catch {
    return null;
  }
}

export function saveReport(r: SentReport, storage: Storage = localStorage): void {
  try {
    storage.setItem(REPORT_KEY, JSON.stringify(r));
  } catch {
    /* shown for this visit only */
  }
}

export function ReportCard(p: {
  district: PublicDistrict;
  report: SentReport | null;
  onReport: (status: EvacuationStatus, where: EvacuationWhere | null) => void;
  t: Translate;
}) {
  const { t } = p;
  const current = p.report && p.report.district === p.district.id && p.report.event === (p.district.issuedAt ?? '') ? p.report : null;
  const label = (r: SentReport) =>
    r.status === 'evacuated' ? `${t('report.evacuated')}${r.where ? ` (${t(`report.where.${r.where}` as ResidentKey)})` : ''}` : t(r.status === 'safe-at-home' ? 'report.safe' : 'report.notYet');
  return (
    <section class="card report" aria-labelledby="report-h" data-testid="report-card">
      <h2 id="report-h">{t('report.heading')}</h2>
      <p class="small">{t('report.privacy')}</p>
      <fieldset class="report__where">
        <legend>{t('report.evacuated')} — {t('report.where')}</legend>
        <div class="row-buttons">
          {EVACUATION_WHERE.map((w) => (
            <button type="button" key={w} class={current?.status === 'evacuated' && current.where === w ? 'primary' : 'secondary'} onClick={() => p.onReport('evacuated', w)} data-testid={`report-evacuated-${w}`}>
              {t(`report.where.${w}` as ResidentKey)}
            </button>
          ))}
        </div>
      </fieldset>
      <div class="row-buttons">
        <button type="button" class={current?.status === 'safe-at-home' ? 'primary' : 'secondary'} onClick={() => p.onReport('safe-at-home', null)} data-testid="report-safe">
          {t('report.safe')}
        </button>
        <button type="button" class={current?.status === 'not-yet' ? 'primary' : 'secondary'} onClick={() => p.onReport('not-yet', null)} data-testid="report-not-yet">
          {t('report.notYet')}
        </button>
      </div>
      {current && (
        <p role="status" data-testid="report-state" data-sent={current.sent ? 'true' : 'false'}>
          {t('report.current', { status: label(current) })} — {current.sent ? t('report.sent') : t('report.queued')}
        </p>
      )}
    </section>
  );
}
