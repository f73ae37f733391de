// "I need help" (助けが必要): how many, why, the home point (the one time it leaves the phone,
// with the consent box ticked), phone and name if the resident wishes, a note. Always with 119
// for emergencies: this is a request to the city, not an emergency call. Queued offline and
// shown as not sent; once received, its state (受付済み / 対応中 / 救助済み / 取消) is asked with
// the secret only this phone holds, and the resident can cancel.
import { useState } from 'preact/hooks';
import { SOS_LIMITS, SOS_REASONS, parseSosRequest, type SosProblem, type SosReason, type SosState } from '../../domain/sos';
import type { ResidentKey, Translate } from './i18n';
import { formatTime } from './format';

export interface MySos {
  /** Until the server answered: the outbox item's id. */
  queuedId: string | null;
  id: string | null;
  secret: string | null;
  state: SosState | 'queued';
  createdAt: string;
  updatedAt: string | null;
}

const KEY = 'hinanjo.resident.sos.v1';

export function loadSos(storage: Storage = localStorage): MySos | null {
  try {
    return JSON.parse(storage.getItem(KEY) ?? 'null') as MySos | null;
  } catch {
    return null;
  }
}

export function saveSos(s: MySos | null, storage: Storage = localStorage): void {
  try {
    if (s) storage.setItem(KEY, JSON.stringify(s));
    else storage.removeItem(KEY);
  } catch {
    /* shown for this visit only */
  }
}

const ERRORS: Record<SosProblem, ResidentKey> = {
  consent: 'sos.err.consent',
  people: 'sos.err.people',
  reasons: 'sos.err.reasons',
  location: 'sos.err.location',
  phone: 'sos.err.phone',
  name: 'sos.err.other',
  note: 'sos.err.other',
};

export function SosCard(p: {
  home: { lat: number; lon: number } | null;
  sos: MySos | null;
  onSend: (body: Record<string, unknown>) => void;
  onCancel: () => void;
  t: Translate;
  locale: string;
  now: Date;
}) {
  const { t } = p;
  const [open, setOpen] = useState(false);
  const [people, setPeople] = useState('1');
  const [reasons, setReasons] = useState<SosReason[]>([]);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<ResidentKey | null>(null);
  const active = p.sos && p.sos.state !== 'cancelled' && p.sos.state !== 'rescued' ? p.sos : null;

  const submit = (e: Event) => {
    e.preventDefault();
    if (!p.home) return setError('sos.err.location');
    const body = {
      people: Number(people.normalize('NFKC').trim()),
      reasons,
      lat: p.home.lat,
      lon: p.home.lon,
      phone: phone.trim() || null,
      name: name.trim() || null,
      note: note.trim() || null,
      consent,
    };
    const checked = parseSosRequest(body);
    if (!checked.ok) return setError(ERRORS[checked.error]);
    setError(null);
    p.onSend(body);
    setOpen(false);
  };

  return (
    <section class="card sos" aria-labelledby="sos-h" data-testid="sos-card">
      <h2 id="sos-h">{t('sos.heading')}</h2>
      <p class="sos__119">{t('sos.119')}</p>
      {p.sos && (
        <div class={`sos__state sos__state--${p.sos.state}`} role="status" data-testid="sos-state" data-state={p.sos.state}>
          <p>
            <strong>{t('sos.status', { state: t(`sos.state.${p.sos.state}` as ResidentKey) })}</strong>
          </p>
          <p class="small">{t('sos.sentAt', { time: formatTime(p.sos.createdAt, p.locale, p.now, true) })}</p>
          {active && (
            <button type="button" class="secondary" onClick={p.onCancel} data-testid="sos-cancel">
              {t('sos.cancel')}
            </button>
          )}
        </div>
      )}
      {!active && !open && (
        <button type="button" class="danger wide" onClick={() => setOpen(true)} data-testid="sos-open">
          {t('sos.open')}
        </button>
      )}
      {!active && open && (
        <form onSubmit={submit} noValidate data-testid="sos-form">
          {!p.home && <p role="alert">{t('sos.needsHome')}</p>}
          <label class="field">
            <span>{t('sos.people')}</span>
            <input inputMode="numeric" value={people} onInput={(e) => setPeople((e.target as HTMLInputElement).value)} data-testid="sos-people" />
          </label>
          <fieldset>
            <legend>{t('sos.reasons')}</legend>
            {SOS_REASONS.map((r) => (
              <label key={r} class="check">
                <input
                  type="checkbox"
                  checked={reasons.includes(r)}
                  onChange={(e) => setReasons((list) => ((e.target as HTMLInputElement).checked ? [...list, r] : list.filter((x) => x !== r)))}
                  data-testid={`sos-reason-${r}`}
                />
                <span>{t(`sos.reason.${r}` as ResidentKey)}</span>
              </label>
            ))}
          </fieldset>
          <label class="field">
            <span>{t('sos.phone')}</span>
            <input type="tel" maxLength={SOS_LIMITS.phone} value={phone} onInput={(e) => setPhone((e.target as HTMLInputElement).value)} data-testid="sos-phone" />
          </label>
          <label class="field">
            <span>{t('sos.name')}</span>
            <input maxLength={SOS_LIMITS.name} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} data-testid="sos-name" />
          </label>
          <label class="field">
            <span>{t('sos.note')}</span>
            <textarea maxLength={SOS_LIMITS.note} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} data-testid="sos-note" />
          </label>
          <label class="check consent">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent((e.target as HTMLInputElement).checked)} data-testid="sos-consent" />
            <span>{t('sos.consent')}</span>
          </label>
          {error && (
            <p class="error" role="alert" data-testid="sos-error">
              {t(error)}
            </p>
          )}
          <div class="row-buttons">
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              {t('home.cancel')}
            </button>
            <button type="submit" class="danger" data-testid="sos-send">
              {t('sos.send')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
