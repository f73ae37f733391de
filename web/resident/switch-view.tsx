// The personal evacuation switch (避難スイッチ), chosen in advance, and the notification opt-in.
import type { Level } from '../../domain/schema';
import type { Translate } from './i18n';
import { DEFAULT_SWITCH_LEVEL, type SwitchLevel } from './prefs';
import type { NotifyPermission } from './notify';

export function SwitchPanel(p: {
  value: SwitchLevel | null;
  /** The chosen district's level, or null when no district is chosen. */
  level: Level | null;
  evacuate: boolean;
  onChange: (v: SwitchLevel) => void;
  permission: NotifyPermission;
  onAskPermission: () => void;
  /** Web Push at this switch: on, off, refused by the browser, or waiting for a district. */
  push: 'on' | 'off' | 'failed' | 'needs-district' | 'working';
  onPush: (on: boolean) => void;
  t: Translate;
}) {
  const { t } = p;
  const n = p.value ?? DEFAULT_SWITCH_LEVEL;
  return (
    <section class="card switch" aria-labelledby="switch-h">
      <h2 id="switch-h">{t('switch.heading')}</h2>
      <fieldset>
        <legend>{t('switch.question')}</legend>
        <p class="guidance">{t('switch.guidance')}</p>
        {([3, 4] as const).map((v) => (
          <label key={v} class="radio">
            <input type="radio" name="switch" value={v} checked={p.value === v} onChange={() => p.onChange(v)} />
            <span>{t(v === 3 ? 'switch.option3' : 'switch.option4')}</span>
          </label>
        ))}
      </fieldset>
      {p.value === null && <p class="small">{t('switch.unset')}</p>}
      {p.value !== null && p.level !== null && !p.evacuate && (
        <p data-testid="switch-waiting">
          {p.level === 0 ? t('switch.waitingNone', { n }) : t('switch.waiting', { n, level: p.level })}
        </p>
      )}
      <div class="notify" data-testid="push" data-push={p.push}>
        {p.push === 'on' ? (
          <>
            <p class="small">{t('push.on', { n, prepare: n - 1 })}</p>
            <button type="button" class="secondary" onClick={() => p.onPush(false)} data-testid="push-off">
              {t('push.off')}
            </button>
          </>
        ) : p.push === 'needs-district' ? (
          <p class="small">{t('push.needsDistrict')}</p>
        ) : p.push === 'off' || p.push === 'working' ? (
          <button type="button" class="secondary" disabled={p.push === 'working'} onClick={() => p.onPush(true)} data-testid="push-on">
            {t('push.enable')}
          </button>
        ) : null}
        {p.push === 'failed' && <p class="small" data-testid="push-failed">{t('push.failed')}</p>}
        {p.push !== 'on' && p.push !== 'off' && p.push !== 'working' && (p.permission === 'granted' ? (
          <p class="small">{t('notify.on')}</p>
        ) : p.permission === 'denied' ? (
          <p class="small">{t('notify.denied')}</p>
        ) : p.permission === 'unsupported' ? (
          <p class="small">{t('notify.unsupported')}</p>
        ) : (
          <button type="button" class="secondary" onClick={p.onAskPermission}>
            {t('notify.enable')}
          </button>
        ))}
      </div>
    </section>
  );
}
