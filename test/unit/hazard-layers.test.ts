import { describe, expect, it } from 'vitest';
import {
  buildHazardLayer, checkHazardLayer, classOfLandslide, guessKind, guessMapping, hazardAt, indexHazardLayer, rankOfDepth, simplifyRing, valueAt,
  type HazardLayer,
} from '../../domain/hazard-layers';
import { recommendSwitch } from '../../domain/evacuation-switch';

const square = (lon: number, lat: number, size: number) => [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]];
const feature = (props: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({ type: 'Feature', properties: props, geometry: coordinates === null ? null : { type, coordinates } });
const meta = { id: 'flood-1', name: '球磨川 洪水浸水想定区域', source: '国土数値情報 A31', importedAt: '2026-12-07T00:00:00Z' };

describe('hazard layers', () => {
  it('reads depths as the hazard maps write them, in any edition', () => {
    expect(rankOfDepth('0.5m未満')).toBe(0);
    expect(rankOfDepth('0.5m以上3.0m未満')).toBe(1);
    expect(rankOfDepth('３．０ｍ以上５．０ｍ未満')).toBe(2);
    expect(rankOfDepth('5.0m以上10.0m未満')).toBe(3);
    expect(rankOfDepth('10m以上20m未満')).toBe(4);
    expect(rankOfDepth('20.0m以上')).toBe(5);
    expect(rankOfDepth('1.0m以上2.0m未満')).toBe(1); // an older edition's finer class
    expect(rankOfDepth('なし')).toBeNull();
    expect(classOfLandslide('土砂災害特別警戒区域')).toBe(2);
    expect(classOfLandslide('土砂災害警戒区域')).toBe(1);
    expect(classOfLandslide('2')).toBe(2);
    expect(guessKind('A33-19_43.geojson', [], [])).toBe('landslide');
    expect(guessKind('x.geojson', ['A31_001'], [])).toBe('flood');
    expect(guessKind('家屋倒壊等氾濫想定区域.geojson', [], [])).toBe('collapse');
  });

  it('guesses the property that holds the depth, maps each value, builds zones and skips bad features with the reason', () => {
    const features = [
      feature({ 河川名: '球磨川', A31_001: '0.5m以上3.0m未満' }, square(130.6, 32.5, 0.01)),
      feature({ 河川名: '球磨川', A31_001: '3.0m以上5.0m未満' }, square(130.602, 32.502, 0.004)),
      feature({ 河川名: '球磨川', A31_001: '3.0m以上5.0m未満' }, [square(130.7, 32.5, 0.01)[0], square(130.72, 32.5, 0.01)[0]].map((r) => [r]), 'MultiPolygon'),
      feature({ 河川名: '球磨川', A31_001: '不明' }, square(130.6, 32.6, 0.01)),
      feature({ 河川名: '球磨川', A31_001: '0.5m未満' }, null),
      feature({ 河川名: '球磨川' }, square(130.6, 32.6, 0.01)),
      feature({ 河川名: '球磨川', A31_001: '0.5m未満' }, [[[130.6, 32.5], [130.61, 32.5]]]),
    ];
    const mapping = guessMapping('flood', features, ['河川名', 'A31_001']);
    expect(mapping.property).toBe('A31_001');
    expect(mapping.values).toEqual({ '0.5m以上3.0m未満': 1, '3.0m以上5.0m未満': 2, 不明: null, '0.5m未満': 0 });
    const built = buildHazardLayer(features, mapping, meta);
    expect(built.layer.zones).toHaveLength(4);
    expect(built.skipped).toEqual([
      { index: 3, problem: 'unmapped-value', value: '不明' },
      { index: 4, problem: 'no-geometry' },
      { index: 5, problem: 'no-value' },
      { index: 6, problem: 'too-few-points' },
    ]);
    expect(checkHazardLayer(built.layer)).toBeNull();
    const ix = indexHazardLayer(built.layer);
    expect(valueAt(ix, 32.501, 130.601)).toBe(1); // the large zone only
    expect(valueAt(ix, 32.504, 130.604)).toBe(2); // inside the deeper zone too: the deeper wins
    expect(valueAt(ix, 32.505, 130.725)).toBe(2); // the second polygon of the MultiPolygon
    expect(valueAt(ix, 32.4, 130.6)).toBeNull();
    expect(JSON.stringify(built.layer)).not.toContain('球磨川 A31'); // attributes do not travel
  });

  it('a hole is not inside; a layer from a client is checked before it is stored', () => {
    const ring = square(130.0, 33.0, 0.01)[0];
    const hole = [[130.004, 33.004], [130.006, 33.004], [130.006, 33.006], [130.004, 33.006], [130.004, 33.004]];
    const built = buildHazardLayer([feature({ 区域区分: '土砂災害特別警戒区域' }, [ring, hole])], guessMapping('landslide', [feature({ 区域区分: '土砂災害特別警戒区域' }, [ring])], ['区域区分']), { ...meta, id: 'ls' });
    const ix = indexHazardLayer(built.layer);
    expect(valueAt(ix, 33.002, 130.002)).toBe(2);
    expect(valueAt(ix, 33.005, 130.005)).toBeNull();
    const bad = (over: Partial<HazardLayer> | Record<string, unknown>) => checkHazardLayer({ ...built.layer, ...over });
    expect(bad({ kind: 'meteor' as never })).toBe('bad-kind');
    expect(bad({ zones: [{ v: 7, b: [0, 0, 1, 1], r: [[0, 0, 1, 0, 0, 1, -1, -1]] }] })).toBe('bad-zone');
    expect(bad({ zones: [] })).toBe('empty');
    expect(bad({ id: '../etc' })).toBe('not-a-layer');
    expect(bad({ name: '' })).toBe('bad-name');
  });

  it('simplifies a ring within its tolerance and keeps a closed ring', () => {
    const pts: [number, number][] = [];
    for (let i = 0; i <= 100; i++) pts.push([i * 10, i % 2]); // a 1-unit zigzag on a line
    pts.push([1000, 500], [0, 500], [0, 0]);
    const s = simplifyRing(pts, 2);
    expect(s.length).toBeLessThan(10);
    expect(s[0]).toEqual(s[s.length - 1]);
  });

  it('takes every layer together at a point', () => {
    const flood = buildHazardLayer([feature({ d: '3.0m以上5.0m未満' }, square(130.6, 32.5, 0.01))], { kind: 'flood', property: 'd', values: { '3.0m以上5.0m未満': 2 } }, meta).layer;
    const collapse = buildHazardLayer([feature({}, square(130.6, 32.5, 0.002))], { kind: 'collapse', property: null, values: {} }, { ...meta, id: 'c' }).layer;
    const ix = [indexHazardLayer(flood), indexHazardLayer(collapse)];
    expect(hazardAt(ix, 32.501, 130.601)).toEqual({ flood: 2, collapse: true, landslide: 0, tsunami: null, stormSurge: null });
    expect(hazardAt(ix, 32.508, 130.608)).toEqual({ flood: 2, collapse: false, landslide: 0, tsunami: null, stormSurge: null });
  });
});

describe('the evacuation switch a household is recommended', () => {
  const none = { flood: null, collapse: false, landslide: 0, tsunami: null, stormSurge: null };
  it('level 3 when someone needs time or help, in a landslide zone, in a collapse zone, or at 3 m or deeper; level 4 otherwise', () => {
    expect(recommendSwitch(none, { needsHelp: false })).toEqual({ level: 4, reasons: ['no-hazard'], upstairsPossible: true, hazard: null });
    expect(recommendSwitch(none, { needsHelp: true })).toMatchObject({ level: 3, reasons: ['needs-help'] });
    expect(recommendSwitch({ ...none, flood: 1 }, { needsHelp: false })).toEqual({ level: 4, reasons: ['shallow-water'], upstairsPossible: true, hazard: 'flood' });
    expect(recommendSwitch({ ...none, flood: 2 }, { needsHelp: false })).toMatchObject({ level: 3, reasons: ['deep-flood'], upstairsPossible: false });
    expect(recommendSwitch({ ...none, flood: 1, collapse: true }, { needsHelp: false })).toMatchObject({ level: 3, reasons: ['collapse'], upstairsPossible: false });
    expect(recommendSwitch({ ...none, landslide: 1 }, { needsHelp: false })).toMatchObject({ level: 3, reasons: ['landslide-yellow'], upstairsPossible: false, hazard: 'landslide' });
    expect(recommendSwitch({ ...none, landslide: 2, flood: 3 }, { needsHelp: true })).toMatchObject({ level: 3, reasons: ['needs-help', 'landslide-red', 'deep-flood'] });
    expect(recommendSwitch({ ...none, tsunami: 0 }, { needsHelp: false })).toMatchObject({ level: 4, upstairsPossible: false, hazard: 'tsunami' });
  });
});
