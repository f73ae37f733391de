// An alert HQ notices when a shelter becomes full (its band turns "full" while HQ watches: staff
// declared it full, or the headcount reached 80 % of capacity). It stays until dismissed and, if
// the officer allowed sound, beeps once. Shelters already full when HQ opened are on the map
// and in the table already; the alert is for the change.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { HqView } from './context';

const SOUND_KEY = 'hinanjo:hq:fullAlertSound';

function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
    osc.onended = () => void ctx.close();
  } catch {
    // no audio on this device: the banner is the alert
  }
}

export function FullAlert({ view }: { view: HqView }) {
  const { t } = view;
  const seen = useRef<Map<string, string> | null>(null);
  const [alerts, setAlerts] = useState<{ id: string; name: string; at: string }[]>([]);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) === 'on');

  useEffect(() => {
    const bands = new Map(view.rows.map((r) => [r.id, r.band]));
    // The first overview with data is the starting point, not a change.
    if (seen.current === null) {
      if (view.rows.some((r) => r.lastUpdateAt !== null)) seen.current = bands;
      return;
    }
    const fresh = view.rows.filter((r) => r.band === 'full' && seen.current!.get(r.id) !== 'full');
    seen.current = bands;
    if (fresh.length === 0) return;
    const at = new Date().toISOString();
    setAlerts((a) => [...fresh.map((r) => ({ id: r.id, name: r.name, at })), ...a.filter((x) => !fresh.some((r) => r.id === x.id))]);
    if (sound) beep();
  }, [view.rows]);

  const toggleSound = () => {
    const next = !sound;
    setSound(next);
    localStorage.setItem(SOUND_KEY, next ? 'on' : 'off');
  };

  return (
    <section class="hq-full-alerts" aria-label={t.fullAlert.region}>
      {alerts.map((a) => (
        <div key={a.id} class="hq-full-alert" role="alert" data-testid="full-alert" data-shelter-id={a.id}>
          <strong>{t.fullAlert.title(a.name)}</strong>
          <button type="button" class="button button--small" onClick={() => setAlerts((x) => x.filter((y) => y.id !== a.id))}>
            {t.fullAlert.dismiss}
          </button>
        </div>
      ))}
      <label class="hq-full-sound">
        <input type="checkbox" checked={sound} onChange={toggleSound} /> {t.fullAlert.sound}
      </label>
    </section>
  );
}
