// Whether the wall is live, and if not, how old what it shows is.
import type { HqStrings } from '../i18n/ja/hq';
import type { OverviewState } from './overview-feed';
import { clockTime } from '../lib/format';

export function FeedStatus({ t, overview }: { t: HqStrings; overview: OverviewState }) {
  const { connection, receivedAt } = overview;
  const label =
    connection === 'live' ? t.live : connection === 'connecting' ? t.feedConnecting : connection === 'refused' ? t.tokenRefused : t.feedOffline;
  return (
    <div class={`hq-feed hq-feed--${connection}`} role="status" data-testid="feed-status" data-connection={connection}>
      <span class="hq-feed__dot" aria-hidden="true" />
      <span class="hq-feed__label">{label}</span>
      {receivedAt && <span class="hq-feed__time">{t.lastReceived(clockTime(new Date(receivedAt), { seconds: true }))}</span>}
      {overview.offlineCopyFailed && (
        <span class="hq-feed__warning" data-testid="offline-copy-failed">
          {t.offlineCopyFailed}
        </span>
      )}
    </div>
  );
}
