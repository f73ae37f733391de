// The demo region's hazard maps, generated to fit its own geography (demo-basemap.ts): the
// river's flood zones deepen toward its banks in the lowland west of 130.66°E, with a
// 家屋倒壊等氾濫想定区域 along both banks; landslide warning areas on the eastern hills (red at
// their steepest); tsunami and storm-surge inundation along the coast. Fictional, like the demo.
import { buildHazardLayer, type HazardLayer, type HazardMapping } from '../../../domain/hazard-layers';
import { COAST, RIVER } from '../basemap/demo-basemap';

const SOURCE = 'デモ（架空）';
type Pt = [number, number];

/** A band around the river's lowland course, `half` degrees of latitude each side. */
function riverBand(half: number): Pt[] {
  const course = RIVER.filter(([x]) => x <= 130.67);
  const band: Pt[] = [...course.map(([x, y]) => [x, y + half] as Pt), ...[...course].reverse().map(([x, y]) => [x, y - half] as Pt)];
  band.push(band[0]);
  return band;
}

/** A strip east of the coast, `width` degrees of longitude wide. */
function coastStrip(width: number): Pt[] {
  const strip: Pt[] = [...COAST.map(([x, y]) => [x - 0.002, y] as Pt), ...[...COAST].reverse().map(([x, y]) => [x + width, y] as Pt)];
  strip.push(strip[0]);
  return strip;
}

function circle(lon: number, lat: number, r: number, n = 24): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    pts.push([lon + (r * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin(a)]);
  }
  pts.push(pts[0]);
  return pts;
}

const polygon = (ring: Pt[], props: Record<string, unknown>) => ({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [ring] } });

export function demoHazardLayers(now: Date): HazardLayer[] {
  const at = now.toISOString();
  const build = (id: string, name: string, features: unknown[], mapping: HazardMapping) => buildHazardLayer(features, mapping, { id, name, source: SOURCE, importedAt: at }).layer;
  const depth = (text: string) => ({ 浸水深: text });
  const floodValues = { '0.5m未満': 0, '0.5m以上3.0m未満': 1, '3.0m以上5.0m未満': 2, '5.0m以上10.0m未満': 3 };
  const flood = build(
    'demo-flood',
    'デモ川 洪水浸水想定区域（想定最大規模）',
    [
      polygon(riverBand(0.014), depth('0.5m未満')),
      polygon(riverBand(0.009), depth('0.5m以上3.0m未満')),
      polygon(riverBand(0.004), depth('3.0m以上5.0m未満')),
      polygon(riverBand(0.0016), depth('5.0m以上10.0m未満')),
    ],
    { kind: 'flood', property: '浸水深', values: floodValues },
  );
  const collapse = build('demo-collapse', 'デモ川 家屋倒壊等氾濫想定区域', [polygon(riverBand(0.0012), {})], { kind: 'collapse', property: null, values: {} });
  const hills: [number, number][] = [[130.682, 32.466], [130.692, 32.55], [130.662, 32.54], [130.7, 32.48]];
  const landslide = build(
    'demo-landslide',
    '土砂災害警戒区域・特別警戒区域（デモ）',
    hills.flatMap(([lon, lat]) => [polygon(circle(lon, lat, 0.006), { 区域区分: '土砂災害警戒区域' }), polygon(circle(lon, lat, 0.0022), { 区域区分: '土砂災害特別警戒区域' })]),
    { kind: 'landslide', property: '区域区分', values: { 土砂災害警戒区域: 1, 土砂災害特別警戒区域: 2 } },
  );
  const tsunami = build(
    'demo-tsunami',
    '津波浸水想定（デモ）',
    [polygon(coastStrip(0.012), depth('0.5m未満')), polygon(coastStrip(0.007), depth('0.5m以上3.0m未満')), polygon(coastStrip(0.003), depth('3.0m以上5.0m未満'))],
    { kind: 'tsunami', property: '浸水深', values: floodValues },
  );
  const surge = build(
    'demo-storm-surge',
    '高潮浸水想定区域（デモ）',
    [polygon(coastStrip(0.009), depth('0.5m未満')), polygon(coastStrip(0.005), depth('0.5m以上3.0m未満'))],
    { kind: 'storm-surge', property: '浸水深', values: floodValues },
  );
  return [flood, collapse, landslide, tsunami, surge];
}
