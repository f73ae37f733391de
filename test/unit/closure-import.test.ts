import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as Y from 'yjs';
import {
  applyClosureImport, crsProblem, guessMapping, parseClosureTime, previewClosureImport, shapeKey,
} from '../../domain/closure-import';
import { closuresFeatureCollection, readClosures } from '../../domain/closures';

const NOW = new Date('2026-12-01T00:00:00.000Z');
const qgis = () => JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/closures-qgis.geojson'), 'utf8'));

describe('closure import: mapping', () => {
  it('guesses the reason, kind, road, start and end from Japanese and English keys', () => {
    expect(guessMapping(['路線名', '規制内容', '理由', '開始', '終了'])).toEqual({ reason: '理由', kind: '規制内容', road: '路線名', since: '開始', until: '終了' });
    expect(guessMapping(['name', 'reason', 'start_time', 'end_time'])).toEqual({ reason: 'reason', kind: null, road: 'name', since: 'start_time', until: 'end_time' });
    expect(guessMapping(['ＲＥＡＳＯＮ', 'Start'])).toMatchObject({ reason: 'ＲＥＡＳＯＮ', since: 'Start' });
    expect(shapeKey(['b', 'A'])).toBe(shapeKey(['a', 'B']));
  });

  it('reads JST times as Japanese tables write them, and refuses what is not a time', () => {
    expect(parseClosureTime('2026/12/01 06:00')).toBe('2026-11-30T21:00:00.000Z');
    expect(parseClosureTime('2026-12-01 6:05')).toBe('2026-11-30T21:05:00.000Z');
    expect(parseClosureTime('２０２６/１２/０１ ０６:００')).toBe('2026-11-30T21:00:00.000Z');
    expect(parseClosureTime('2026年12月1日 6時30分')).toBe('2026-11-30T21:30:00.000Z');
    expect(parseClosureTime('2026-12-01T06:00:00Z')).toBe('2026-12-01T06:00:00.000Z');
    expect(parseClosureTime('2026-12-01T06:00:00+09:00')).toBe('2026-11-30T21:00:00.000Z');
    expect(parseClosureTime('2026/12/01')).toBe('2026-11-30T15:00:00.000Z');
    expect(parseClosureTime('')).toBeNull();
    expect(parseClosureTime(null)).toBeNull();
    expect(parseClosureTime('2026/02/30 06:00')).toBe('invalid');
    expect(parseClosureTime('明日の朝')).toBe('invalid');
    expect(parseClosureTime(20261201)).toBe('invalid');
  });

  it('accepts a crs naming CRS84 or WGS 84 and refuses any other with its name', () => {
    expect(crsProblem({})).toBeNull();
    expect(crsProblem({ crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } } })).toBeNull();
    expect(crsProblem({ crs: { type: 'name', properties: { name: 'EPSG:4326' } } })).toBeNull();
    expect(crsProblem({ crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::6677' } } })).toEqual({ code: 'crs-not-wgs84', value: 'urn:ogc:def:crs:EPSG::6677' });
  });
});

describe('closure import: the QGIS file', () => {
  it('imports the valid features (altitude dropped), lists the null geometry as skipped, and names the road', () => {
    const r = previewClosureImport(qgis(), { now: NOW, existingIds: new Set() });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.items).toHaveLength(3);
    expect(r.value.skipped).toEqual([{ feature: 2, problems: [{ feature: 2, code: 'geometry-missing' }] }]);
    const [first, second, third] = r.value.items.map((i) => i.closure);
    expect(first).toMatchObject({ reason: '全面通行止め(冠水)', road: '国道3号', since: '2026-11-30T21:00:00.000Z', until: '2099-12-31T09:00:00.000Z', source: 'import' });
    expect(first.geometry).toEqual({ type: 'MultiLineString', coordinates: [[[130.601, 32.501], [130.605, 32.503], [130.609, 32.506]]] });
    expect(second).toMatchObject({ road: '県道14号', until: null, geometry: { type: 'Polygon' } });
    expect(third.road).toBe('市道 川辺線');
  });

  it('a start that is missing means now; a changed mapping changes what is read', () => {
    const json = qgis();
    json.features[3].properties['開始'] = null;
    const r = previewClosureImport(json, { now: NOW, existingIds: new Set() });
    expect(r.ok && r.value.items[2].closure.since).toBe(NOW.toISOString());
    const noKind = previewClosureImport(qgis(), { now: NOW, existingIds: new Set(), mapping: { reason: '理由', kind: null, road: '路線名', since: '開始', until: '終了' } });
    expect(noKind.ok && noKind.value.items[0].closure.reason).toBe('冠水');
    const nothing = previewClosureImport(qgis(), { now: NOW, existingIds: new Set(), mapping: { reason: null, kind: null, road: null, since: null, until: null } });
    expect(nothing.ok && nothing.value.items).toEqual([]);
    expect(nothing.ok && nothing.value.skipped.flatMap((s) => s.problems.map((p) => p.code))).toContain('reason-required');
  });

  it('refuses a file that is not a FeatureCollection or is in another CRS, and adds nothing', () => {
    expect(previewClosureImport({ type: 'Feature' }, { now: NOW, existingIds: new Set() })).toEqual({ ok: false, error: { code: 'not-feature-collection' } });
    const json = qgis();
    json.crs.properties.name = 'EPSG:6677';
    expect(previewClosureImport(json, { now: NOW, existingIds: new Set() })).toMatchObject({ ok: false, error: { code: 'crs-not-wgs84' } });
  });

  it('re-importing the same file updates the closures it created instead of duplicating them', () => {
    const doc = new Y.Doc();
    const first = previewClosureImport(qgis(), { now: NOW, existingIds: new Set() });
    if (!first.ok) throw new Error('preview');
    expect(applyClosureImport(doc, first.value.items)).toEqual({ added: 3, updated: 0 });
    const json = qgis();
    json.features[1].properties['終了'] = '2099/01/01 12:00';
    const again = previewClosureImport(json, { now: new Date('2026-12-02T00:00:00Z'), existingIds: new Set(readClosures(doc).map((c) => c.id)) });
    if (!again.ok) throw new Error('preview');
    expect(again.value.items.every((i) => i.update)).toBe(true);
    expect(applyClosureImport(doc, again.value.items)).toEqual({ added: 0, updated: 3 });
    expect(readClosures(doc)).toHaveLength(3);
    expect(readClosures(doc).find((c) => c.road === '県道14号')!.until).toBe('2099-01-01T03:00:00.000Z');
    const fc = closuresFeatureCollection(doc, new Date('2026-12-02T00:00:00Z'));
    expect(fc.features.map((f) => f.properties.road).sort()).toEqual(['国道3号', '市道 川辺線', '県道14号']);
  });
});
