import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hqMeta, hqShelters } from '../../domain/schema';
import { addShelter, setRegionName, type ShelterInput } from '../../domain/shelter-registry';

const input = (p: Partial<ShelterInput> = {}): ShelterInput => ({
  name: '臨時避難所 市民体育館', address: '熊本県八代市松江城町1', lat: '32.51', lon: '130.60', capacity: '２００', districtId: 'd1', ...p,
});

describe('adding a shelter by hand', () => {
  it('writes the same record a CSV import does, numbers typed on a Japanese keyboard included', () => {
    const doc = new Y.Doc();
    const r = addShelter(doc, input(), { newId: () => 'new-1' });
    expect(r).toEqual({ ok: true, value: 'new-1' });
    expect(hqShelters(doc).get('new-1')!.toJSON()).toEqual({
      name: '臨時避難所 市民体育館', address: '熊本県八代市松江城町1', lat: 32.51, lon: 130.6, capacity: 200, districtId: 'd1', hazards: [],
    });
  });

  it('refuses bad input field by field and changes nothing', () => {
    const doc = new Y.Doc();
    addShelter(doc, input(), { newId: () => 'a' });
    const r = addShelter(doc, input({ lat: '', lon: '東経130', capacity: '-3' }), { newId: () => 'b' });
    expect(r).toEqual({ ok: false, error: { name: 'duplicate', lat: 'required', lon: 'not-a-number', capacity: 'out-of-range' } });
    expect(addShelter(doc, input({ name: ' ', lat: '95' }), { newId: () => 'c' })).toEqual({ ok: false, error: { name: 'required', lat: 'out-of-range' } });
    expect(hqShelters(doc).size).toBe(1);
  });
});

describe('the region name', () => {
  it('is set trimmed; an empty name is refused and keeps the old one', () => {
    const doc = new Y.Doc();
    expect(setRegionName(doc, ' 八代市 ')).toEqual({ ok: true, value: '八代市' });
    expect(setRegionName(doc, '  ')).toEqual({ ok: false, error: 'required' });
    expect(hqMeta(doc).get('region')).toBe('八代市');
  });
});
