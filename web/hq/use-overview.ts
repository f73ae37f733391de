import { useEffect, useState } from 'preact/hooks';
import type { OverviewFeed, OverviewState } from './overview-feed';

export function useOverview(feed: OverviewFeed): OverviewState {
  const [state, setState] = useState(feed.state());
  useEffect(() => {
    setState(feed.state());
    return feed.subscribe(setState);
  }, [feed]);
  return state;
}
