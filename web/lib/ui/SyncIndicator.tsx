// On every screen: online or not, how many local records are not yet safe, and when the server
// last confirmed. "Everything stored" is shown only when nothing is pending and a confirmation
// has actually arrived: the indicator never claims a sync that has not happened. With a shelter
// box it names the three tiers a worker cares about: saved on this tablet only / saved in the
// shelter box / saved at the city (only a confirmation from the city, direct or relayed by the
// box, counts for the last one).
import { useState } from 'preact/hooks';
import type { SyncState } from '../sync/synced-doc';
import { commonStrings, useLang } from '../i18n';
import { useNow } from '../sync/use-synced';
import { clockTime } from '../format';

export type Tier = 'device' | 'box' | 'city';

/** Where the least safe unconfirmed record is. */
export function tierOf(state: SyncState): Tier {
  if (state.pendingLocal > 0) return 'device';
  if (state.pending > 0) return 'box';
  return state.lastConfirmedAt ? 'city' : 'device';
}

/**
 * `compact` (the tablet's one-line header): the dot and what is not yet safe stay in view; the
 * connection and the time of the last confirmation open with a tap on ⓘ.
 */
export function SyncIndicator({ state, compact = false }: { state: SyncState; compact?: boolean }) {
  const [lang] = useLang();
  const [open, setOpen] = useState(false);
  const t = commonStrings(lang).sync;
  const now = useNow(15_000);
  const confirmed = state.lastConfirmedAt ? new Date(state.lastConfirmedAt) : null;
  const minutesAgo = confirmed ? Math.max(0, Math.floor((now.getTime() - confirmed.getTime()) / 60_000)) : 0;
  const allStored = state.pending === 0 && confirmed !== null;
  const tier = tierOf(state);
  const box = state.box;
  const what = box
    ? [
        state.pendingLocal > 0 && <span key="d" class="sync__pending" data-testid="tier-device">{t.tiers.device(state.pendingLocal)}</span>,
        state.pending - state.pendingLocal > 0 && <span key="b" class="sync__box" data-testid="tier-box">{t.tiers.box(state.pending - state.pendingLocal)}</span>,
        allStored && <span key="c" class="sync__ok" data-testid="tier-city">{t.tiers.city}</span>,
        state.pending === 0 && !allStored && <span key="n" class="sync__ok">{t.savedLocally}</span>,
      ]
    : [
        <span key="p" class={state.pending > 0 ? 'sync__pending' : 'sync__ok'}>
          {state.pending > 0 ? t.pending(state.pending) : allStored ? t.allConfirmed : t.savedLocally}
        </span>,
      ];
  return (
    <div
      class={`sync sync--${state.connection}${compact ? ' sync--compact' : ''}${open ? ' sync--open' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="sync-indicator"
      data-connection={state.connection}
      data-pending={state.pending}
      data-pending-local={state.pendingLocal}
      data-tier={tier}
      data-box-connection={box?.connection}
    >
      <span class="sync__dot" aria-hidden="true" />
      <span class="sync__connection">
        {box ? `${t.city}: ${t[state.connection]} · ${t.box}: ${t[box.connection]}` : t[state.connection]}
      </span>
      {what}
      <span class="sync__last">{confirmed ? t.lastConfirmed(clockTime(confirmed), minutesAgo) : t.neverConfirmed}</span>
      {state.storeFailed && <span class="sync__refused" data-testid="store-failed">{t.storeFailed}</span>}
      {state.connection === 'refused' && state.refusedCode !== undefined && (
        <span class="sync__refused">{t.refusedCode(state.refusedCode)}</span>
      )}
      {box?.connection === 'refused' && box.refusedCode !== undefined && (
        <span class="sync__refused">{t.box}: {t.refusedCode(box.refusedCode)}</span>
      )}
      {compact && (
        <button type="button" class="sync__more" aria-expanded={open} aria-label={t.details} onClick={() => setOpen((o) => !o)} data-testid="sync-details">
          ⓘ
        </button>
      )}
    </div>
  );
}
