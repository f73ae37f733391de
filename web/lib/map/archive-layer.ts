// Which basemap archive a map draws, and the Leaflet layer that draws it. In order: the archive
// the server serves (the city's, or the demo's), the one the shelter box serves, the area this
// tablet saved for offline use; none of them, and the map falls back to online tiles (basemap.ts).
// Vector archives are drawn on canvas by protomaps-leaflet (no WebGL: old tablets and phones),
// raster ones by the pmtiles library's Leaflet layer. Both load only when a map needs them.
import type L from 'leaflet';
import { FetchSource, PMTiles, leafletRasterLayer, type RangeResponse, type Source } from 'pmtiles';
import type { BasemapInfo } from '../../../domain/basemap-info';
import { loadSavedArea } from './offline-basemap';

export type ArchiveKind = 'server' | 'box' | 'device';

export interface ChosenArchive {
  kind: ArchiveKind;
  archive: PMTiles;
  tileType: number;
  maxZoom: number;
  attribution: string;
}

export interface ArchiveOptions {
  /** The origin serving the page (its /api/public/basemap.json); default this page's. */
  serverBase?: string;
  /** The shelter box's http(s) origin, when the tablet knows one. */
  boxBase?: string;
  /** Use the area this device saved (the tablet). */
  device?: boolean;
  /** Called with the number of reads from the device's archive (tests count them). */
  onDeviceRead?: (reads: number) => void;
}

/** Reads a PMTiles archive kept in a Blob (IndexedDB): no network at all. */
export class BlobSource implements Source {
  reads = 0;
  constructor(
    private readonly blob: Blob,
    private readonly key: string,
    private readonly onRead?: (reads: number) => void,
  ) {}
  getKey(): string {
    return this.key;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.reads++;
    this.onRead?.(this.reads);
    return { data: await this.blob.slice(offset, offset + length).arrayBuffer() };
  }
}

/** A server's (or box's) basemap description; null when it cannot be reached. */
export async function fetchBasemapInfo(base: string): Promise<BasemapInfo | null> {
  try {
    const r = await fetch(new URL('/api/public/basemap.json', base), { signal: AbortSignal.timeout(3_000), cache: 'no-store' });
    if (!r.ok) return null;
    return (await r.json()) as BasemapInfo;
  } catch {
    return null;
  }
}

export async function chooseArchive(opts: ArchiveOptions = {}): Promise<ChosenArchive | null> {
  const bases: [ArchiveKind, string | undefined][] = [
    ['server', opts.serverBase ?? location.origin],
    ['box', opts.boxBase],
  ];
  for (const [kind, base] of bases) {
    if (!base) continue;
    const info = await fetchBasemapInfo(base);
    if (info?.available) {
      return {
        kind,
        archive: new PMTiles(new FetchSource(new URL(info.url, base).href)),
        tileType: info.tileType,
        maxZoom: info.maxZoom,
        attribution: info.attribution,
      };
    }
  }
  if (opts.device) {
    const saved = await loadSavedArea();
    if (saved) {
      return {
        kind: 'device',
        archive: new PMTiles(new BlobSource(saved.archive, `device:${saved.savedAt}`, opts.onDeviceRead)),
        tileType: saved.tileType,
        maxZoom: saved.maxZoom,
        attribution: saved.attribution,
      };
    }
  }
  return null;
}

/** The Leaflet layer drawing an archive; tiles past its last zoom are drawn larger. */
export async function archiveLayer(chosen: ChosenArchive, lang: string): Promise<L.Layer> {
  const attribution = chosen.attribution || '© OpenStreetMap contributors';
  if (chosen.tileType === 1) {
    const { leafletLayer } = await import('protomaps-leaflet');
    return leafletLayer({ url: chosen.archive, flavor: 'light', lang, maxDataZoom: chosen.maxZoom, attribution }) as unknown as L.Layer;
  }
  return leafletRasterLayer(chosen.archive, { attribution, maxNativeZoom: chosen.maxZoom, maxZoom: 19 }) as L.Layer;
}
