// The household's own plan: where home is, whether someone needs help, where they go. Kept in
// localStorage on this phone only — the home point is never sent anywhere, except inside an SOS
// the resident sends with explicit consent (sos-view.tsx). The hazard at home is looked up here,
// in the page, in the hazard layers fetched once and kept in the Cache API (offline after one
// visit): the request for a layer is the same whatever the home, so it says nothing about it.
import { hazardAt, indexHazardLayer, type HazardAtPoint, type HazardLayer, type LayerIndex } from '../../domain/hazard-layers';
import type { EvacuationPlan } from '../../domain/evacuation-switch';

export interface HomePlan {
  home: { lat: number; lon: number } | null;
  needsHelp: boolean;
  plan: EvacuationPlan | null;
}

const KEY = 'hinanjo.resident.home.v1';
const CACHE = 'hinanjo-hazards-v1';

export function loadHome(storage: Storage = localStorage): HomePlan {
  try {
    const v = JSON.parse(storage.getItem(KEY) ?? '{}') as Partial<HomePlan>;
    const h = v.home;
    const home = h && typeof h.lat === 'number' && typeof h.lon === 'number' && Math.abs(h.lat) <= 90 && Math.abs(h.lon) <= 180 ? { lat: h.lat, lon: h.lon } : null;
    const plan = v.plan === 'shelter' || v.plan === 'relatives' || v.plan === 'upstairs' ? v.plan : null;
    return { home, needsHelp: v.needsHelp === true, plan };
  } catch {
    return { home: null, needsHelp: false, plan: null };
  }
}

export function saveHome(h: HomePlan, storage: Storage = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(h));
  } catch {
    /* private mode: the plan holds for this visit */
  }
}

export interface HazardData {
  indexes: LayerIndex[];
  /** When the layers were fetched from the server (null: none ever). */
  fetchedAt: string | null;
  /** True when the server could not be asked and saved layers are used. */
  saved: boolean;
}

interface ListedLayer {
  id: string;
  url: string;
  etag: string;
}

async function cached(cache: Cache | null, url: string): Promise<Response | undefined> {
  return cache ? cache.match(url) : undefined;
}

/**
 * The hazard layers: the list from the server (its ETag decides whether a saved layer is still
 * current), else the saved ones. Layers are big but change rarely: each is fetched only when
 * its ETag changed.
 */
export async function loadHazards(): Promise<HazardData> {
  const cache = 'caches' in self ? await caches.open(CACHE).catch(() => null) : null;
  let list: { layers: ListedLayer[] } | null = null;
  let saved = false;
  try {
    const res = await fetch('/api/public/hazards.json', { cache: 'no-cache' });
    if (!res.ok) throw new Error(String(res.status));
    const copy = res.clone();
    list = (await res.json()) as { layers: ListedLayer[] };
    await cache?.put('/api/public/hazards.json', copy).catch(() => undefined);
  } catch {
    const res = await cached(cache, '/api/public/hazards.json');
    if (res) list = (await res.json()) as { layers: ListedLayer[] };
    saved = true;
  }
  if (!list) return { indexes: [], fetchedAt: null, saved };
  const indexes: LayerIndex[] = [];
  for (const l of list.layers) {
    let res = await cached(cache, l.url);
    if (!res || res.headers.get('etag') !== l.etag) {
      try {
        const fresh = await fetch(l.url);
        if (fresh.ok) {
          await cache?.put(l.url, fresh.clone()).catch(() => undefined);
          res = fresh;
        }
      } catch {
        saved = true; // offline: the saved copy (if any) is used
      }
    }
    if (!res) continue;
    try {
      indexes.push(indexHazardLayer((await res.json()) as HazardLayer));
    } catch {
      /* a broken layer is left out, the others still answer */
    }
  }
  const fetchedAt = (await cached(cache, '/api/public/hazards.json'))?.headers.get('date') ?? null;
  return { indexes, fetchedAt: fetchedAt ? new Date(fetchedAt).toISOString() : null, saved };
}

export function hazardAtHome(data: HazardData, home: { lat: number; lon: number }): HazardAtPoint {
  return hazardAt(data.indexes, home.lat, home.lon);
}

/** Compass direction from a to b, 0 = north … 7 = north-west. */
export function compass(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const φ1 = (a.lat * Math.PI) / 180;
  const φ2 = (b.lat * Math.PI) / 180;
  const Δλ = ((b.lon - a.lon) * Math.PI) / 180;
  const y = Math.sin(Δλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  const deg = ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  return Math.round(deg / 45) % 8;
}
