// Preact hooks over a SyncedDoc: re-render when the document changes (at most once a frame,
// so a burst of remote updates does not re-render a 10,000-person list a thousand times) and
// when the sync state changes.
import { useEffect, useState } from 'preact/hooks';
import type { SyncState, SyncedDoc } from './synced-doc';

/** A counter that changes whenever the document does; use it as a memo dependency. */
export function useDocVersion(synced: SyncedDoc): number {
  const [version, setVersion] = useState(() => synced.version());
  useEffect(() => {
    setVersion(synced.version());
    let frame = 0;
    const off = synced.onChange(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion(synced.version());
      });
    });
    return () => {
      off();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [synced]);
  return version;
}

export function useSyncState(synced: SyncedDoc): SyncState {
  const [state, setState] = useState(synced.state());
  useEffect(() => {
    setState(synced.state());
    return synced.onState(setState);
  }, [synced]);
  return state;
}

/** Re-renders every interval (for "n min ago"). */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
