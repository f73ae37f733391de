import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as Y from 'yjs';
import { hqShelters, toYMap } from '../../domain/schema';
import {
  applyRegistryImport, decodeCsvBytes, previewRegistryImport, SOURCE_ID_KEYS,
} from '../../domain/registry-import';
import { capacityFromFloorArea, parseCapacity, setShelterCapacity } from '../../domain/capacity';

const fixture = (name: string) => new Uint8Array(readFileSync(resolve(import.meta.dirname, '../fixtures', name)));
const GSI_SHELTERS = fixture('gsi-shelters-utf8.csv');
const GSI_EMERGENCY = fixture('gsi-emergency-sites-utf8-bom.csv');
const DIGITAL_AGENCY = fixture('digital-agency-emergency-sites-sjis.csv');

function counter() {
  let n = 0;
  return () => `new-${++n}`;
}

describe('shelter registry import', () => {
  it('reads UTF-8, UTF-8 with BOM and Shift_JIS files alike', () => {
    expect(decodeCsvBytes(GSI_SHELTERS).encoding).toBe('utf-8');
    const bom = decodeCsvBytes(GSI_EMERGENCY);
    expect(bom.encoding).toBe('utf-8-bom');
    expect(bom.text.startsWith('NO,共通ID')).toBe(true);
    const sjis = decodeCsvBytes(DIGITAL_AGENCY);
    expect(sjis.encoding).toBe('shift_jis');
    expect(sjis.text).toContain('八代北中学校');
  });

  it('GSI 指定避難所: good rows to add, bad rows reported with their line and reason', () => {
    const r = previewRegistryImport(new Y.Doc(), GSI_SHELTERS, { newId: counter() });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const p = r.value;
    expect(p.format).toBe('gsi-shelter');
    expect(p.toAdd.map((a) => a.row.name)).toEqual(['八代第一小学校', '八代中央公民館', '八代福祉センター']);
    // the quoted 備考 of row 3 spans two lines, so the rows after it sit one line lower
    expect(p.bad).toEqual([
      { line: 6, reason: 'missing-name' },
      { line: 7, reason: 'invalid-lat', value: '北緯32.5' },
      { line: 8, reason: 'wrong-column-count', value: '10/11' },
    ]);
    expect(p.toAdd[0]).toMatchObject({ shelterId: 'reg-432020001', row: { registryId: '432020001', lat: 32.5072, lon: 130.6015, hazards: null, capacity: null } });
  });

  it('GSI 指定緊急避難場所: the eight hazard columns become hazards', () => {
    const r = previewRegistryImport(new Y.Doc(), GSI_EMERGENCY, { newId: counter() });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.format).toBe('gsi-emergency');
    const byName = Object.fromEntries(r.value.toAdd.map((a) => [a.row.name, a.row]));
    expect(byName['八代第一小学校'].hazards).toEqual(['flood', 'storm-surge', 'earthquake', 'tsunami', 'fire']);
    expect(byName['鏡高台広場'].hazards).toHaveLength(8);
    expect(r.value.bad).toEqual([{ line: 5, reason: 'invalid-lon', value: '200.5' }]);
  });

  it('デジタル庁 推奨データセット in Shift_JIS: capacity from 想定収容人数, bad capacity and duplicate ids reported', () => {
    const r = previewRegistryImport(new Y.Doc(), DIGITAL_AGENCY, { newId: counter() });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.format).toBe('digital-agency-emergency');
    expect(r.value.encoding).toBe('shift_jis');
    expect(r.value.toAdd.map((a) => [a.row.name, a.row.capacity])).toEqual([['八代北中学校', 420], ['八代南グラウンド', 1500]]);
    expect(r.value.toAdd[0].row.hazards).toEqual(['flood', 'storm-surge', 'earthquake', 'tsunami', 'fire', 'inland-flood']);
    expect(r.value.bad).toEqual([
      { line: 4, reason: 'invalid-capacity', value: '約80' },
      { line: 5, reason: 'wrong-column-count', value: '13/23' },
      { line: 6, reason: 'duplicate-in-file', value: '432024-0001' },
    ]);
  });

  it('applies a preview in one transaction, and importing the same file again updates nothing twice', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    const first = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    if (!first.ok) throw new Error('preview failed');
    expect(applyRegistryImport(doc, first.value, { districtId: 'd1' })).toEqual({ added: 3, updated: 0 });
    expect(updates).toBe(1);
    expect(hqShelters(doc).size).toBe(3);
    expect(hqShelters(doc).get('reg-432020001')!.toJSON()).toMatchObject({ capacity: 0, districtId: 'd1', hazards: [], [SOURCE_ID_KEYS.gsi]: '432020001' });

    const again = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    if (!again.ok) throw new Error('preview failed');
    expect(again.value.toAdd).toHaveLength(0);
    expect(again.value.toUpdate).toHaveLength(0);
    expect(again.value.unchanged).toBe(3);
    applyRegistryImport(doc, again.value);
    expect(hqShelters(doc).size).toBe(3);
  });

  it('a re-import updates what the file carries and keeps what HQ set (capacity, district)', () => {
    const doc = new Y.Doc();
    const first = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    if (!first.ok) throw new Error('preview failed');
    applyRegistryImport(doc, first.value, { districtId: 'd1' });
    hqShelters(doc).get('reg-432020001')!.set('capacity', 250);
    const moved = new TextDecoder().decode(GSI_SHELTERS).replace('32.5072,130.6015', '32.5080,130.6015');
    const r = previewRegistryImport(doc, new TextEncoder().encode(moved), { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    expect(r.value.toUpdate).toEqual([expect.objectContaining({ shelterId: 'reg-432020001', changes: [{ field: 'lat', from: '32.5072', to: '32.508' }] })]);
    applyRegistryImport(doc, r.value);
    expect(hqShelters(doc).get('reg-432020001')!.toJSON()).toMatchObject({ lat: 32.508, capacity: 250, districtId: 'd1' });
  });

  it('matches a shelter entered by hand by its name and address when the file has a new id', () => {
    const doc = new Y.Doc();
    doc.transact(() => hqShelters(doc).set('hand-made', toYMap({
      name: '八代第一小学校', address: '熊本県八代市本町１－１－１', lat: 32.5, lon: 130.6, capacity: 300, districtId: 'd1', hazards: [],
    })));
    const r = previewRegistryImport(doc, GSI_EMERGENCY, { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    // full-width digits in the hand-typed address still match (NFKC)
    expect(r.value.toUpdate.map((u) => u.shelterId)).toEqual(['hand-made']);
    applyRegistryImport(doc, r.value);
    expect(hqShelters(doc).get('hand-made')!.get('hazards')).toEqual(['flood', 'storm-surge', 'earthquake', 'tsunami', 'fire']);
    expect(hqShelters(doc).get('hand-made')!.get('capacity')).toBe(300);
  });

  it('refuses a file whose header is none of the known formats, naming what it saw', () => {
    const r = previewRegistryImport(new Y.Doc(), new TextEncoder().encode('a,b,c\n1,2,3\n'), { newId: counter() });
    expect(r).toEqual({ ok: false, error: { kind: 'unknown-format', header: ['a', 'b', 'c'] } });
    expect(previewRegistryImport(new Y.Doc(), new Uint8Array(), { newId: counter() })).toEqual({ ok: false, error: { kind: 'empty' } });
  });
});

describe('capacity', () => {
  it('is the covered floor area at 3.5 m² per person, rounded down', () => {
    expect(capacityFromFloorArea(35)).toBe(10);
    expect(capacityFromFloorArea(700)).toBe(200);
    expect(capacityFromFloorArea(34.9)).toBe(9);
    expect(capacityFromFloorArea(-5)).toBe(0);
  });

  it('accepts what a Japanese keyboard types and refuses what is not a head count', () => {
    expect(parseCapacity('１２０')).toEqual({ ok: true, value: 120 });
    expect(parseCapacity('1,200')).toEqual({ ok: true, value: 1200 });
    expect(parseCapacity('abc')).toEqual({ ok: false, error: 'not-a-number' });
    expect(parseCapacity('-1')).toEqual({ ok: false, error: 'negative' });
    expect(parseCapacity('2.5')).toEqual({ ok: false, error: 'not-whole' });
  });
});

describe('shelter registry import, matching', () => {
  it('matches a hand-made shelter that has no address yet by its name alone', () => {
    const doc = new Y.Doc();
    doc.transact(() => hqShelters(doc).set('typed', toYMap({ name: '八代運動公園', address: '', lat: 32.5, lon: 130.6, capacity: 0, districtId: '', hazards: [] })));
    const r = previewRegistryImport(doc, GSI_EMERGENCY, { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    expect(r.value.toUpdate.map((u) => [u.shelterId, u.changes.map((c) => c.field)])).toEqual([['typed', ['address', 'lat', 'lon', 'hazards', 'note']]]);
  });
});

describe('shelter registry import keeps what the files say', () => {
  it('keeps 受入対象者 and 備考', () => {
    const doc = new Y.Doc();
    const r = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    applyRegistryImport(doc, r.value, { capacity: 120 });
    const welfare = hqShelters(doc).get('reg-432020003')!.toJSON();
    expect(welfare).toMatchObject({ accepts: '要配慮者', note: '福祉避難所\n（車いす対応トイレあり）', capacity: 120 });
    expect(hqShelters(doc).get('reg-432020002')!.toJSON()).toMatchObject({ note: 'ペット同伴可、2階ホールを使用' });
  });

  it('GSI and デジタル庁 ids for the same place are both kept; alternate imports change nothing', () => {
    const doc = new Y.Doc();
    doc.transact(() => hqShelters(doc).set('kita', toYMap({ name: '八代北中学校', address: '熊本県八代市北の丸町5-1', lat: 32.521, lon: 130.6088, capacity: 420, districtId: 'd1', hazards: ['flood', 'storm-surge', 'earthquake', 'tsunami', 'fire', 'inland-flood'] })));
    const da = previewRegistryImport(doc, DIGITAL_AGENCY, { newId: counter() });
    if (!da.ok) throw new Error('preview failed');
    applyRegistryImport(doc, da.value);
    expect(hqShelters(doc).get('kita')!.get(SOURCE_ID_KEYS['digital-agency'])).toBe('432024-0001');
    // the same place in a GSI file with its own id
    const gsi = 'NO,共通ID,都道府県名及び市町村名,施設・場所名,住所,指定緊急避難場所との住所同一,その他市町村長が必要と認める事項,受入対象者,緯度,経度,備考\n1,432029999,熊本県八代市,八代北中学校,熊本県八代市北の丸町5-1,,,,32.5210,130.6088,\n';
    const g = previewRegistryImport(doc, new TextEncoder().encode(gsi), { newId: counter() });
    if (!g.ok) throw new Error('preview failed');
    expect(g.value.toAdd).toEqual([]);
    applyRegistryImport(doc, g.value);
    const kita = hqShelters(doc).get('kita')!;
    expect(kita.get(SOURCE_ID_KEYS.gsi)).toBe('432029999');
    expect(kita.get(SOURCE_ID_KEYS['digital-agency'])).toBe('432024-0001');
    // alternate again: both match by their own id, nothing to update
    const again = previewRegistryImport(doc, DIGITAL_AGENCY, { newId: counter() });
    expect(again.ok && again.value.toUpdate.filter((u) => u.shelterId === 'kita')).toEqual([]);
    const againGsi = previewRegistryImport(doc, new TextEncoder().encode(gsi), { newId: counter() });
    expect(againGsi.ok && againGsi.value.toUpdate).toEqual([]);
  });

  it('an empty 備考 in the 指定緊急避難場所 list never erases the 指定避難所 list\'s 福祉避難所, and the next import changes nothing', () => {
    const doc = new Y.Doc();
    const shelters = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    if (!shelters.ok) throw new Error('preview failed');
    applyRegistryImport(doc, shelters.value);
    // the same place in the emergency-site list, with a blank 備考 and no 受入対象者 column
    const emergency = 'NO,共通ID,都道府県名及び市町村名,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考\n1,432021009,熊本県八代市,八代福祉センター,熊本県八代市萩原町4-5,1,,,1,,,,,1,32.4987,130.6121,\n';
    const e = previewRegistryImport(doc, new TextEncoder().encode(emergency), { newId: counter() });
    if (!e.ok) throw new Error('preview failed');
    expect(e.value.toUpdate.flatMap((u) => u.changes.map((c) => c.field))).not.toContain('note');
    applyRegistryImport(doc, e.value);
    expect(hqShelters(doc).get('reg-432020003')!.toJSON()).toMatchObject({ note: '福祉避難所\n（車いす対応トイレあり）', accepts: '要配慮者', hazards: ['flood', 'earthquake'] });
    const again = previewRegistryImport(doc, GSI_SHELTERS, { newId: counter() });
    expect(again.ok && again.value.toUpdate.filter((u) => u.shelterId === 'reg-432020003').flatMap((u) => u.changes)).toEqual([]);
  });

  it('a capacity HQ typed by hand is kept by a re-import that carries one, said so in the preview, and replaced only when HQ chooses', () => {
    const doc = new Y.Doc();
    doc.transact(() => hqShelters(doc).set('kita', toYMap({ name: '八代北中学校', address: '熊本県八代市北の丸町5-1', lat: 32.521, lon: 130.6088, capacity: 420, districtId: 'd1', hazards: [] })));
    const first = previewRegistryImport(doc, DIGITAL_AGENCY, { newId: counter() });
    if (!first.ok) throw new Error('preview failed');
    applyRegistryImport(doc, first.value);
    const fromFile = hqShelters(doc).get('kita')!.get('capacity');
    expect(setShelterCapacity(doc, 'kita', 380).ok).toBe(true);
    const r = previewRegistryImport(doc, DIGITAL_AGENCY, { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    const change = r.value.toUpdate.find((u) => u.shelterId === 'kita')!.changes.find((c) => c.field === 'capacity')!;
    expect(change).toMatchObject({ from: '380', to: String(fromFile), handEdited: true });
    applyRegistryImport(doc, r.value);
    expect(hqShelters(doc).get('kita')!.get('capacity')).toBe(380);
    applyRegistryImport(doc, r.value, { overwriteHandEditedCapacity: true });
    expect(hqShelters(doc).get('kita')!.get('capacity')).toBe(fromFile);
  });

  it('a re-import writes only what changed, so a rename made at another desk meanwhile survives', () => {
    const a = new Y.Doc();
    const first = previewRegistryImport(a, GSI_SHELTERS, { newId: counter() });
    if (!first.ok) throw new Error('preview failed');
    applyRegistryImport(a, first.value);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // desk B renames; desk A re-imports a file where only the coordinates of another shelter moved
    hqShelters(b).get('reg-432020001')!.set('name', '八代第一小学校 体育館');
    const moved = new TextDecoder().decode(GSI_SHELTERS).replace('32.5101,130.6052', '32.5111,130.6052');
    const r = previewRegistryImport(a, new TextEncoder().encode(moved), { newId: counter() });
    if (!r.ok) throw new Error('preview failed');
    applyRegistryImport(a, r.value);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b]) {
      expect(hqShelters(doc).get('reg-432020001')!.get('name')).toBe('八代第一小学校 体育館');
      expect(hqShelters(doc).get('reg-432020002')!.get('lat')).toBe(32.5111);
    }
  });

  it('reads GSI GeoJSON: Point features with the CSV column names as properties', () => {
    const geo = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [130.6015, 32.5072] }, properties: { NO: 1, 共通ID: '432020001', '都道府県名及び市町村名': '熊本県八代市', '施設・場所名': '八代第一小学校', 住所: '熊本県八代市本町1-1-1', 受入対象者: '', 備考: '' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [130.6121, 32.4987] }, properties: { NO: 3, 共通ID: '432020003', '都道府県名及び市町村名': '熊本県八代市', '施設・場所名': '八代福祉センター', 住所: '熊本県八代市萩原町4-5', 受入対象者: '要配慮者', 備考: '福祉避難所' } },
        { type: 'Feature', geometry: null, properties: { NO: 4, 共通ID: '432020004', '施設・場所名': '位置なし', 住所: '' } },
      ],
    };
    const r = previewRegistryImport(new Y.Doc(), new TextEncoder().encode(JSON.stringify(geo)), { newId: counter(), fileName: 'mergeFromCity_2.geojson' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.format).toBe('gsi-shelter');
    expect(r.value.toAdd.map((a) => [a.row.name, a.row.lat, a.row.lon, a.row.accepts])).toEqual([
      ['八代第一小学校', 32.5072, 130.6015, ''],
      ['八代福祉センター', 32.4987, 130.6121, '要配慮者'],
    ]);
    expect(r.value.bad).toEqual([{ line: 4, reason: 'invalid-lat', value: '' }]);
    expect(previewRegistryImport(new Y.Doc(), new TextEncoder().encode('{"type":"Feature"}'), { newId: counter(), fileName: 'x.geojson' })).toEqual({ ok: false, error: { kind: 'not-geojson' } });
  });
});
