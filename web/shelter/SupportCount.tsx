// While the city's support list is open for a disaster, the shelter sees one number: how many
// listed people of its district are still unaccounted for — never a name (the list never reaches
// a tablet). Staff can ask arrivals about their neighbours. Asked of the city now and then; shown
// only when the city answers.
import { useEffect, useState } from 'preact/hooks';
import { storedToken } from '../lib/enrolment';
import { useShelter } from './context';

export function SupportCount() {
  const { t } = useShelter();
  const [count, setCount] = useState<{ districtName: string; unaccounted: number } | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const token = storedToken('shelter');
      if (!token) return;
      try {
        const res = await fetch('/api/shelter/support-count', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
        if (!res.ok) return;
        const body = (await res.json()) as { open: boolean; districtName?: string; unaccounted?: number };
        if (!cancelled) setCount(body.open ? { districtName: body.districtName ?? '', unaccounted: body.unaccounted ?? 0 } : null);
      } catch {
        /* offline: the last answer stays */
      }
    };
    void load();
    const id = setInterval(() => void load(), 60_000);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, []);
  if (!count) return null;
  return (
    <section class="card support-count" data-testid="support-count" role="status">
      <h2>{t.overview.supportHeading}</h2>
      <p>
        <span class="big-number">{count.unaccounted}</span> {t.overview.supportCount(count.districtName)}
      </p>
      <p class="muted">{t.overview.supportHint}</p>
    </section>
  );
}
