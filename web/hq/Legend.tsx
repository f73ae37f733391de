// What the map's colours mean, beside the map on the wall and the desks.
import { CROWDING_BANDS } from '../../domain/vocabulary';
import type { HqView } from './context';
import { STALE_AFTER_MINUTES } from './shelter-rows';

export function Legend({ view }: { view: HqView }) {
  const { t } = view;
  const bands = CROWDING_BANDS;
  return (
    <ul class="hq-legend" aria-label={t.map.legend}>
      {bands.map((b) => (
        <li key={b}>
          <span class={`hq-swatch hq-band--${b}`} aria-hidden="true" />
          {t.crowding[b]}
        </li>
      ))}
      <li title={t.staleTitle(STALE_AFTER_MINUTES)}>
        <span class="hq-swatch hq-swatch--stale" aria-hidden="true" />
        {t.stale}
      </li>
      <li>
        <span class="hq-swatch hq-swatch--closure" aria-hidden="true" />
        {t.map.closure}
      </li>
    </ul>
  );
}
