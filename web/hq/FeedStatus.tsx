// Whether the wall is live, and if not, how old what it shows is.
import type { HqStrings } from '../i18n/ja/hq';
import type { OverviewState } from './overview-feed';

export function hhmm(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

export function FeedStatus({ t, overview }: { t: HqStrings; overview: OverviewState }) {
  const { connection, receivedAt } = overview;
  const label =
    connection === 'live' ? t.live : connection === 'connecting' ? t.feedConnecting : connection === 'refused' ? t.tokenRefused : t.feedOffline;
  return (
    <div class={`hq-feed hq-feed--${connection}`} role="status" data-testid="feed-status" data-connection={connection}>
      <span class="hq-feed__dot" aria-hidden="true" />
      <span class="hq-feed__label">{label}</span>
      {receivedAt && <span class="hq-feed__time">{t.lastReceived(hhmm(receivedAt))}</span>}
    </div>
  );
}
