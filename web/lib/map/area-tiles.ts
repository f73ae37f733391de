// Which web-map tiles cover a circle around a point, zoom by zoom: what a tablet keeps when staff
// save the map around their shelter.
export interface TileId {
  z: number;
  x: number;
  y: number;
}

const lonToX = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
const latToY = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
};

/** Every tile of zooms minZoom..maxZoom that overlaps the circle's bounding box. */
export function tilesAround(center: { lat: number; lon: number }, radiusKm: number, minZoom: number, maxZoom: number): TileId[] {
  const dLat = radiusKm / 111.32;
  const dLon = radiusKm / (111.32 * Math.cos((center.lat * Math.PI) / 180));
  const tiles: TileId[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const n = 2 ** z;
    const x0 = Math.max(0, Math.floor(lonToX(center.lon - dLon, z)));
    const x1 = Math.min(n - 1, Math.floor(lonToX(center.lon + dLon, z)));
    const y0 = Math.max(0, Math.floor(latToY(center.lat + dLat, z)));
    const y1 = Math.min(n - 1, Math.floor(latToY(center.lat - dLat, z)));
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push({ z, x, y });
  }
  return tiles;
}
