import { describe, expect, it } from 'vitest';
import { byAddress, matchConfidence, parseJapaneseDate, parseSupportList, supportStatus } from '../../domain/support-list';

const districts = new Map([['d1', '本町地区'], ['d2', '港町地区']]);
const HEADER = '氏名,ふりがな,生年月日,性別,住所,電話,避難支援を要する事由,地区,避難支援等関係者,平常時提供同意';

describe('the support list as municipal systems write it', () => {
  it('reads dates in 西暦 and 和暦, and nothing that is not a date', () => {
    expect(parseJapaneseDate('1945/4/1')).toBe('1945-04-01');
    expect(parseJapaneseDate('1945-04-01')).toBe('1945-04-01');
    expect(parseJapaneseDate('19450401')).toBe('1945-04-01');
    expect(parseJapaneseDate('１９４５年４月１日')).toBe('1945-04-01');
    expect(parseJapaneseDate('昭和20年4月1日')).toBe('1945-04-01');
    expect(parseJapaneseDate('S20.4.1')).toBe('1945-04-01');
    expect(parseJapaneseDate('昭和元年12月25日')).toBe('1926-12-25');
    expect(parseJapaneseDate('平成元年1月8日')).toBe('1989-01-08');
    expect(parseJapaneseDate('R2/4/1')).toBe('2020-04-01');
    expect(parseJapaneseDate('大正15年3月3日')).toBe('1926-03-03');
    expect(parseJapaneseDate('1945/2/30')).toBeNull();
    expect(parseJapaneseDate('昔')).toBeNull();
  });

  it('reads the columns by their Japanese names, resolves districts by id or name, lists bad rows with their line, and keys people stably', () => {
    const csv = [
      HEADER,
      '山田 花子,やまだ はなこ,昭和15年5月5日,女,本町1-2-3,090-1111-2222,要介護3（車いす）,本町地区,民生委員 佐藤,有',
      '鈴木 一郎,すずき いちろう,1938/1/2,男,港町4-5,,視覚障害,d2,,無',
      ',,,,,,,本町地区,,',
      '田中 次郎,たなか じろう,昭和99年1月1日,男,本町9,,,本町地区,,',
      '佐藤 三郎,さとう さぶろう,,男,本町10,,,山ノ上地区,,',
      '山田 花子,ヤマダ ハナコ,1940/05/05,女,本町1-2-3,,,本町地区,,',
    ].join('\n');
    const r = parseSupportList(csv.replace('佐藤 三郎,さとう さぶろう,,', '佐藤 三郎,さとう さぶろう,,').concat('\n未来 人,みらい ひと,令和30年1月1日,男,本町11,,,本町地区,,'), districts, {}, new Date('2026-12-07'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.people.map((p) => [p.name, p.district, p.birthDate, p.consent])).toEqual([
      ['山田 花子', 'd1', '1940-05-05', true],
      ['鈴木 一郎', 'd2', '1938-01-02', false],
    ]);
    expect(r.value.bad).toEqual([
      { line: 4, problem: 'no-name' },
      { line: 5, problem: 'bad-birth-date', value: '昭和99年1月1日' },
      { line: 6, problem: 'unknown-district', value: '山ノ上地区' },
      { line: 7, problem: 'duplicate', value: '山田 花子' },
      { line: 8, problem: 'bad-birth-date', value: '令和30年1月1日' },
    ]);
    // the same person in a later file: the same key
    const again = parseSupportList([HEADER, '山田　花子,ヤマダハナコ,S15.5.5,女,本町1-2-3,,,本町地区,,'].join('\n'), districts);
    expect(again.ok && again.value.people[0].id).toBe(r.value.people[0].id);
    const missing = parseSupportList('氏名,電話\n山田,1', districts);
    expect(missing).toEqual({ ok: false, error: { kind: 'missing-columns', columns: ['address', 'district'], header: ['氏名', '電話'] } });
  });

  it('matches a check-in by whole name or kana across width and script, and tells same-name people apart by birth year', () => {
    const listed = { name: '山田 花子', kana: 'やまだ はなこ', birthDate: '1940-05-05' };
    expect(matchConfidence(listed, { name: '山田花子', kana: '', birthYear: 1940 })).toBe('high');
    expect(matchConfidence(listed, { name: '', kana: 'ﾔﾏﾀﾞ ﾊﾅｺ', birthYear: null })).toBe('medium');
    expect(matchConfidence(listed, { name: '山田 花子', kana: 'ヤマダ ハナコ', birthYear: 1985 })).toBeNull(); // another person of the same name
    expect(matchConfidence(listed, { name: '山田', kana: '', birthYear: 1940 })).toBeNull(); // never a part of a name
    expect(matchConfidence({ ...listed, birthDate: null }, { name: '山田 花子', kana: '', birthYear: 1985 })).toBe('medium');
  });

  it('a status rests on HQ first, then a match not rejected, then a report', () => {
    const m = (shelterId: string, confidence: 'high' | 'medium', present = true) => ({ shelterId, personId: 'p', confidence, present });
    expect(supportStatus([], {}).status).toBe('unaccounted');
    expect(supportStatus([m('s1', 'medium')], {})).toEqual({ status: 'in-shelter', match: m('s1', 'medium') });
    expect(supportStatus([m('s1', 'medium'), m('s2', 'high')], {}).match?.shelterId).toBe('s2');
    expect(supportStatus([m('s1', 'medium')], { rejected: ['s1/p'] }).status).toBe('unaccounted');
    expect(supportStatus([m('s1', 'medium')], { rejected: ['s1/p'], report: { by: '民生委員', at: 'x', note: null } }).status).toBe('reported');
    expect(supportStatus([], { confirmation: { by: 'HQ', at: 'x', where: '親戚宅', method: 'phone', note: null } }).status).toBe('confirmed');
    expect(['本町1-10', '本町1-2', '本町1-9'].map((address) => ({ district: 'd1', address })).sort(byAddress).map((p) => p.address)).toEqual(['本町1-2', '本町1-9', '本町1-10']);
  });
});
