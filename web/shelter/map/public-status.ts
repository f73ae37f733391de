// The public status (other shelters' crowding) for the tablet's map: fetched with its ETag every
// 30 s while the map is open; offline, the last copy stays on screen with its time.
import { useEffect, useState } from 'preact/hooks';
import type { PublicStatus } from '../../../domain/public-status';

const POLL_MS = 30_000;
const CACHE_KEY = 'hinanjo:shelter:public-status';

function cached(): PublicStatus | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as PublicStatus) : null;
  } catch {
    return null;
  }
}

export function usePublicStatus(): { data: PublicStatus | null; failed: boolean } {
  const [data, setData] = useState<PublicStatus | null>(cached);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let etag: string | null = null;
    let live = true;
    const poll = async () => {
      try {
        const res = await fetch('/api/public/status.json', { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-store' });
        if (res.status === 200) {
          const body = (await res.json()) as PublicStatus;
          etag = res.headers.get('ETag');
          if (!live) return;
          setData(body);
          try {
            localStorage.setItem(CACHE_KEY, JSON.stringify(body));
          } catch {
            // storage full: the map still shows the live copy
          }
        }
        if (live) setFailed(res.status !== 200 && res.status !== 304);
      } catch {
        if (live) setFailed(true);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return { data, failed };
}
