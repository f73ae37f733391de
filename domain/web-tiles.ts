// Web-map tile coordinates (Web Mercator, z/x/y): which tiles cover a box or a circle. The
// server generating the demo basemap and a tablet saving the area around its shelter both ask.
export interface TileId {
  z: number;
  x: number;
  y: number;
}

export const lonToTileX = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
export const latToTileY = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
};

/** Every tile of zooms minZoom..maxZoom overlapping [west, south, east, north]. */
export function tilesInBounds(bounds: readonly [number, number, number, number], minZoom: number, maxZoom: number): TileId[] {
  const [w, s, e, n] = bounds;
  const tiles: TileId[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const last = 2 ** z - 1;
    const x0 = Math.max(0, Math.floor(lonToTileX(w, z)));
    const x1 = Math.min(last, Math.floor(lonToTileX(e, z)));
    const y0 = Math.max(0, Math.floor(latToTileY(n, z)));
    const y1 = Math.min(last, Math.floor(latToTileY(s, z)));
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push({ z, x, y });
  }
  return tiles;
}

/** Every tile overlapping the bounding box of a circle of radiusKm around center. */
export function tilesAround(center: { lat: number; lon: number }, radiusKm: number, minZoom: number, maxZoom: number): TileId[] {
  const dLat = radiusKm / 111.32;
  const dLon = radiusKm / (111.32 * Math.cos((center.lat * Math.PI) / 180));
  return tilesInBounds([center.lon - dLon, center.lat - dLat, center.lon + dLon, center.lat + dLat], minZoom, maxZoom);
}
