// The lock screen over the tablet app, and its settings. Idle time is measured from the last
// touch, click or key; when it passes the chosen minutes (or staff press "lock now") the app is
// covered by an opaque screen and made inert (no names behind it for the next person to read,
// nothing to tab into) until the PIN is typed. Sync and saving go on underneath.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import {
  IDLE_CHOICES_MIN, MAX_TRIES, checkPin, clearWrongPins, isLocked, pinFailures, pinSettings, recordWrongPin, removePin, setIdleMinutes, setLocked,
  setPin,
} from '../lib/pin-lock';
import { useShelter } from './context';
import { LangSwitch } from '../lib/ui/LangSwitch';

const LOCK_EVENT = 'hinanjo:lock-changed';
const announce = () => window.dispatchEvent(new Event(LOCK_EVENT));

function useLockState(): boolean {
  const [locked, set] = useState(isLocked());
  useEffect(() => {
    const on = () => set(isLocked());
    window.addEventListener(LOCK_EVENT, on);
    window.addEventListener('storage', on); // another tab of the same tablet
    return () => {
      window.removeEventListener(LOCK_EVENT, on);
      window.removeEventListener('storage', on);
    };
  }, []);
  return locked;
}

export function lockNow(): void {
  setLocked(true);
  announce();
}

export function PinLock({ children }: { children: ComponentChildren }) {
  const { t } = useShelter();
  const l = t.lock;
  const locked = useLockState();
  const [pin, setPinText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState(pinFailures().waitUntil);
  const [now, setNow] = useState(Date.now());

  // Idle watch: every touch or key moves the deadline; a timer checks it.
  useEffect(() => {
    let last = Date.now();
    const touch = () => (last = Date.now());
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const timer = setInterval(() => {
      const s = pinSettings();
      setNow(Date.now());
      if (s && !isLocked() && Date.now() - last >= s.idleMinutes * 60_000) lockNow();
    }, 1_000);
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      clearInterval(timer);
    };
  }, []);

  const waiting = waitUntil > now;
  const unlock = async (e: Event) => {
    e.preventDefault();
    if (waiting) return;
    if (await checkPin(pin)) {
      setLocked(false);
      clearWrongPins();
      setError(null);
      setPinText('');
      announce();
      return;
    }
    setPinText('');
    setWaitUntil(recordWrongPin().waitUntil);
    setError(l.errors.wrong);
  };

  return (
    <>
      <div inert={locked} aria-hidden={locked ? true : undefined} class={locked ? 'pin-lock__behind' : undefined}>
        {children}
      </div>
      {locked && (
        <div class="pin-lock" role="dialog" aria-modal="true" aria-labelledby="pin-lock-title" data-testid="pin-lock">
          <form class="pin-lock__box" onSubmit={(e) => void unlock(e)}>
            <div class="pin-lock__lang"><LangSwitch /></div>
            <h2 id="pin-lock-title">{l.locked}</h2>
            <p>{l.lockedHelp}</p>
            <label for="pin-lock-pin">{l.pin}</label>
            <input
              id="pin-lock-pin"
              type="password"
              inputMode="numeric"
              autocomplete="off"
              value={pin}
              autoFocus
              onInput={(e) => setPinText((e.target as HTMLInputElement).value)}
              data-testid="pin-lock-pin"
            />
            <button type="submit" class="button button--primary button--large" disabled={waiting} data-testid="pin-lock-unlock">
              {l.unlock}
            </button>
            {(error || waiting) && (
              <p class="field__error" role="alert" data-testid="pin-lock-error">
                {waiting ? l.wait(MAX_TRIES, Math.ceil((waitUntil - now) / 1000)) : error}
              </p>
            )}
          </form>
        </div>
      )}
    </>
  );
}

export function PinSettings() {
  const { t } = useShelter();
  const l = t.lock;
  const [settings, setSettings] = useState(pinSettings());
  const [pin, setPinText] = useState('');
  const [repeat, setRepeat] = useState('');
  const [minutes, setMinutes] = useState(settings?.idleMinutes ?? 10);
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);

  const save = async (e: Event) => {
    e.preventDefault();
    const r = await setPin(pin, repeat, minutes);
    setPinText('');
    setRepeat('');
    if (!r.ok) return setMessage({ text: l.errors[r.error], error: true });
    setSettings(r.value);
    setMessage({ text: l.saved });
  };
  const remove = async (e: Event) => {
    e.preventDefault();
    const ok = await removePin(pin);
    setPinText('');
    if (!ok) return setMessage({ text: l.errors.wrong, error: true });
    setSettings(null);
    setMessage({ text: l.removed });
  };

  return (
    <details class="card pin-settings" open={settings ? true : undefined} data-testid="pin-settings">
      <summary>{l.title}</summary>
      <p class="muted" data-testid="pin-status">{settings ? l.on(settings.idleMinutes) : l.off}</p>
      <form onSubmit={(e) => void (settings ? remove(e) : save(e))} noValidate class="pin-settings__form">
        <label for="pin-new">{settings ? l.removePin : l.pin}</label>
        <input id="pin-new" type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPinText((e.target as HTMLInputElement).value)} data-testid="pin-new" />
        {!settings && (
          <>
            <label for="pin-repeat">{l.repeat}</label>
            <input id="pin-repeat" type="password" inputMode="numeric" autocomplete="off" value={repeat} onInput={(e) => setRepeat((e.target as HTMLInputElement).value)} data-testid="pin-repeat" />
          </>
        )}
        <label for="pin-idle">{l.idle}</label>
        <select
          id="pin-idle"
          value={minutes}
          onChange={(e) => {
            const m = Number((e.target as HTMLSelectElement).value);
            setMinutes(m);
            if (settings) {
              setIdleMinutes(m);
              setSettings(pinSettings());
            }
          }}
          data-testid="pin-idle"
        >
          {IDLE_CHOICES_MIN.map((m) => (
            <option key={m} value={m}>{l.minutes(m)}</option>
          ))}
        </select>
        <button type="submit" class="button" data-testid={settings ? 'pin-remove' : 'pin-set'}>
          {settings ? l.remove : l.set}
        </button>
        {settings && (
          <button type="button" class="button" onClick={lockNow} data-testid="pin-lock-now">
            {l.lockNow}
          </button>
        )}
        {message && (
          <p class={message.error ? 'field__error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="pin-message">
            {message.text}
          </p>
        )}
      </form>
    </details>
  );
}
