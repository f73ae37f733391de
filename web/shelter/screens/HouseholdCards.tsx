// Household cards to print, A6, one per page (shelter.css @media print): the shelter's name, the
// household code, how many are present, and a QR of cardPayload (no name anywhere on the card).
// #/people/cards prints every household with someone present; #/people/cards/<id> one household.
import { useMemo } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { cardPayload, householdsForCards } from '../../../domain/household-card';
import { hqShelters } from '../../../domain/schema';
import { asString } from '../../../domain/coerce';
import { useDocVersion } from '../../lib/sync/use-synced';
import { useShelter } from '../context';
import { href } from '../routes';

export function HouseholdCards({ only }: { only?: string }) {
  const { shelter, hq, shelterId, t } = useShelter();
  const k = t.cards;
  const version = useDocVersion(shelter);
  const hqVersion = useDocVersion(hq);
  const shelterName = useMemo(() => asString(hqShelters(hq.doc).get(shelterId)?.get('name'), shelterId), [hq, shelterId, hqVersion]);
  const cards = useMemo(() => householdsForCards(shelter.doc).filter((h) => !only || h.householdId === only), [shelter, only, version]);

  return (
    <div class="hh-cards">
      <div class="hh-cards__toolbar no-print">
        <a href={only ? href('people', 'household', only) : href('people')}>{k.back}</a>
        <h2>{k.title}</h2>
        <p class="muted">{k.help}</p>
        {cards.length > 0 && (
          <button type="button" class="button button--primary" onClick={() => window.print()} data-testid="cards-print">
            {k.printButton}
          </button>
        )}
      </div>
      {cards.length === 0 && <p class="muted">{k.none}</p>}
      <div class="hh-cards__sheet">
        {cards.map((h) => (
          <section class="hh-card" key={h.householdId} data-testid="household-card" data-household={h.householdId}>
            <p class="hh-card__shelter">{shelterName}</p>
            <img
              class="hh-card__qr"
              src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(cardPayload(shelterId, h.householdId), { border: 2 }))}`}
              alt={k.qrAlt(h.code)}
            />
            <p class="hh-card__code">
              <span class="hh-card__label">{k.code}</span> <strong data-testid="card-code">{h.code}</strong>
            </p>
            <p class="hh-card__members">{k.members(h.present)}</p>
            <p class="hh-card__hint">{k.cardHint}</p>
          </section>
        ))}
      </div>
    </div>
  );
}
