import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkInHousehold, checkOutPerson, emptyPersonInput, readPerson, type PersonInput } from '../../domain/people';
import { findDuplicateCandidates } from '../../domain/duplicates';
import { tallyShelterPeople } from '../../domain/counts';
import {
  correctCheckInTime, isInTheFuture, markNotDuplicate, mergePeople, personHistory, readmitPerson,
} from '../../domain/roster-corrections';
import { idSequence, syncBoth } from './fixtures/docs';

const NOW = new Date('2026-07-04T03:00:00.000Z');
const by = 'tablet-1';
const person = (name: string, kana = '', over: Partial<PersonInput> = {}): PersonInput => ({ ...emptyPersonInput(), name, kana, ...over });

function checkIn(doc: Y.Doc, prefix: string, ...members: PersonInput[]): string[] {
  const r = checkInHousehold(doc, members, { now: NOW, newId: idSequence(prefix) });
  if (!r.ok) throw new Error('check-in failed');
  return r.value.personIds;
}

describe('re-admission', () => {
  it('takes back an accidental check-out and keeps it in the history', () => {
    const doc = new Y.Doc();
    const [id] = checkIn(doc, 'a', person('山田 太郎'));
    checkOutPerson(doc, id, new Date('2026-07-04T04:00:00.000Z'));
    expect(readmitPerson(doc, id, { now: new Date('2026-07-04T04:05:00.000Z'), by })).toMatchObject({ ok: true });
    expect(readPerson(doc, id)!.checkedOutAt).toBeNull();
    expect(personHistory(doc, id)).toEqual([
      { event: 'readmitted', at: '2026-07-04T04:05:00.000Z', by, previousCheckOut: '2026-07-04T04:00:00.000Z' },
    ]);
    expect(readmitPerson(doc, id, { now: NOW, by })).toEqual({ ok: false, error: 'not-checked-out' });
    expect(readmitPerson(doc, 'nobody', { now: NOW, by })).toEqual({ ok: false, error: 'not-found' });
  });
});

describe('duplicates: merge or dismiss', () => {
  it('"same person — merge" keeps one record with both histories, and is not a departure', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const [first] = checkIn(a, 'a', person('佐藤 花子', 'サトウ ハナコ', { needs: ['allergy'], note: '卵アレルギー' }));
    const [second] = checkIn(b, 'b', person('佐藤花子', '', { needs: ['wheelchair'] }));
    checkOutPerson(b, second, new Date('2026-07-04T03:30:00.000Z'));
    readmitPerson(b, second, { now: new Date('2026-07-04T03:40:00.000Z'), by: 'tablet-2' });
    syncBoth(a, b);
    expect(findDuplicateCandidates(a)).toHaveLength(1);
    const before = tallyShelterPeople(a, NOW);

    const r = mergePeople(a, first, second, { now: NOW, by });
    expect(r.ok).toBe(true);
    syncBoth(a, b);
    for (const doc of [a, b]) {
      expect(readPerson(doc, second)).toBeNull();
      expect(readPerson(doc, first)).toMatchObject({ needs: ['allergy', 'wheelchair'], kana: 'サトウ ハナコ', note: '卵アレルギー' });
      expect(personHistory(doc, first).map((e) => e.event)).toEqual(['readmitted', 'merged']);
      expect(personHistory(doc, first)[1]).toMatchObject({ from: second, fromName: '佐藤花子' });
      expect(findDuplicateCandidates(doc)).toEqual([]);
      const after = tallyShelterPeople(doc, NOW);
      expect(after.present.shelter).toBe(before.present.shelter - 1);
      expect(after.departuresToday).toBe(before.departuresToday);
    }
  });

  it('"not the same person" stops flagging that pair on every tablet, but not a third record', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const [x] = checkIn(a, 'x', person('鈴木 一郎', 'スズキ イチロウ'));
    const [y] = checkIn(a, 'y', person('鈴木 一郎', 'すずき いちろう'));
    syncBoth(a, b);
    markNotDuplicate(b, x, y, { now: NOW, by });
    syncBoth(a, b);
    expect(findDuplicateCandidates(a)).toEqual([]);
    const [z] = checkIn(a, 'z', person('鈴木一郎', ''));
    const groups = findDuplicateCandidates(a);
    expect(groups).toHaveLength(1);
    expect(groups[0].people.map((p) => p.id).sort()).toEqual([x, y, z].sort());
  });
});

describe('check-in time', () => {
  it('flags a time in the future and lets staff correct it, with the correction in the history', () => {
    const doc = new Y.Doc();
    const wrongClock = new Date('2027-07-04T03:00:00.000Z');
    const r = checkInHousehold(doc, [person('高橋 誠')], { now: wrongClock, newId: idSequence('t') });
    const id = r.ok ? r.value.personIds[0] : '';
    expect(isInTheFuture(readPerson(doc, id)!.checkedInAt, NOW)).toBe(true);
    expect(correctCheckInTime(doc, id, '2026-07-05T00:00:00.000Z', { now: NOW, by })).toEqual({ ok: false, error: 'in-the-future' });
    expect(correctCheckInTime(doc, id, 'yesterday', { now: NOW, by })).toEqual({ ok: false, error: 'invalid-time' });
    expect(correctCheckInTime(doc, id, '2026-07-04T01:30:00.000Z', { now: NOW, by }).ok).toBe(true);
    expect(readPerson(doc, id)!.checkedInAt).toBe('2026-07-04T01:30:00.000Z');
    expect(isInTheFuture(readPerson(doc, id)!.checkedInAt, NOW)).toBe(false);
    expect(personHistory(doc, id)).toEqual([
      { event: 'check-in-corrected', at: NOW.toISOString(), by, from: '2027-07-04T03:00:00.000Z', to: '2026-07-04T01:30:00.000Z' },
    ]);
    checkOutPerson(doc, id, new Date('2026-07-04T02:00:00.000Z'));
    expect(correctCheckInTime(doc, id, '2026-07-04T02:30:00.000Z', { now: NOW, by })).toEqual({ ok: false, error: 'after-check-out' });
  });
});

describe('ふりがな', () => {
  it('is stored as full-width katakana whether typed in hiragana, katakana or half-width', () => {
    const doc = new Y.Doc();
    const ids = checkIn(doc, 'k', person('山田 太郎', 'やまだ たろう'), person('山田 花子', 'ﾔﾏﾀﾞ ﾊﾅｺ'), person('山田 次郎', 'ヤマダ ジロウ'));
    expect(ids.map((id) => readPerson(doc, id)!.kana)).toEqual(['ヤマダ タロウ', 'ヤマダ ハナコ', 'ヤマダ ジロウ']);
  });
});
