// How the city reaches each shelter (directly, through a shelter box, or not at all), polled from
// GET /api/hq/links. Offline, the last answer stays (it says when it was taken).
import { useEffect, useState } from 'preact/hooks';

export interface ShelterLink {
  tablets: number;
  boxes: number;
  boxLastSyncAt: string | null;
}

export type ShelterLinks = Record<string, ShelterLink>;

const POLL_MS = 15_000;

export function useShelterLinks(token: string): ShelterLinks {
  const [links, setLinks] = useState<ShelterLinks>({});
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const res = await fetch('/api/hq/links', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
        if (res.ok && !stopped) setLinks(((await res.json()) as { links: ShelterLinks }).links);
      } catch {
        // offline: keep the last answer
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [token]);
  return links;
}
