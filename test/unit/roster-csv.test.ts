import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { ROSTER_COLUMNS, csvCell, formatLocalTime, rosterCsv, type RosterColumn } from '../../domain/roster-csv';
import type { Person } from '../../domain/schema';

const JA_LABELS: Record<RosterColumn, string> = {
  householdId: '世帯', name: '氏名', kana: 'ふりがな', ageGroup: '年齢区分', sex: '性別', needs: '配慮事項',
  language: '言語', districtId: '地区', stay: '避難形態', checkedInAt: '入所', checkedOutAt: '退所',
  consent: '安否情報の開示', note: '備考',
};

function person(id: string, over: Partial<Person> = {}): Person {
  return {
    id, householdId: 'h1', name: '山田 太郎', kana: 'やまだ たろう', ageGroup: 'adult', sex: 'male', needs: [], language: 'ja',
    districtId: 'd1', stay: 'shelter', checkedInAt: '2026-07-04T03:00:00.000Z', checkedOutAt: null, note: '',
    consent: 'anyone', protected: false, birthYear: null, ...over,
  };
}

const parse = (csv: string) => Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;

describe('rosterCsv', () => {
  it('starts with a UTF-8 BOM, ends lines with CRLF and has the caller’s header labels', () => {
    const csv = rosterCsv([person('a')], { presentOnly: false, labels: JA_LABELS });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toHaveLength(3);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(parse(csv)[0]).toEqual(ROSTER_COLUMNS.map((c) => JA_LABELS[c]));
  });

  it('writes one row per person with local (Japan) times and translated values', () => {
    const csv = rosterCsv([person('a', { needs: ['wheelchair', 'allergy'], checkedOutAt: '2026-07-04T16:05:00.000Z', stay: 'car' })], {
      presentOnly: false,
      labels: JA_LABELS,
      values: { ageGroup: { adult: '成人' }, sex: { male: '男性' }, stay: { car: '車中' }, needs: { wheelchair: '車いす' }, districts: { d1: '八代' }, consent: { anyone: '知人にも可' } },
    });
    expect(parse(csv)[1]).toEqual(['h1', '山田 太郎', 'やまだ たろう', '成人', '男性', '車いす・allergy', 'ja', '八代', '車中', '2026-07-04 12:00', '2026-07-05 01:05', '知人にも可', '']);
  });

  it('never contains a protected person, present or not', () => {
    const people = [person('a'), person('b', { name: '保護 花子', protected: true }), person('c', { name: '保護 済', protected: true, checkedOutAt: '2026-07-04T05:00:00.000Z' })];
    for (const presentOnly of [true, false]) {
      const csv = rosterCsv(people, { presentOnly, labels: JA_LABELS });
      expect(csv).not.toContain('保護');
      expect(parse(csv).map((r) => r[1])).toEqual(['氏名', '山田 太郎']);
    }
  });

  it('leaves out people who left when asked for those present only', () => {
    const people = [person('a'), person('b', { name: '退所 済', checkedOutAt: '2026-07-04T05:00:00.000Z' })];
    expect(parse(rosterCsv(people, { presentOnly: true, labels: JA_LABELS })).map((r) => r[1])).toEqual(['氏名', '山田 太郎']);
    expect(parse(rosterCsv(people, { presentOnly: false, labels: JA_LABELS }))).toHaveLength(3);
  });

  it('keeps household members together, households in order of arrival', () => {
    const people = [
      person('x1', { householdId: 'late', name: '後', checkedInAt: '2026-07-04T05:00:00.000Z' }),
      person('y1', { householdId: 'early', name: '先1', checkedInAt: '2026-07-04T01:00:00.000Z' }),
      person('x2', { householdId: 'late', name: '後2', checkedInAt: '2026-07-04T06:00:00.000Z' }),
      person('y2', { householdId: 'early', name: '先2', checkedInAt: '2026-07-04T07:00:00.000Z' }),
    ];
    expect(parse(rosterCsv(people, { presentOnly: false, labels: JA_LABELS })).slice(1).map((r) => r[1])).toEqual(['先1', '先2', '後', '後2']);
  });

  it('quotes commas, quotes and line breaks so that the file parses back to the same text', () => {
    const note = '持病あり, "要注意"\r\n夜間は別室';
    const csv = rosterCsv([person('a', { note, name: 'Smith, John' })], { presentOnly: false, labels: JA_LABELS });
    const row = parse(csv)[1];
    expect(row[1]).toBe('Smith, John');
    expect(row[12]).toBe(note);
  });

  it('disarms cells Excel would run as formulas', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1+1', '-2', '@SUM(A1)', '\t=1']) {
      expect(csvCell(evil).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    }
    const csv = rosterCsv([person('a', { name: '=1+2', note: '@cmd' })], { presentOnly: false, labels: JA_LABELS });
    const row = parse(csv)[1];
    expect(row[1]).toBe("'=1+2");
    expect(row[12]).toBe("'@cmd");
    expect(csvCell('山田')).toBe('山田');
  });

  it('formats times in the requested time zone and leaves an empty time empty', () => {
    expect(formatLocalTime('2026-07-04T15:30:00.000Z')).toBe('2026-07-05 00:30');
    expect(formatLocalTime('2026-07-04T15:30:00.000Z', 0)).toBe('2026-07-04 15:30');
    expect(formatLocalTime(null)).toBe('');
  });
});
