// Distances for "what is near this shelter": good to a few metres at city scale, which is all a
// list of nearby road closures needs.
const EARTH_KM = 6371;
const rad = (d: number) => (d * Math.PI) / 180;

export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.sqrt(h));
}

/** Shortest distance from a point to any segment of a GeoJSON line or polygon geometry, in km. */
export function distanceToGeometryKm(p: { lat: number; lon: number }, geometry: { type: string; coordinates: unknown }): number {
  const lines = linesOf(geometry);
  let best = Number.POSITIVE_INFINITY;
  // A local flat projection around p (x east, y north, km).
  const kx = (Math.PI / 180) * EARTH_KM * Math.cos(rad(p.lat));
  const ky = (Math.PI / 180) * EARTH_KM;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const a = { x: (line[i][0] - p.lon) * kx, y: (line[i][1] - p.lat) * ky };
      const b = i + 1 < line.length ? { x: (line[i + 1][0] - p.lon) * kx, y: (line[i + 1][1] - p.lat) * ky } : a;
      best = Math.min(best, pointSegment(a, b));
    }
  }
  return best;
}

function pointSegment(a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(a.x * dx + a.y * dy) / len2));
  return Math.hypot(a.x + t * dx, a.y + t * dy);
}

function linesOf(g: { type: string; coordinates: unknown }): number[][][] {
  const c = g.coordinates as never;
  switch (g.type) {
    case 'LineString':
      return [c];
    case 'MultiLineString':
    case 'Polygon':
      return c;
    case 'MultiPolygon':
      return (c as number[][][][]).flat();
    default:
      return [];
  }
}
