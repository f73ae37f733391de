import { describe, expect, it } from 'vitest';
import { answersFor, consentAllows, describeQuery, validateSafetyQuery } from '../../domain/safety-answers';
import type { Person } from '../../domain/schema';

/** The year the validators compare birth years against (domain/ reads no clock). */
const YEAR = 2026;

const person = (name: string, kana: string, over: Partial<Person> = {}): Person => ({
  id: name, householdId: 'h', name, kana, ageGroup: 'adult', sex: 'unanswered', needs: [], language: 'ja', districtId: '',
  stay: 'shelter', checkedInAt: '2026-12-01T00:00:00.000Z', checkedOutAt: null, note: '', consent: 'anyone', protected: false, birthYear: null, ...over,
});
const shelter = { id: 's1', name: '本町小学校' };

describe('consent rules', () => {
  it('family may be told when the person allows family or anyone; others only with anyone; nobody with none', () => {
    expect([consentAllows('anyone', 'family'), consentAllows('family', 'family'), consentAllows('none', 'family')]).toEqual([true, true, false]);
    expect([consentAllows('anyone', 'other'), consentAllows('family', 'other'), consentAllows('none', 'other')]).toEqual([true, false, false]);
  });

  it('matches the whole name or kana, width, spaces and script aside; never a prefix or a protected person', () => {
    const people = [person('山田 太郎', 'ヤマダ タロウ'), person('山田 太', 'やまだ ふとし'), person('秘匿 花子', 'ひとく はなこ', { protected: true })];
    const q = (name: string) => answersFor(people, { name, relation: 'other' }, shelter).map((a) => a.name);
    expect(q('山田太郎')).toEqual(['山田 太郎']);
    expect(q('ｙａｍａｄａ')).toEqual([]);
    expect(q('やまだ　たろう')).toEqual(['山田 太郎']);
    expect(q('山田')).toEqual([]);
    expect(q('秘匿 花子')).toEqual([]);
    expect(answersFor([person('退所 済', 'たいしょ すみ', { checkedOutAt: '2026-12-02T00:00:00.000Z' })], { name: '退所済', relation: 'family' }, shelter)[0]).toMatchObject({ present: false, shelterName: '本町小学校' });
  });

  it('refuses an empty or overlong name and an unknown relation', () => {
    expect(validateSafetyQuery({ name: ' 　', relation: 'family' }, YEAR)).toBe('name-required');
    expect(validateSafetyQuery({ name: 'あ'.repeat(101), relation: 'family' }, YEAR)).toBe('name-too-long');
    expect(validateSafetyQuery({ name: '山田', relation: 'friend' }, YEAR)).toBe('relation');
    expect(validateSafetyQuery({ name: 42, relation: 'family' }, YEAR)).toBe('name-required');
    expect(validateSafetyQuery({ name: '山田', relation: 'other' }, YEAR)).toBeNull();
  });

  it('a year of birth tells apart two people of the same name; a record without a year still matches; the log says which year was asked', () => {
    const people = [person('山田 太郎', 'ヤマダ タロウ', { id: 'a', birthYear: 1950 }), person('山田 太郎', 'ヤマダ タロウ', { id: 'b', birthYear: 1988 }), person('山田 太郎', '', { id: 'c' })];
    const q = (birthYear?: number | null) => answersFor(people, { name: '山田太郎', relation: 'other', birthYear }, shelter).length;
    expect(q()).toBe(3);
    expect(q(null)).toBe(3);
    expect(q(1950)).toBe(2);
    expect(q(2001)).toBe(1);
    for (const bad of [1899, 1950.5, '1950', YEAR + 1]) expect(validateSafetyQuery({ name: '山田', relation: 'other', birthYear: bad }, YEAR)).toBe('birth-year');
    expect(validateSafetyQuery({ name: '山田', relation: 'other', birthYear: 1950 }, YEAR)).toBeNull();
    expect(describeQuery({ name: '山田 太郎', relation: 'family', birthYear: 1950 })).toBe('山田 太郎 (1950)');
    expect(describeQuery({ name: '山田 太郎', relation: 'family' })).toBe('山田 太郎');
  });
});
