import { describe, expect, it } from 'vitest';
import { buildSearchIndex, searchPeople, searchPeopleWithTotal } from '../../domain/search';
import type { Person } from '../../domain/schema';

let n = 0;
function person(name: string, kana: string, over: Partial<Person> = {}): Person {
  n++;
  return {
    id: `p${String(n).padStart(5, '0')}`, householdId: `h${n}`, name, kana, ageGroup: 'adult', sex: 'unanswered', needs: [],
    language: 'ja', districtId: 'd1', stay: 'shelter', checkedInAt: '2026-07-04T00:00:00.000Z', checkedOutAt: null,
    note: '', consent: 'none', protected: false, birthYear: null, ...over,
  };
}

const people = [
  person('山田 太郎', 'やまだ たろう'),
  person('山田 花子', 'ヤマダ ハナコ', { needs: ['wheelchair'], stay: 'car' }),
  person('山本 一郎', 'やまもと いちろう', { checkedOutAt: '2026-07-04T02:00:00.000Z' }),
  person('田中 太郎', ''),
  person('Maria Santos', 'まりあ さんとす', { needs: ['interpreter'], stay: 'home' }),
];
const index = buildSearchIndex(people);
const names = (ps: Person[]) => ps.map((p) => p.name);

describe('searchPeople', () => {
  it('finds a kana prefix in hiragana, katakana or half width', () => {
    expect(names(searchPeople(index, { query: 'やまだ' }))).toEqual(['山田 太郎', '山田 花子']);
    expect(names(searchPeople(index, { query: 'ヤマダ' }))).toEqual(['山田 太郎', '山田 花子']);
    expect(names(searchPeople(index, { query: 'ﾔﾏﾀﾞ' }))).toEqual(['山田 太郎', '山田 花子']);
  });

  it('matches across the space of the whole kana and name', () => {
    expect(names(searchPeople(index, { query: 'やまだた' }))).toEqual(['山田 太郎']);
    expect(names(searchPeople(index, { query: 'やまだ　は' }))).toEqual(['山田 花子']);
    expect(names(searchPeople(index, { query: '山田太' }))).toEqual(['山田 太郎']);
  });

  it('finds a prefix of any part of the name or kana', () => {
    expect(names(searchPeople(index, { query: 'たろう' }))).toEqual(['山田 太郎']);
    expect(names(searchPeople(index, { query: '太郎' }))).toEqual(['山田 太郎', '田中 太郎']);
    expect(names(searchPeople(index, { query: 'san', presence: 'all' }))).toEqual(['Maria Santos']);
    expect(names(searchPeople(index, { query: 'ＭＡＲ' }))).toEqual(['Maria Santos']);
  });

  it('does not match the middle of a word', () => {
    expect(searchPeople(index, { query: 'まだ' })).toEqual([]);
    expect(searchPeople(index, { query: '郎' })).toEqual([]);
  });

  it('shows people present by default, and those who left or everyone when asked', () => {
    expect(names(searchPeople(index, { query: 'やま' }))).toEqual(['山田 太郎', '山田 花子']);
    expect(names(searchPeople(index, { query: 'やま', presence: 'left' }))).toEqual(['山本 一郎']);
    expect(names(searchPeople(index, { query: 'やま', presence: 'all' }))).toEqual(['山田 太郎', '山田 花子', '山本 一郎']);
  });

  it('filters by stay type and need, with or without a query', () => {
    expect(names(searchPeople(index, { query: '', stay: 'car' }))).toEqual(['山田 花子']);
    expect(names(searchPeople(index, { query: '', need: 'interpreter' }))).toEqual(['Maria Santos']);
    expect(names(searchPeople(index, { query: 'やまだ', need: 'wheelchair' }))).toEqual(['山田 花子']);
    expect(searchPeople(index, { query: 'やまだ', stay: 'home' })).toEqual([]);
  });

  it('lists everyone present in kana order (people without kana after, by name) for an empty query, and honours the limit with a total', () => {
    expect(names(searchPeople(index, { query: '  ' }))).toEqual(['Maria Santos', '山田 太郎', '山田 花子', '田中 太郎']);
    expect(searchPeopleWithTotal(index, { query: '' }, 2)).toMatchObject({ total: 4 });
    expect(searchPeopleWithTotal(index, { query: '' }, 2).people).toHaveLength(2);
  });

  it('a rebuild from the previous index after edits and a new arrival finds the same as a fresh build', () => {
    const edited = people.map((p) => (p.name === '山田 花子' ? { ...p, name: '山田 華子', kana: 'やまだ はなこ' } : p));
    const next = [...edited, person('鈴木 一郎', 'すずき いちろう')];
    const rebuilt = buildSearchIndex(next, index);
    const fresh = buildSearchIndex(next);
    expect(rebuilt.keys).toEqual(fresh.keys);
    expect([...rebuilt.ranks]).toEqual([...fresh.ranks]);
    expect(names(searchPeople(rebuilt, { query: '華子' }))).toEqual(['山田 華子']);
    expect(names(searchPeople(rebuilt, { query: 'すず' }))).toEqual(['鈴木 一郎']);
    expect(searchPeople(rebuilt, { query: '花子' })).toEqual([]);
  });

  it('answers a keystroke over 10,000 people in a few milliseconds', () => {
    const seed = { s: 42 };
    const rand = () => ((seed.s = (seed.s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const syl = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ';
    const word = (len: number) => Array.from({ length: len }, () => syl[Math.floor(rand() * syl.length)]).join('');
    const many = Array.from({ length: 10_000 }, () => person(`名 ${word(2)}`, `${word(3)} ${word(3)}`));
    const t0 = performance.now();
    const big = buildSearchIndex(many);
    const buildMs = performance.now() - t0;
    const queries = ['あ', 'あい', 'あいう', 'か', 'かき', 'さ', 'ま', 'まみ', 'ら', 'を'];
    for (const q of queries) searchPeople(big, { query: q });
    const t1 = performance.now();
    for (let r = 0; r < 10; r++) for (const q of queries) searchPeople(big, { query: q });
    const perKeystroke = (performance.now() - t1) / (10 * queries.length);
    const expected = many.filter((p) => [...p.kana.split(' '), ...p.name.split(' ')].some((part) => part.startsWith('かき'))).length;
    expect(searchPeopleWithTotal(big, { query: 'かき' }, 10_000).total).toBe(expected);
    // Typically ~0.05 ms per keystroke and < 150 ms to build; the bounds catch a linear scan
    // per keystroke or a quadratic build, with room for a busy two-core machine.
    expect(perKeystroke).toBeLessThan(10);
    expect(buildMs).toBeLessThan(3000);
  });
});

describe('protected people in the search', () => {
  it('are never found by name or kana, and are listed after everyone else', () => {
    const listed = [
      person('山田 太郎', 'やまだ たろう'),
      person('青木 花子', 'あおき はなこ', { protected: true }),
      person('渡辺 次郎', 'わたなべ じろう'),
    ];
    const index = buildSearchIndex(listed);
    for (const q of ['あおき', '青木', 'はなこ', '花子', 'アオキ']) expect(searchPeople(index, { query: q })).toEqual([]);
    expect(searchPeople(index, { query: '' }).map((p) => p.name)).toEqual(['山田 太郎', '渡辺 次郎', '青木 花子']);
  });
});
