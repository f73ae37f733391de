import type { HqView } from './context';
import { totals } from './shelter-rows';

export function Totals({ view }: { view: HqView }) {
  const { t, c } = view;
  const sum = totals(view.rows);
  const item = (label: string, value: number, id: string) => (
    <div class="hq-total" data-testid={`total-${id}`}>
      <span class="hq-total__label">{label}</span>
      <span class="hq-total__value">{value.toLocaleString(view.lang === 'ja' ? 'ja-JP' : 'en-US')}</span>
    </div>
  );
  return (
    <section class="hq-totals" aria-label={t.totals}>
      {item(c.stays.shelter, sum.present.shelter, 'shelter')}
      {item(c.stays.car, sum.present.car, 'car')}
      {item(c.stays.home, sum.present.home, 'home')}
      {item(t.specialNeeds, sum.needs, 'needs')}
      {item(t.openShelters, sum.openShelters, 'open-shelters')}
      {item(t.openRequests, sum.openRequests, 'open-requests')}
    </section>
  );
}
