import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hqDistricts, hqLevelHistory, toYMap } from '../../domain/schema';
import { LEVEL_NAMES, addDistrict, levelHistory, requiresConfirmation, setDistrictLevel } from '../../domain/levels';

function hqWithDistrict(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => hqDistricts(doc).set('d1', toYMap({ name: '本町地区', level: 0, issuedAt: null })));
  return doc;
}

describe('evacuation levels', () => {
  it('names every level with the official names', () => {
    expect(LEVEL_NAMES.ja[1]).toBe('早期注意情報');
    expect(LEVEL_NAMES.ja[2]).toBe('大雨・洪水・高潮注意報');
    expect(LEVEL_NAMES.ja[3]).toBe('高齢者等避難');
    expect(LEVEL_NAMES.ja[4]).toBe('避難指示');
    expect(LEVEL_NAMES.ja[5]).toBe('緊急安全確保');
    for (const lang of ['ja', 'en'] as const) for (const l of [0, 1, 2, 3, 4, 5] as const) expect(LEVEL_NAMES[lang][l]).not.toBe('');
  });

  it('asks for confirmation before 避難指示 and 緊急安全確保 only', () => {
    expect([0, 1, 2, 3, 4, 5].map((l) => requiresConfirmation(l as 0))).toEqual([false, false, false, false, true, true]);
    // lifting a 4 or a 5, to anything lower, asks too; lowering a 3 does not
    expect([0, 1, 2, 3].map((l) => requiresConfirmation(l as 0, 4))).toEqual([true, true, true, true]);
    expect(requiresConfirmation(4, 5)).toBe(true);
    expect(requiresConfirmation(0, 3)).toBe(false);
  });

  it('a level change and its history entry arrive together, in one update', () => {
    const doc = hqWithDistrict();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const now = new Date('2026-11-22T01:00:00Z');
    const r = setDistrictLevel(doc, 'd1', 4, { by: 'hq-desk-1', now });
    expect(r).toEqual({ ok: true, value: { districtId: 'd1', from: 0, to: 4, at: now.toISOString(), by: 'hq-desk-1' } });
    expect(updates).toHaveLength(1);
    Y.applyUpdate(other, updates[0]);
    expect(hqDistricts(other).get('d1')!.get('level')).toBe(4);
    expect(hqDistricts(other).get('d1')!.get('issuedAt')).toBe(now.toISOString());
    expect(hqLevelHistory(other).toArray()).toEqual([{ districtId: 'd1', from: 0, to: 4, at: now.toISOString(), by: 'hq-desk-1' }]);
  });

  it('keeps who changed what from which level to which, newest first', () => {
    const doc = hqWithDistrict();
    setDistrictLevel(doc, 'd1', 3, { by: 'a', now: new Date('2026-11-22T01:00:00Z') });
    setDistrictLevel(doc, 'd1', 5, { by: 'b', now: new Date('2026-11-22T02:00:00Z') });
    setDistrictLevel(doc, 'd1', 0, { by: 'c', now: new Date('2026-11-22T03:00:00Z') });
    expect(levelHistory(doc, 'd1').map((c) => [c.by, c.from, c.to])).toEqual([['c', 5, 0], ['b', 3, 5], ['a', 0, 3]]);
  });

  it('setting the level a district already has records nothing', () => {
    const doc = hqWithDistrict();
    setDistrictLevel(doc, 'd1', 3, { by: 'a', now: new Date('2026-11-22T01:00:00Z') });
    expect(setDistrictLevel(doc, 'd1', 3, { by: 'b', now: new Date('2026-11-22T02:00:00Z') })).toEqual({ ok: true, value: null });
    expect(hqLevelHistory(doc).length).toBe(1);
  });

  it('refuses an unknown district or a level outside 0–5 and changes nothing', () => {
    const doc = hqWithDistrict();
    expect(setDistrictLevel(doc, 'nope', 3, { by: 'a', now: new Date() })).toEqual({ ok: false, error: 'unknown-district' });
    expect(setDistrictLevel(doc, 'd1', 7 as 0, { by: 'a', now: new Date() })).toEqual({ ok: false, error: 'invalid-level' });
    expect(hqLevelHistory(doc).length).toBe(0);
    expect(hqDistricts(doc).get('d1')!.get('level')).toBe(0);
  });
});

describe('districts', () => {
  it('adds a district at level 0; a blank, too long or repeated name changes nothing', () => {
    const doc = hqWithDistrict();
    expect(addDistrict(doc, { id: 'd2', name: ' 鏡地区 ' })).toEqual({ ok: true, value: 'd2' });
    expect(hqDistricts(doc).get('d2')!.toJSON()).toEqual({ name: '鏡地区', level: 0, issuedAt: null });
    expect(addDistrict(doc, { id: 'd3', name: '  ' })).toEqual({ ok: false, error: 'required' });
    expect(addDistrict(doc, { id: 'd3', name: 'x'.repeat(51) })).toEqual({ ok: false, error: 'too-long' });
    expect(addDistrict(doc, { id: 'd3', name: '本町地区' })).toEqual({ ok: false, error: 'duplicate' });
    expect(hqDistricts(doc).size).toBe(2);
  });
});
