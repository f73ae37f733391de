// A public JSON layer that the page keeps fresh while it is open: asks with If-None-Match (a 304
// costs the server almost nothing), keeps the last good copy and its times in localStorage so
// an offline start still shows what was last seen, and never hides how old that copy is.

export interface Cached<T> {
  data: T;
  etag: string | null;
  /** When this copy was received (a 200). */
  receivedAt: string;
  /** When the server last confirmed this copy is current (a 200 or a 304). */
  checkedAt: string;
}

export interface FeedState<T> {
  cached: Cached<T> | null;
  /** Outcome of the last attempt: 'ok' after a 200/304, 'offline' when the request failed. */
  reach: 'unknown' | 'ok' | 'offline' | 'error';
  lastAttemptAt: string | null;
}

export interface FeedOptions<T> {
  url: string;
  storageKey: string;
  /** Rejects a body that is not the expected shape (returns null) so bad data never replaces good. */
  parse: (json: unknown) => T | null;
  intervalMs: number;
  /**
   * The page preloads this URL (<link rel="preload" as="fetch">): the first check asks as the
   * preload did (no conditional header, the ordinary cache mode) so the browser hands it the
   * preloaded response instead of downloading it again.
   */
  preloaded?: boolean;
  now?: () => Date;
  storage?: Storage;
}

export interface Feed<T> {
  state(): FeedState<T>;
  subscribe(fn: (s: FeedState<T>, previous: FeedState<T>) => void): () => void;
  checkNow(): Promise<void>;
  /**
   * Checks once at a random moment within `withinMs` (or sooner if one is already planned): when
   * thousands of open pages hear of one change at once, their requests spread over that window.
   * Skipped if by then the kept copy already has `etag` (a check made meanwhile brought it).
   */
  checkSoon(withinMs: number, etag?: string): void;
  /** Changes the kept copy in place (news that rode on an event); its ETag stays, so the next check still fetches. */
  patch(fn: (data: T) => T): void;
  start(): void;
  stop(): void;
}

const REQUEST_TIMEOUT_MS = 30_000;
const MIN_TIMEOUT_MS = 5_000;

export function createFeed<T>(o: FeedOptions<T>): Feed<T> {
  const now = o.now ?? (() => new Date());
  const storage = o.storage ?? localStorage;
  let state: FeedState<T> = { cached: readCache<T>(storage, o.storageKey, o.parse), reach: 'unknown', lastAttemptAt: null };
  const listeners = new Set<(s: FeedState<T>, p: FeedState<T>) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let running = false;
  let preloadTaken = false;

  function set(next: FeedState<T>) {
    const previous = state;
    state = next;
    for (const fn of listeners) fn(state, previous);
  }

  async function attempt(): Promise<void> {
    const at = now().toISOString();
    const headers: Record<string, string> = {};
    const fromPreload = o.preloaded === true && !preloadTaken;
    preloadTaken = true;
    if (state.cached?.etag && !fromPreload) headers['If-None-Match'] = state.cached.etag;
    // A congested network can leave a request hanging for minutes; give up in time for the
    // next check instead of silently stopping the polling.
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), Math.max(MIN_TIMEOUT_MS, Math.min(o.intervalMs, REQUEST_TIMEOUT_MS)));
    let res: Response;
    try {
      // no-store: we do the conditional request ourselves, so the browser cache must not answer
      // in our place with a stale copy or turn the 304 into a 200.
      // (The preloaded response came from the server for this page load: status.json is
      // max-age=0, so no older copy from the browser's cache can stand in for it.)
      res = await fetch(o.url, { headers, cache: fromPreload ? 'default' : 'no-store', signal: abort.signal });
    } catch {
      clearTimeout(timeout);
      set({ ...state, reach: 'offline', lastAttemptAt: at });
      return;
    }
    try {
      if (res.status === 304 && state.cached) {
        const cached = { ...state.cached, checkedAt: at };
        writeCache(storage, o.storageKey, cached);
        set({ cached, reach: 'ok', lastAttemptAt: at });
        return;
      }
      if (!res.ok) {
        set({ ...state, reach: 'error', lastAttemptAt: at });
        return;
      }
      const data = o.parse(await res.json().catch(() => null));
      if (data === null) {
        set({ ...state, reach: 'error', lastAttemptAt: at });
        return;
      }
      const cached: Cached<T> = { data, etag: res.headers.get('ETag'), receivedAt: at, checkedAt: at };
      writeCache(storage, o.storageKey, cached);
      set({ cached, reach: 'ok', lastAttemptAt: at });
    } catch {
      set({ ...state, reach: 'offline', lastAttemptAt: at }); // the body was cut off
    } finally {
      clearTimeout(timeout);
    }
  }

  function schedule() {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void checkNow().finally(schedule), o.intervalMs);
  }

  function checkNow(): Promise<void> {
    if (soon) clearTimeout(soon.timer);
    soon = null;
    inFlight ??= attempt().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  let soon: { timer: ReturnType<typeof setTimeout>; at: number } | null = null;
  function checkSoon(withinMs: number, etag?: string) {
    const at = Date.now() + Math.random() * withinMs;
    if (soon && soon.at <= at) return;
    if (soon) clearTimeout(soon.timer);
    const timer = setTimeout(() => {
      soon = null;
      if (etag === undefined || state.cached?.etag !== etag) void checkNow();
    }, at - Date.now());
    soon = { timer, at };
  }

  function patch(fn: (data: T) => T) {
    if (!state.cached) return;
    const cached = { ...state.cached, data: fn(state.cached.data) };
    writeCache(storage, o.storageKey, cached);
    set({ ...state, cached });
  }

  return {
    state: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    checkNow,
    checkSoon,
    patch,
    start() {
      if (running) return;
      running = true;
      void checkNow().finally(schedule);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

function readCache<T>(storage: Storage, key: string, parse: (json: unknown) => T | null): Cached<T> | null {
  try {
    const raw = JSON.parse(storage.getItem(key) ?? 'null') as Partial<Cached<unknown>> | null;
    if (!raw || typeof raw.receivedAt !== 'string' || typeof raw.checkedAt !== 'string') return null;
    const data = parse(raw.data);
    if (data === null) return null;
    return { data, etag: typeof raw.etag === 'string' ? raw.etag : null, receivedAt: raw.receivedAt, checkedAt: raw.checkedAt };
  } catch {
    return null;
  }
}

function writeCache<T>(storage: Storage, key: string, cached: Cached<T>): void {
  try {
    storage.setItem(key, JSON.stringify(cached));
  } catch {
    /* storage full or unavailable: the page still shows the copy it holds in memory */
  }
}
