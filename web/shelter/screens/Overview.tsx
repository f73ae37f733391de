// The shelter at a glance, from domain/overview's summary (the same numbers HQ sees).
import { useMemo, useState } from 'preact/hooks';
import { summarizeShelter } from '../../../domain/overview';
import { peopleTallyOf } from '../../../domain/people-tally';
import { AGE_GROUPS, SHELTER_STATUSES, STAY_TYPES, type ShelterStatus, hqShelters } from '../../../domain/schema';
import { setShelterStatus } from '../../../domain/shelter-status';
import { ConfirmDialog } from '../../lib/ui/ConfirmDialog';
import { saveChange } from '../../lib/sync/synced-doc';
import { asFiniteNumber } from '../../../domain/coerce';
import { effectiveCapacity, parseCapacity, setReportedCapacity } from '../../../domain/capacity';
import { readItems } from '../../../domain/stock';
import { label } from '../../lib/i18n';
import { useDocVersion, useNow } from '../../lib/sync/use-synced';
import { useShelter } from '../context';
import { href } from '../routes';
import { BoxSettings } from '../BoxSettings';
import { PinSettings } from '../PinLock';
import { SupportCount } from '../SupportCount';

export function Overview() {
  const { shelter, hq, shelterId, t, c } = useShelter();
  const version = useDocVersion(shelter);
  const hqVersion = useDocVersion(hq);
  const now = useNow(60_000);
  const s = useMemo(() => summarizeShelter(shelter.doc, shelterId, now, null, { people: peopleTallyOf(shelter.doc) }), [shelter, shelterId, version, now]);
  const itemNames = useMemo(() => new Map(readItems(shelter.doc).map((i) => [i.id, i.name])), [shelter, version]);
  const registryCapacity = useMemo(
    () => asFiniteNumber(hqShelters(hq.doc).get(shelterId)?.get('capacity'), 0),
    [hq, shelterId, hqVersion],
  );
  // The registry's capacity, else the one staff reported here; 0: unknown (never "room").
  const capacity = effectiveCapacity(registryCapacity, s.reportedCapacity);
  const total = s.present.shelter + s.present.car + s.present.home;
  const fill = capacity > 0 ? Math.min(1, s.present.shelter / capacity) : 0;
  const needs = Object.entries(s.needs).sort((a, b) => b[1] - a[1]);
  const o = t.overview;
  const [asking, setAsking] = useState<ShelterStatus | null>(null);
  /** The capacity typed in the dialog (asked when opening a shelter whose capacity is unknown). */
  const [capacityText, setCapacityText] = useState('');
  const [capacityError, setCapacityError] = useState<string | null>(null);
  const [editingCapacity, setEditingCapacity] = useState(false);
  const askCapacity = editingCapacity || (asking !== null && asking !== 'closed' && capacity === 0);
  const closeDialog = () => {
    setAsking(null);
    setEditingCapacity(false);
    setCapacityText('');
    setCapacityError(null);
  };
  const confirmDialog = () => {
    let typed: number | null = null;
    if (askCapacity && capacityText.trim() !== '') {
      const parsed = parseCapacity(capacityText);
      if (!parsed.ok || parsed.value < 1) {
        setCapacityError(o.capacityInvalid);
        return;
      }
      typed = parsed.value;
    } else if (editingCapacity) {
      setCapacityError(o.capacityInvalid);
      return;
    }
    const next = asking;
    closeDialog();
    void saveChange(shelter, (doc) => {
      if (typed !== null) setReportedCapacity(doc, typed, new Date());
      if (next) setShelterStatus(doc, next, new Date());
    });
  };

  return (
    <div class="overview">
      <div class="overview__actions">
        <a class="button button--primary button--huge" href={href('check-in')} data-testid="overview-check-in">
          {o.checkInButton}
        </a>
        <div class="overview__status">
          <span class="overview__status-label">{o.status}</span>
          <div class="segmented" role="radiogroup" aria-label={o.status} data-testid="shelter-status">
            {SHELTER_STATUSES.map((st) => (
              <button
                type="button"
                role="radio"
                key={st}
                aria-checked={st === s.status}
                class={`status-option status-option--${st}`}
                data-status={st}
                onClick={() => st !== s.status && setAsking(st)}
              >
                {label(c.shelterStatuses, st)}
              </button>
            ))}
          </div>
        </div>
      </div>
      {(asking || editingCapacity) && (
        <ConfirmDialog onCancel={closeDialog} onConfirm={confirmDialog}>
          {asking && <p>{o.confirmStatus(label(c.shelterStatuses, asking))}</p>}
          {askCapacity && (
            <div class="capacity-ask" data-testid="capacity-ask">
              <p>{o.capacityAsk}</p>
              <label for="reported-capacity">{o.capacityLabel}</label>{' '}
              <input
                id="reported-capacity"
                inputMode="numeric"
                value={capacityText}
                onInput={(e) => setCapacityText((e.target as HTMLInputElement).value)}
                aria-invalid={capacityError ? true : undefined}
                aria-describedby={capacityError ? 'reported-capacity-error' : undefined}
              />{' '}
              {o.people}
              {capacityError && (
                <p class="field__error" id="reported-capacity-error" role="alert" data-testid="reported-capacity-error">
                  {capacityError}
                </p>
              )}
              {!editingCapacity && <p class="muted">{o.capacitySkip}</p>}
            </div>
          )}
        </ConfirmDialog>
      )}
      <SupportCount />
      <div class="cards overview__cards">
        <section class="card area-present" data-testid="overview-present">
          <h2>{o.present}</h2>
          <div class="present">
            <div class="present__total">
              <span class="big-number">{total}</span>
              <span class="unit">{o.total}</span>
            </div>
            {STAY_TYPES.map((stay) => (
              <div class="present__stay" key={stay} data-stay={stay}>
                <span class="mid-number">{s.present[stay]}</span>
                <span class="unit">{label(c.stays, stay)}</span>
              </div>
            ))}
          </div>
          <div class="capacity">
            <div class="capacity__bar" aria-hidden="true">
              <div class="capacity__fill" style={{ width: `${fill * 100}%` }} data-level={fill >= 0.8 ? 'high' : fill >= 0.6 ? 'mid' : 'low'} />
            </div>
            <span>{capacity > 0 ? o.inShelterOfCapacity(s.present.shelter, capacity) : o.capacityUnknown}</span>
            {registryCapacity === 0 && (
              <button type="button" class="button button--small" onClick={() => setEditingCapacity(true)} data-testid="capacity-edit">
                {o.capacityEdit}
              </button>
            )}
          </div>
        </section>
        <section class="card area-today">
          <h2>{o.today}</h2>
          <dl class="stats">
            <div>
              <dt>{o.arrivals}</dt>
              <dd class="mid-number">{s.arrivalsToday}</dd>
            </div>
            <div>
              <dt>{o.departures}</dt>
              <dd class="mid-number" data-testid="departures-today">{s.departuresToday}</dd>
            </div>
          </dl>
        </section>
        <section class="card area-requests">
          <h2>{o.openRequests}</h2>
          {s.openRequests.length === 0 ? (
            <p class="muted">{o.noOpenRequests}</p>
          ) : (
            <ul class="plain-list">
              {s.openRequests.map((r) => (
                <li key={r.id}>
                  <a href={href('requests')}>{label(c.items, r.item, itemNames.get(r.item))}</a> × {r.quantity} —{' '}
                  {label(c.requestStatuses, r.status)}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="card area-ages">
          <h2>{o.ageGroups}</h2>
          <dl class="stats stats--four">
            {AGE_GROUPS.map((g) => (
              <div key={g}>
                <dt>{label(c.ageGroups, g)}</dt>
                <dd class="mid-number">{s.ageGroups[g]}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section class="card area-needs">
          <h2>{o.needs}</h2>
          {needs.length === 0 ? (
            <p class="muted">{o.noNeeds}</p>
          ) : (
            <ul class="chips">
              {needs.map(([need, n]) => (
                <li class="chip" key={need}>
                  {label(c.needs, need)} <strong>{n}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="card area-low">
          <h2>{o.lowStock}</h2>
          {s.lowStock.length === 0 ? (
            <p class="muted">{o.noLowStock}</p>
          ) : (
            <ul class="plain-list">
              {s.lowStock.map((l) => (
                <li key={l.item} class={l.negative ? 'danger' : 'warn'} data-testid={`low-${l.item}`}>
                  <a href={href('supplies')}>{label(c.items, l.item, l.name)}</a> —{' '}
                  {l.negative ? o.negative(l.onHand) : l.daysLeft !== null ? o.daysLeft(l.daysLeft) : ''}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <BoxSettings />
      <PinSettings />
    </div>
  );
}
