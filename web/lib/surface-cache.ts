// Keeps the staff tablet's or HQ's own files on the device (scripts/surface-assets.ts lists
// them at build time; the service worker serves them from this cache, cache first). Residents
// never run this, so their phones never download the staff code. Old versions' files are pruned.
export const SURFACE_CACHE = 'hinanjo-surface';

type Lists = Record<'resident' | 'shelter' | 'hq', string[]>;

/** Fills the cache for a surface; true once every file is kept (false offline or on failure). */
export async function keepSurfaceOffline(surface: 'shelter' | 'hq'): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  try {
    const res = await fetch('/surface-assets.json', { cache: 'no-store' });
    if (!res.ok) return false;
    const lists = (await res.json()) as Lists;
    const cache = await caches.open(SURFACE_CACHE);
    // One listing of what is kept: a start with everything cached costs no further requests.
    const kept = new Map((await cache.keys()).map((req) => [new URL(req.url).pathname, req]));
    const missing = lists[surface].filter((url) => !kept.has(url));
    if (missing.length > 0) await cache.addAll(missing);
    const wanted = new Set([...lists.shelter, ...lists.hq]);
    for (const [path, req] of kept) if (!wanted.has(path)) await cache.delete(req);
    return true;
  } catch {
    return false;
  }
}
