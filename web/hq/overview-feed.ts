// The live overview of every shelter, for the wall and the desks: ONE Server-Sent Events stream
// (/api/hq/overview/events) carrying the server's derived ShelterSummary of each shelter, never
// the shelter documents themselves. First a full `overview`, then per change a `shelter` event (a
// shelter not seen before, whole) or a `patch` (only the fields that changed). The last state is
// kept in localStorage so that HQ offline (or a wall rebooted during an outage) shows what it
// last knew, and when; when the browser refuses to keep it, the screen says so.
import type { ShelterSummary } from '../../domain/overview';

export type FeedConnection = 'live' | 'connecting' | 'offline' | 'refused';

export interface OverviewState {
  shelters: ReadonlyMap<string, ShelterSummary>;
  /** When this browser last received anything from the stream (null: never). */
  receivedAt: string | null;
  connection: FeedConnection;
  /** The offline copy could not be saved (storage full or refused): what shows offline is older. */
  offlineCopyFailed: boolean;
  /** Bumped when the server says an SOS arrived or changed: the SOS list fetches again (use-sos.ts). */
  sosVersion: number;
}

const CACHE_KEY = 'hinanjo:hq:overview';
const CACHE_WRITE_MS = 2_000;
/** Browsers retry an erroring stream themselves (the server sends retry: 2000); a stream the
 * browser gave up on (CLOSED) is reopened by us after this long. */
const REOPEN_MS = 3_000;
/** EventSource hides the server's keep-alive comments, so a stream that went silent (a dead
 * Wi-Fi, a cut cable) looks open forever; a tiny probe finds out. */
const PROBE_MS = 10_000;
const PROBE_TIMEOUT_MS = 5_000;

interface CachedOverview {
  receivedAt: string;
  shelters: ShelterSummary[];
}

export function readCachedOverview(): CachedOverview | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as CachedOverview;
    return Array.isArray(v.shelters) && typeof v.receivedAt === 'string' ? v : null;
  } catch {
    return null;
  }
}

export class OverviewFeed {
  private shelters = new Map<string, ShelterSummary>();
  private receivedAt: string | null = null;
  private connection: FeedConnection = 'connecting';
  private offlineCopyFailed = false;
  private sosVersion = 0;
  private source: EventSource | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private cacheTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(s: OverviewState) => void>();
  private snapshot: OverviewState;
  private stopped = false;
  private readonly probeTimer: ReturnType<typeof setInterval>;

  constructor(private readonly token: string, private readonly baseUrl = '') {
    const cached = readCachedOverview();
    if (cached) {
      for (const s of cached.shelters) this.shelters.set(s.shelterId, s);
      this.receivedAt = cached.receivedAt;
    }
    this.snapshot = this.makeSnapshot();
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.probeTimer = setInterval(() => void this.probe(), PROBE_MS);
    this.open();
  }

  state(): OverviewState {
    return this.snapshot;
  }

  subscribe(fn: (s: OverviewState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearInterval(this.probeTimer);
    this.source?.close();
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    if (this.cacheTimer) {
      clearTimeout(this.cacheTimer);
      this.writeCache();
    }
    this.listeners.clear();
  }

  private readonly onOnline = () => {
    if (this.source?.readyState !== EventSource.OPEN) this.reopen(0);
  };

  private readonly onOffline = () => this.setConnection('offline');

  private async probe(): Promise<void> {
    if (this.connection !== 'live') return;
    try {
      // HEAD of the public status: answered from memory, no store write (unlike /healthz)
      const res = await fetch(`${this.baseUrl}/api/public/status.json`, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      if (res.status < 500) return;
    } catch {
      // no answer: fall through
    }
    if (this.stopped) return;
    this.setConnection('offline');
    this.reopen(0);
  }

  private open(): void {
    if (this.stopped) return;
    this.source?.close();
    const es = new EventSource(`${this.baseUrl}/api/hq/overview/events?token=${encodeURIComponent(this.token)}`);
    this.source = es;
    es.addEventListener('open', () => this.setConnection('live'));
    es.addEventListener('overview', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { shelters: ShelterSummary[] };
      this.shelters = new Map(data.shelters.map((s) => [s.shelterId, s]));
      this.received();
    });
    es.addEventListener('shelter', (e) => {
      const s = JSON.parse((e as MessageEvent<string>).data) as ShelterSummary;
      this.shelters.set(s.shelterId, s);
      this.received();
    });
    es.addEventListener('sos', () => {
      this.sosVersion++;
      this.emit();
    });
    es.addEventListener('patch', (e) => {
      const patch = JSON.parse((e as MessageEvent<string>).data) as Partial<ShelterSummary> & { shelterId: string };
      const current = this.shelters.get(patch.shelterId);
      if (!current) return this.reopen(0); // a patch to a shelter we never had: start over with the whole overview
      const next = { ...current } as Record<string, unknown>;
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      this.shelters.set(patch.shelterId, next as unknown as ShelterSummary);
      this.received();
    });
    es.addEventListener('error', () => {
      if (es !== this.source) return;
      if (es.readyState === EventSource.CLOSED) void this.afterClosed();
      else this.setConnection('offline'); // the browser is retrying on its own
    });
  }

  /** The browser closed the stream for good (an HTTP error): refused token, or a proxy error. */
  private async afterClosed(): Promise<void> {
    try {
      const res = await fetch(`${this.baseUrl}/api/hq/overview`, { headers: { Authorization: `Bearer ${this.token}` } });
      if (res.status === 401 || res.status === 403) {
        this.setConnection('refused');
        return;
      }
    } catch {
      // offline: keep trying below
    }
    this.setConnection('offline');
    this.reopen(REOPEN_MS);
  }

  private reopen(delay: number): void {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.open();
    }, delay);
  }

  private received(): void {
    this.receivedAt = new Date().toISOString();
    this.connection = 'live';
    this.emit();
    if (!this.cacheTimer) this.cacheTimer = setTimeout(() => this.writeCache(), CACHE_WRITE_MS);
  }

  private writeCache(): void {
    this.cacheTimer = null;
    if (!this.receivedAt) return;
    const cached: CachedOverview = { receivedAt: this.receivedAt, shelters: [...this.shelters.values()] };
    let failed = false;
    try {
      localStorage.setItem(CACHE_KEY, JSON.stringify(cached));
    } catch {
      // storage full: the live view goes on, only the offline copy is older — and the screen says so
      failed = true;
    }
    if (failed !== this.offlineCopyFailed) {
      this.offlineCopyFailed = failed;
      this.emit();
    }
  }

  private setConnection(c: FeedConnection): void {
    if (this.connection === c) return;
    this.connection = c;
    this.emit();
  }

  private makeSnapshot(): OverviewState {
    return { shelters: new Map(this.shelters), receivedAt: this.receivedAt, connection: this.connection, offlineCopyFailed: this.offlineCopyFailed, sosVersion: this.sosVersion };
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot();
    for (const fn of this.listeners) fn(this.snapshot);
  }
}
