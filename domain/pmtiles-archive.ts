// Writes a PMTiles v3 archive (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// one file holding every tile of a map, read by HTTP range requests or from a Blob. The server
// writes the demo region's basemap with it, and a tablet writes the part of the city's basemap
// around its shelter that it keeps offline. Reading is the `pmtiles` library's job; the tests
// read what this writes with it.
//
// Kept simple on purpose: directories are not compressed (internal compression "none", which
// every reader supports), tiles are stored as given (already compressed as `tileCompression`
// says), identical tiles are stored once, and a root directory that would not fit in the first
// 16 KiB is split into leaf directories.

export const TILE_TYPE = { unknown: 0, mvt: 1, png: 2, jpeg: 3, webp: 4, avif: 5 } as const;
export const COMPRESSION = { unknown: 0, none: 1, gzip: 2, brotli: 3, zstd: 4 } as const;

const HEADER_BYTES = 127;
/** Header and root directory must fit in the first 16 KiB (one request opens an archive). */
const ROOT_MAX_BYTES = 16_384 - HEADER_BYTES;

export interface ArchiveTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

export interface ArchiveOptions {
  tileType: number;
  tileCompression: number;
  /** Bounds as [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  center?: { lon: number; lat: number; zoom: number };
  /** JSON metadata (attribution, layers…); stored as plain JSON. */
  metadata: Record<string, unknown>;
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

/** The Hilbert-curve tile id of z/x/y: tiles of all lower zooms first, then along the curve. */
export function zxyToTileId(z: number, x: number, y: number): number {
  if (!Number.isInteger(z) || z < 0 || z > 26) throw new Error(`zoom ${z} out of range`);
  const n = 2 ** z;
  if (x < 0 || y < 0 || x >= n || y >= n) throw new Error(`tile ${z}/${x}/${y} outside the zoom level`);
  let acc = 0;
  for (let t = 0; t < z; t++) acc += 4 ** t;
  let d = 0;
  let tx = x;
  let ty = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (tx & s) > 0 ? 1 : 0;
    const ry = (ty & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so the curve continues (flipping all bits: only lower ones matter next).
    if (ry === 0) {
      if (rx === 1) {
        tx = n - 1 - tx;
        ty = n - 1 - ty;
      }
      [tx, ty] = [ty, tx];
    }
  }
  return acc + d;
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`varint ${v} out of range`);
    this.room(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function serializeDirectory(entries: readonly Entry[]): Uint8Array {
  const w = new ByteWriter();
  w.varint(entries.length);
  let last = 0;
  for (const e of entries) {
    w.varint(e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) w.varint(e.runLength);
  for (const e of entries) w.varint(e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    w.varint(prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return w.bytes();
}

/** Root and leaf directories: leaves only when the root alone would not fit its 16 KiB. */
function directories(entries: Entry[]): { root: Uint8Array; leaves: Uint8Array } {
  const root = serializeDirectory(entries);
  if (root.byteLength <= ROOT_MAX_BYTES) return { root, leaves: new Uint8Array(0) };
  for (let perLeaf = 4096; ; perLeaf *= 2) {
    const rootEntries: Entry[] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += perLeaf) {
      const leaf = serializeDirectory(entries.slice(i, i + perLeaf));
      rootEntries.push({ tileId: entries[i].tileId, offset, length: leaf.byteLength, runLength: 0 });
      parts.push(leaf);
      offset += leaf.byteLength;
    }
    const r = serializeDirectory(rootEntries);
    if (r.byteLength <= ROOT_MAX_BYTES) return { root: r, leaves: concat(parts) };
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A key for identical tile contents (deduplication): length and a cheap FNV-1a hash, then bytes. */
function contentKey(data: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return `${data.length}:${h >>> 0}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The archive's bytes: header, root directory, metadata, leaf directories, tile data. */
export function writeArchive(tiles: readonly ArchiveTile[], opts: ArchiveOptions): Uint8Array {
  if (tiles.length === 0) throw new Error('an archive needs at least one tile');
  const sorted = tiles.map((t) => ({ ...t, tileId: zxyToTileId(t.z, t.x, t.y) })).sort((a, b) => a.tileId - b.tileId);
  const entries: Entry[] = [];
  const data: Uint8Array[] = [];
  const seen = new Map<string, { offset: number; data: Uint8Array }[]>();
  let dataLength = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    if (i > 0 && sorted[i - 1].tileId === t.tileId) throw new Error(`tile ${t.z}/${t.x}/${t.y} given twice`);
    const key = contentKey(t.data);
    const same = seen.get(key)?.find((s) => sameBytes(s.data, t.data));
    let offset: number;
    if (same) {
      offset = same.offset;
    } else {
      offset = dataLength;
      data.push(t.data);
      dataLength += t.data.byteLength;
      seen.set(key, [...(seen.get(key) ?? []), { offset, data: t.data }]);
    }
    const last = entries[entries.length - 1];
    // A run: the next tile id with the same content extends the previous entry.
    if (last && last.offset === offset && last.tileId + last.runLength === t.tileId) last.runLength++;
    else entries.push({ tileId: t.tileId, offset, length: t.data.byteLength, runLength: 1 });
  }
  const { root, leaves } = directories(entries);
  const metadata = new TextEncoder().encode(JSON.stringify(opts.metadata));
  const zooms = sorted.map((t) => t.z);
  const minZoom = Math.min(...zooms);
  const maxZoom = Math.max(...zooms);
  const [w, s, e, n] = opts.bounds;
  const center = opts.center ?? { lon: (w + e) / 2, lat: (s + n) / 2, zoom: minZoom };

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.byteLength;
  const leavesOffset = metadataOffset + metadata.byteLength;
  const dataOffset = leavesOffset + leaves.byteLength;
  const header = new Uint8Array(HEADER_BYTES);
  const v = new DataView(header.buffer);
  header.set(new TextEncoder().encode('PMTiles'), 0);
  header[7] = 3;
  const u64 = (at: number, n: number) => v.setBigUint64(at, BigInt(n), true);
  u64(8, rootOffset);
  u64(16, root.byteLength);
  u64(24, metadataOffset);
  u64(32, metadata.byteLength);
  u64(40, leavesOffset);
  u64(48, leaves.byteLength);
  u64(56, dataOffset);
  u64(64, dataLength);
  u64(72, sorted.length);
  u64(80, entries.length);
  u64(88, data.length);
  header[96] = 1; // clustered: tile data is in tile id order
  header[97] = COMPRESSION.none;
  header[98] = opts.tileCompression;
  header[99] = opts.tileType;
  header[100] = minZoom;
  header[101] = maxZoom;
  const e7 = (deg: number) => Math.round(deg * 1e7);
  v.setInt32(102, e7(w), true);
  v.setInt32(106, e7(s), true);
  v.setInt32(110, e7(e), true);
  v.setInt32(114, e7(n), true);
  header[118] = center.zoom;
  v.setInt32(119, e7(center.lon), true);
  v.setInt32(123, e7(center.lat), true);
  return concat([header, root, metadata, leaves, ...data]);
}
