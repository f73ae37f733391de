// The part of the city's basemap a tablet keeps for offline use: the tiles within a radius of its
// shelter, at the zooms staff chose, fetched from the server's (or box's) archive and written as
// one PMTiles archive (domain/pmtiles-archive.ts) into IndexedDB, where it survives offline
// reloads. Its own small database: it holds no personal data, and deleting it touches nothing else.
import Dexie, { type Table } from 'dexie';
import { FetchSource, PMTiles, findTile, zxyToTileId } from 'pmtiles';
import { COMPRESSION, writeArchive, type ArchiveTile } from '../../../domain/pmtiles-archive';
import type { BasemapInfo } from '../../../domain/basemap-info';
import { type Result, err, ok } from '../../../domain/result';
import { tilesAround } from '../../../domain/web-tiles';

export interface SavedArea {
  id: 'area';
  archive: Blob;
  savedAt: string;
  center: { lat: number; lon: number };
  radiusKm: number;
  minZoom: number;
  maxZoom: number;
  tiles: number;
  bytes: number;
  attribution: string;
  tileType: number;
}

class MapStore extends Dexie {
  areas!: Table<SavedArea, string>;
  constructor() {
    super('hinanjo-maps');
    this.version(1).stores({ areas: 'id' });
  }
}

let db: MapStore | null = null;
const maps = () => (db ??= new MapStore());

export async function loadSavedArea(): Promise<SavedArea | null> {
  try {
    return (await maps().areas.get('area')) ?? null;
  } catch {
    return null;
  }
}

export async function deleteSavedArea(): Promise<void> {
  await maps().areas.delete('area');
}

export interface AreaChoice {
  center: { lat: number; lon: number };
  radiusKm: number;
  maxZoom: number;
}

type Available = Extract<BasemapInfo, { available: true }>;

/** How many tiles and about how many bytes an area takes, before it is fetched. */
export function estimateArea(info: Available, choice: AreaChoice): { tiles: number; bytes: number } {
  const tiles = tilesAround(choice.center, choice.radiusKm, info.minZoom, Math.min(choice.maxZoom, info.maxZoom)).length;
  return { tiles, bytes: tiles * info.averageTileBytes };
}

/** What a saved archive adds around its tiles: header, directory (a few bytes a tile), metadata. */
const ARCHIVE_OVERHEAD = { fixed: 127 + 512, perTile: 6 };

/**
 * The exact size of the area's tiles, read from the archive's own directory (each entry holds its
 * tile's length): the average of the whole archive under-counts a town centre, where tiles are
 * dense. Reads directories only, no tile data; null when the server cannot be read.
 */
export async function measureArea(baseUrl: string, info: Available, choice: AreaChoice): Promise<{ tiles: number; bytes: number } | null> {
  const wanted = tilesAround(choice.center, choice.radiusKm, info.minZoom, Math.min(choice.maxZoom, info.maxZoom));
  try {
    const archive = new PMTiles(new FetchSource(new URL(info.url, baseUrl).href));
    const header = await archive.getHeader();
    let tiles = 0;
    let bytes = 0;
    for (const t of wanted) {
      const id = zxyToTileId(t.z, t.x, t.y);
      let offset = header.rootDirectoryOffset;
      let length = header.rootDirectoryLength;
      // A tile is in the root directory or, in big archives, in a leaf it points to (at most 3 deep).
      for (let depth = 0; depth < 4; depth++) {
        const entry = findTile(await archive.cache.getDirectory(archive.source, offset, length, header), id);
        if (!entry) break;
        if (entry.runLength > 0) {
          tiles += 1;
          bytes += entry.length;
          break;
        }
        offset = header.leafDirectoryOffset + entry.offset;
        length = entry.length;
      }
    }
    return { tiles, bytes: bytes + ARCHIVE_OVERHEAD.fixed + ARCHIVE_OVERHEAD.perTile * tiles };
  } catch {
    return null;
  }
}

export type SaveError = 'quota' | 'network' | 'empty' | 'storage';

/** Room left for this site, when the browser says (navigator.storage.estimate). */
export async function freeBytes(): Promise<number | null> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e?.quota !== undefined && e.usage !== undefined ? e.quota - e.usage : null;
  } catch {
    return null;
  }
}

async function gzip(data: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const isQuota = (e: unknown) => e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'DataError') || (e as { name?: string })?.name === 'QuotaExceededError';

/**
 * Fetches the area's tiles from `baseUrl`'s archive and keeps them. Tiles come back from the
 * reader uncompressed and are stored gzipped again (vector tiles shrink about threefold).
 */
export async function saveArea(
  baseUrl: string,
  info: Available,
  choice: AreaChoice,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<Result<SavedArea, SaveError>> {
  const wanted = tilesAround(choice.center, choice.radiusKm, info.minZoom, Math.min(choice.maxZoom, info.maxZoom));
  const free = await freeBytes();
  if (free !== null && free < wanted.length * info.averageTileBytes * 1.5) return err('quota');
  const archive = new PMTiles(new FetchSource(new URL(info.url, baseUrl).href));
  const tiles: ArchiveTile[] = [];
  const vector = info.tileType === 1;
  let done = 0;
  try {
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const t = wanted[next++];
        const r = await archive.getZxy(t.z, t.x, t.y);
        if (r) tiles.push({ ...t, data: vector ? await gzip(r.data) : new Uint8Array(r.data) });
        onProgress(++done, wanted.length);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
  } catch {
    return err('network');
  }
  if (tiles.length === 0) return err('empty');
  const bytes = writeArchive(tiles, {
    tileType: info.tileType,
    tileCompression: vector ? COMPRESSION.gzip : COMPRESSION.none,
    bounds: info.bounds,
    center: { ...choice.center, zoom: Math.min(14, info.maxZoom) },
    metadata: { attribution: info.attribution, name: info.name },
  });
  const area: SavedArea = {
    id: 'area',
    archive: new Blob([new Uint8Array(bytes)], { type: 'application/vnd.pmtiles' }),
    savedAt: new Date().toISOString(),
    center: choice.center,
    radiusKm: choice.radiusKm,
    minZoom: info.minZoom,
    maxZoom: Math.min(choice.maxZoom, info.maxZoom),
    tiles: tiles.length,
    bytes: bytes.byteLength,
    attribution: info.attribution,
    tileType: info.tileType,
  };
  try {
    await maps().areas.put(area);
  } catch (e) {
    return err(isQuota(e) || isQuota((e as { inner?: unknown })?.inner) ? 'quota' : 'storage');
  }
  return ok(area);
}
