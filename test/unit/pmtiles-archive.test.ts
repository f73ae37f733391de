// The PMTiles writer, checked by the reference reader (the `pmtiles` library): tile ids, header,
// every tile back byte for byte, deduplicated contents, leaf directories for large archives;
// and the demo region's basemap, which is what the demo and the browser tests show.
import { PMTiles, zxyToTileId as referenceTileId, type RangeResponse, type Source } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { COMPRESSION, TILE_TYPE, writeArchive, zxyToTileId, type ArchiveTile } from '../../domain/pmtiles-archive';
import { prng } from '../../domain/prng';
import { buildDemoBasemap } from '../../sync-server/features/basemap/demo-basemap';
import { latToTileY, lonToTileX } from '../../domain/web-tiles';

class BytesSource implements Source {
  reads = 0;
  constructor(private readonly bytes: Uint8Array) {}
  getKey(): string {
    return 'bytes';
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.reads++;
    return { data: this.bytes.slice(offset, offset + length).buffer };
  }
}

const png = (n: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, n & 255, (n >> 8) & 255]);

describe('PMTiles writer', () => {
  it('numbers tiles along the Hilbert curve as the reference does', () => {
    const rand = prng(7);
    for (let i = 0; i < 2_000; i++) {
      const z = Math.floor(rand() * 20);
      const x = Math.floor(rand() * 2 ** z);
      const y = Math.floor(rand() * 2 ** z);
      expect(zxyToTileId(z, x, y)).toBe(referenceTileId(z, x, y));
    }
    expect(() => zxyToTileId(3, 8, 0)).toThrow(/outside/);
  });

  it('writes an archive the reference reader opens: header, every tile, and nothing else', async () => {
    const tiles: ArchiveTile[] = [];
    for (let z = 10; z <= 12; z++) for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) tiles.push({ z, x: 900 * 2 ** (z - 10) + x, y: 400 * 2 ** (z - 10) + y, data: png(z * 100 + x * 10 + y) });
    // two identical tiles are stored once
    tiles.push({ z: 13, x: 7200, y: 3200, data: png(1) }, { z: 13, x: 7201, y: 3200, data: png(1) });
    const bytes = writeArchive(tiles, { tileType: TILE_TYPE.png, tileCompression: COMPRESSION.none, bounds: [130.5, 32.4, 130.8, 32.6], metadata: { attribution: 'test' } });
    const p = new PMTiles(new BytesSource(bytes));
    const h = await p.getHeader();
    expect(h).toMatchObject({ specVersion: 3, minZoom: 10, maxZoom: 13, tileType: TILE_TYPE.png, numAddressedTiles: tiles.length, numTileContents: tiles.length - 1 });
    expect(h.minLon).toBeCloseTo(130.5, 6);
    expect(h.maxLat).toBeCloseTo(32.6, 6);
    expect(await p.getMetadata()).toEqual({ attribution: 'test' });
    for (const t of tiles) expect(new Uint8Array((await p.getZxy(t.z, t.x, t.y))!.data)).toEqual(t.data);
    expect(await p.getZxy(10, 5, 5)).toBeUndefined();
    expect(await p.getZxy(9, 450, 200)).toBeUndefined();
  });

  it('splits a large directory into leaves and still finds every tile', async () => {
    const tiles: ArchiveTile[] = [];
    for (let z = 0; z <= 7; z++) for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) tiles.push({ z, x, y, data: png(tiles.length) });
    const bytes = writeArchive(tiles, { tileType: TILE_TYPE.png, tileCompression: COMPRESSION.none, bounds: [-180, -85, 180, 85], metadata: {} });
    const p = new PMTiles(new BytesSource(bytes));
    const h = await p.getHeader();
    expect(h.leafDirectoryLength).toBeGreaterThan(0);
    expect(h.rootDirectoryLength).toBeLessThanOrEqual(16_384 - 127);
    const rand = prng(3);
    for (let i = 0; i < 300; i++) {
      const t = tiles[Math.floor(rand() * tiles.length)];
      expect(new Uint8Array((await p.getZxy(t.z, t.x, t.y))!.data)).toEqual(t.data);
    }
  });

  it('refuses an empty archive and a tile given twice', () => {
    const opts = { tileType: TILE_TYPE.png, tileCompression: COMPRESSION.none, bounds: [0, 0, 1, 1] as [number, number, number, number], metadata: {} };
    expect(() => writeArchive([], opts)).toThrow(/at least one tile/);
    expect(() => writeArchive([{ z: 1, x: 0, y: 0, data: png(1) }, { z: 1, x: 0, y: 0, data: png(2) }], opts)).toThrow(/twice/);
  });
});

describe('the demo basemap', () => {
  it('is a small vector archive over the demo region, with land, roads and district names', async () => {
    const bytes = buildDemoBasemap();
    expect(bytes.byteLength).toBeLessThan(500 * 1024);
    const p = new PMTiles(new BytesSource(bytes));
    const h = await p.getHeader();
    expect(h).toMatchObject({ tileType: TILE_TYPE.mvt, tileCompression: COMPRESSION.gzip, minZoom: 10, maxZoom: 15 });
    expect(((await p.getMetadata()) as { attribution: string }).attribution).toContain('架空');
    // 本町地区 (32.507, 130.603) at zoom 13
    const z = 13;
    const x = Math.floor(lonToTileX(130.603, z));
    const y = Math.floor(latToTileY(32.507, z));
    const tile = await p.getZxy(z, x, y);
    expect(tile).toBeDefined();
    // getZxy has already undone the tile's gzip; the layer names and a name are in the protobuf
    const text = Buffer.from(new Uint8Array(tile!.data)).toString('utf8');
    for (const layer of ['earth', 'roads', 'places']) expect(text).toContain(layer);
    expect(text).toContain('本町地区');
  });
});
