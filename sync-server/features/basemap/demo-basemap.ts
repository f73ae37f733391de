// The demo region's basemap, made here (no download): a coast, the sea, a river, a road grid with
// a highway and main roads, a few parks and the district names, drawn as vector tiles in the
// Protomaps basemap layout (earth, water, roads, landuse, places) so the same renderer draws it
// as it draws a city's real OpenStreetMap extract. Like the rest of the demo region it is
// fictional, and its attribution says so.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import { COMPRESSION, TILE_TYPE, writeArchive, type ArchiveTile } from '../../../domain/pmtiles-archive';
import { DISTRICTS } from '../demo';
import { tilesInBounds } from '../../../domain/web-tiles';

export const DEMO_BASEMAP_FILE = 'demo-basemap.pmtiles';
const BOUNDS: [number, number, number, number] = [130.5, 32.42, 130.74, 32.58];
const MIN_ZOOM = 10;
const MAX_ZOOM = 15;

type Props = Record<string, string | number>;
const feature = (geometry: Geometry, properties: Props): Feature => ({ type: 'Feature', geometry, properties });

export const COAST: [number, number][] = [
  [130.572, 32.58], [130.566, 32.55], [130.57, 32.52], [130.562, 32.5], [130.566, 32.47], [130.558, 32.44], [130.555, 32.42],
];
export const RIVER: [number, number][] = [
  [130.74, 32.505], [130.7, 32.498], [130.67, 32.502], [130.64, 32.494], [130.61, 32.497], [130.585, 32.493], [130.564, 32.496],
];

function layers(): Record<string, FeatureCollection> {
  const [w, s, e, n] = BOUNDS;
  const land = [...COAST, [e, s] as [number, number], [e, n] as [number, number], COAST[0]];
  const sea = [[w, n] as [number, number], ...COAST, [w, s] as [number, number], [w, n] as [number, number]];
  // The river as a band about 180 m wide (mostly east–west, so an offset in latitude will do).
  const riverBand = [...RIVER.map(([x, y]) => [x, y + 0.0008] as [number, number]), ...[...RIVER].reverse().map(([x, y]) => [x, y - 0.0008] as [number, number])];
  riverBand.push(riverBand[0]);

  const roads: Feature[] = [];
  // Minor roads every ~500 m on land, a few main roads, and one highway north–south.
  for (let x = 130.575; x <= e; x += 0.005) roads.push(feature({ type: 'LineString', coordinates: [[x, s], [x, n]] }, { kind: 'minor_road' }));
  for (let y = s; y <= n; y += 0.005) roads.push(feature({ type: 'LineString', coordinates: [[130.57, y], [e, y]] }, { kind: 'minor_road' }));
  roads.push(feature({ type: 'LineString', coordinates: [[130.625, s], [130.622, 32.5], [130.628, n]] }, { kind: 'highway', name: 'デモ自動車道' }));
  roads.push(feature({ type: 'LineString', coordinates: [[130.57, 32.51], [130.62, 32.512], [130.69, 32.508], [e, 32.51]] }, { kind: 'major_road', name: '本町通り' }));
  roads.push(feature({ type: 'LineString', coordinates: [[130.575, 32.475], [130.64, 32.478], [e, 32.47]] }, { kind: 'major_road', name: '南環状線' }));
  const chain = [...DISTRICTS].sort((a, b) => a.lon - b.lon).map((d) => [d.lon, d.lat] as [number, number]);
  roads.push(feature({ type: 'LineString', coordinates: chain }, { kind: 'major_road', name: '地区連絡道' }));

  const parks = DISTRICTS.filter((_, i) => i % 3 === 0).map((d) =>
    feature(
      { type: 'Polygon', coordinates: [[[d.lon + 0.002, d.lat + 0.002], [d.lon + 0.006, d.lat + 0.002], [d.lon + 0.006, d.lat + 0.005], [d.lon + 0.002, d.lat + 0.005], [d.lon + 0.002, d.lat + 0.002]]] },
      { kind: 'park', name: `${d.name.replace('地区', '')}公園` },
    ),
  );
  const places = DISTRICTS.map((d) => feature({ type: 'Point', coordinates: [d.lon, d.lat] }, { kind: 'locality', name: d.name, min_zoom: 10, population_rank: 9 }));

  const fc = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
  return {
    earth: fc([feature({ type: 'Polygon', coordinates: [land] }, { kind: 'earth' })]),
    water: fc([
      feature({ type: 'Polygon', coordinates: [sea] }, { kind: 'ocean' }),
      feature({ type: 'Polygon', coordinates: [riverBand] }, { kind: 'river', name: 'デモ川' }),
    ]),
    landuse: fc(parks),
    roads: fc(roads),
    places: fc(places),
  };
}

/** The demo basemap as PMTiles bytes (vector tiles, gzip, zooms 10–15). */
export function buildDemoBasemap(): Uint8Array {
  const indexes = Object.entries(layers()).map(([name, data]) => [name, new GeoJSONVT(data, { maxZoom: MAX_ZOOM, indexMaxZoom: MAX_ZOOM, tolerance: 3, buffer: 64 })] as const);
  const tiles: ArchiveTile[] = [];
  for (const { z, x, y } of tilesInBounds(BOUNDS, MIN_ZOOM, MAX_ZOOM)) {
    const present: Record<string, { features: unknown[] }> = {};
    for (const [name, index] of indexes) {
      const t = index.getTile(z, x, y);
      if (t && t.features.length > 0) present[name] = t;
    }
    if (Object.keys(present).length === 0) continue;
    tiles.push({ z, x, y, data: gzipSync(fromGeojsonVt(present, { version: 2 })) });
  }
  return writeArchive(tiles, {
    tileType: TILE_TYPE.mvt,
    tileCompression: COMPRESSION.gzip,
    bounds: BOUNDS,
    center: { lon: 130.61, lat: 32.5, zoom: 13 },
    metadata: {
      name: 'デモ地域（架空）の背景地図',
      attribution: 'デモ用の架空の地図 (Hinanjo)',
      type: 'baselayer',
      vector_layers: ['earth', 'water', 'landuse', 'roads', 'places'].map((id) => ({ id, fields: {} })),
    },
  });
}

/** Writes the demo basemap into `file` unless it is there already; returns the path. */
export function ensureDemoBasemap(file: string): string {
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, buildDemoBasemap());
  renameSync(tmp, file);
  return file;
}
