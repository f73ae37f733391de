// The SOS requests for HQ (GET /api/hq/sos): fetched when the overview stream says one arrived
// or changed here, and every POLL_MS (another instance may have taken it). Personal data: it is
// kept in memory only, never in this device's storage.
import { useEffect, useState } from 'preact/hooks';
import type { SosRecord, SosState } from '../../domain/sos';

const POLL_MS = 20_000;

export interface SosList {
  items: SosRecord[];
  loadedAt: string | null;
  error: boolean;
  reload(): void;
  setState(id: string, state: SosState, note: string): Promise<boolean>;
}

export function useSos(token: string, version: number): SosList {
  const [items, setItems] = useState<SosRecord[]>([]);
  const [loadedAt, setLoadedAt] = useState<string | null>(null);
  const [error, setError] = useState(false);
  const [n, setN] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch('/api/hq/sos', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { sos: SosRecord[] };
        if (cancelled) return;
        setItems(body.sos);
        setLoadedAt(new Date().toISOString());
        setError(false);
      } catch {
        if (!cancelled) setError(true);
      }
    };
    void load();
    const id = setInterval(() => void load(), POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(id);
    };
  }, [token, version, n]);
  return {
    items,
    loadedAt,
    error,
    reload: () => setN((x) => x + 1),
    async setState(id, state, note) {
      try {
        const res = await fetch(`/api/hq/sos/${encodeURIComponent(id)}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ state, ...(note.trim() ? { note: note.trim() } : {}) }),
        });
        setN((x) => x + 1);
        return res.ok;
      } catch {
        return false;
      }
    },
  };
}
