// On every screen: online or not, how many local changes the server has not confirmed as stored,
// and when it last confirmed. "Everything stored" is shown only when nothing is pending and a
// confirmation has actually arrived: the indicator never claims a sync that has not happened.
import type { SyncState } from './synced-doc';
import { commonStrings, useLang } from './i18n';
import { useNow } from './use-synced';

function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function SyncIndicator({ state }: { state: SyncState }) {
  const [lang] = useLang();
  const t = commonStrings(lang).sync;
  const now = useNow(15_000);
  const confirmed = state.lastConfirmedAt ? new Date(state.lastConfirmedAt) : null;
  const minutesAgo = confirmed ? Math.max(0, Math.floor((now.getTime() - confirmed.getTime()) / 60_000)) : 0;
  const allStored = state.pending === 0 && confirmed !== null;
  return (
    <div
      class={`sync sync--${state.connection}`}
      role="status"
      aria-live="polite"
      data-testid="sync-indicator"
      data-connection={state.connection}
      data-pending={state.pending}
    >
      <span class="sync__dot" aria-hidden="true" />
      <span class="sync__connection">{t[state.connection]}</span>
      <span class={state.pending > 0 ? 'sync__pending' : 'sync__ok'}>
        {state.pending > 0 ? t.pending(state.pending) : allStored ? t.allConfirmed : t.savedLocally}
      </span>
      <span class="sync__last">{confirmed ? t.lastConfirmed(hhmm(confirmed), minutesAgo) : t.neverConfirmed}</span>
      {state.storeFailed && <span class="sync__refused" data-testid="store-failed">{t.storeFailed}</span>}
      {state.connection === 'refused' && state.refusedCode !== undefined && (
        <span class="sync__refused">{t.refusedCode(state.refusedCode)}</span>
      )}
    </div>
  );
}
