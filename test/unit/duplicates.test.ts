import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { duplicatesOf, findDuplicateCandidates } from '../../domain/duplicates';
import { checkInHousehold, checkOutPerson, emptyPersonInput, type PersonInput } from '../../domain/people';
import { idSequence, syncBoth } from './fixtures/docs';

const NOW = new Date('2026-07-04T03:00:00.000Z');
const p = (name: string, kana = ''): PersonInput => ({ ...emptyPersonInput(), name, kana });

function checkIn(doc: Y.Doc, prefix: string, ...members: PersonInput[]): string[] {
  const r = checkInHousehold(doc, members, { now: NOW, newId: idSequence(prefix) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.personIds;
}

describe('duplicate candidates', () => {
  it('groups people whose names and kana match after normalising width, script and spaces', () => {
    const doc = new Y.Doc();
    checkIn(doc, 'a', p('山田 太郎', 'ヤマダ タロウ'));
    checkIn(doc, 'b', p('山田　太郎', 'ﾔﾏﾀﾞﾀﾛｳ'));
    checkIn(doc, 'c', p('山田太郎', 'やまだ　たろう'));
    checkIn(doc, 'd', p('山田 花子', 'やまだ はなこ'));
    const groups = findDuplicateCandidates(doc);
    expect(groups).toHaveLength(1);
    expect(groups[0].key).toBe('山田太郎|やまだたろう');
    expect(groups[0].people.map((x) => x.id).sort()).toEqual(['a-2', 'b-2', 'c-2']);
  });

  it('does not group the same name with different kana (two different people)', () => {
    const doc = new Y.Doc();
    checkIn(doc, 'a', p('中村 誠', 'なかむら まこと'));
    checkIn(doc, 'b', p('中村 誠', 'なかむら せい'));
    expect(findDuplicateCandidates(doc)).toEqual([]);
  });

  it('matches on the name alone when either kana is empty', () => {
    const doc = new Y.Doc();
    checkIn(doc, 'a', p('中村 誠', 'なかむら まこと'));
    checkIn(doc, 'b', p('中村 誠', 'なかむら せい'));
    checkIn(doc, 'c', p('中村誠'));
    const groups = findDuplicateCandidates(doc);
    expect(groups.map((g) => [g.key, g.people.map((x) => x.id).sort()])).toEqual([
      ['中村誠|なかむらせい', ['b-2', 'c-2']],
      ['中村誠|なかむらまこと', ['a-2', 'c-2']],
    ]);
    const twoWithout = new Y.Doc();
    checkIn(twoWithout, 'a', p('Maria Santos'));
    checkIn(twoWithout, 'b', p('MARIA SANTOS'));
    expect(findDuplicateCandidates(twoWithout).map((g) => g.key)).toEqual(['mariasantos|']);
  });

  it('leaves out people who have left', () => {
    const doc = new Y.Doc();
    const [gone] = checkIn(doc, 'a', p('山田 太郎', 'やまだ たろう'));
    checkIn(doc, 'b', p('山田 太郎', 'やまだ たろう'));
    checkOutPerson(doc, gone, NOW);
    expect(findDuplicateCandidates(doc)).toEqual([]);
  });

  it('two households with the same name on two offline tablets show up as duplicates after merge', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    checkIn(a, 'a', p('佐藤 健', 'さとう けん'), p('佐藤 美咲', 'さとう みさき'));
    checkIn(b, 'b', p('佐藤 健', 'サトウ ケン'), p('佐藤 美咲', 'サトウ ミサキ'));
    expect(findDuplicateCandidates(a)).toEqual([]);
    expect(findDuplicateCandidates(b)).toEqual([]);
    syncBoth(a, b);
    for (const d of [a, b]) {
      const groups = findDuplicateCandidates(d);
      expect(groups.map((g) => g.key)).toEqual(['佐藤健|さとうけん', '佐藤美咲|さとうみさき']);
      expect(groups.every((g) => g.people.length === 2)).toBe(true);
    }
  });
});

describe('duplicatesOf (the warning while checking in)', () => {
  it('finds people present with the same name and compatible kana', () => {
    const doc = new Y.Doc();
    checkIn(doc, 'a', p('山田 太郎', 'やまだ たろう'));
    checkIn(doc, 'b', p('山田 太郎', 'やまだ たかお'));
    expect(duplicatesOf(doc, p('山田太郎', 'ヤマダタロウ')).map((x) => x.id)).toEqual(['a-2']);
    expect(duplicatesOf(doc, p('山田太郎')).map((x) => x.id).sort()).toEqual(['a-2', 'b-2']);
    expect(duplicatesOf(doc, p('山田 次郎', 'やまだ たろう'))).toEqual([]);
    expect(duplicatesOf(doc, p('  '))).toEqual([]);
  });
});
