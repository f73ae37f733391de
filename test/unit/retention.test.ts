// Retention rules: when a closed shelter's roster is due for purging, what the purged document
// keeps (counts, ledger, items, requests, meta) and what it drops (people, duplicate decisions),
// and the closing time that starts the clock.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import {
  DEFAULT_RETENTION_DAYS, docEpoch, emptyState, namesOnRecord, purgeDueAt, purgedState, retainedCounts, retentionDays, retentionSchedule, setRetentionDays,
} from '../../domain/retention';
import { hqMeta, shelterItems, shelterMeta, shelterNotDuplicates, shelterPeople, shelterStock } from '../../domain/schema';
import { setShelterStatus } from '../../domain/shelter-status';

function shelterWithPeople(): Y.Doc {
  const doc = new Y.Doc();
  let n = 0;
  const p = (name: string, over = {}) => ({ ...emptyPersonInput(), name, kana: 'カナ', ...over });
  checkInHousehold(doc, [p('一', { needs: ['dialysis'] }), p('二', { ageGroup: 'child' })], { now: new Date('2026-08-01T00:00:00Z'), newId: () => `id${n++}` });
  checkInHousehold(doc, [p('三', { protected: true })], { now: new Date('2026-08-02T00:00:00Z'), newId: () => `id${n++}` });
  shelterItems(doc).set('water', { id: 'water', name: '水', unit: '本', perPersonPerDay: 1 });
  shelterStock(doc).push([{ id: 'l1', item: 'water', delta: 10, reason: 'received', at: '2026-08-01T00:00:00Z', by: '受付' }]);
  shelterNotDuplicates(doc).set('id0|id3', { at: '2026-08-01T00:00:00Z', by: '受付' });
  return doc;
}

describe('retention', () => {
  it('the period is HQ\'s setting within 1–3650 days, 90 by default; anything else is refused', () => {
    const hq = new Y.Doc();
    expect(retentionDays(hq)).toBe(DEFAULT_RETENTION_DAYS);
    for (const bad of [0, -1, 1.5, 4000, Number.NaN]) expect(setRetentionDays(hq, bad)).toEqual({ ok: false, error: 'out-of-range' });
    expect(setRetentionDays(hq, 30)).toEqual({ ok: true, value: 30 });
    expect(retentionDays(hq)).toBe(30);
    hqMeta(hq).set('retentionDays', 'many');
    expect(retentionDays(hq)).toBe(DEFAULT_RETENTION_DAYS);
  });

  it('a purge is due the retention period after the closure, never for a shelter that is not closed', () => {
    expect(purgeDueAt('2026-08-20T03:00:00.000Z', 90)).toBe('2026-11-18T03:00:00.000Z');
    expect(purgeDueAt(null, 90)).toBeNull();
    expect(purgeDueAt('not a date', 90)).toBeNull();
  });

  it('closing records when (the clock starts); reopening clears it; closing twice keeps the first time', () => {
    const doc = new Y.Doc();
    setShelterStatus(doc, 'open', new Date('2026-08-01T00:00:00Z'));
    expect(shelterMeta(doc).get('closedAt')).toBeUndefined();
    setShelterStatus(doc, 'closed', new Date('2026-08-20T00:00:00Z'));
    setShelterStatus(doc, 'closed', new Date('2026-08-21T00:00:00Z'));
    expect(shelterMeta(doc).get('closedAt')).toBe('2026-08-20T00:00:00.000Z');
    setShelterStatus(doc, 'open', new Date('2026-08-22T00:00:00Z'));
    expect(shelterMeta(doc).has('closedAt')).toBe(false);
  });

  it('the purged document keeps counts, ledger, items and meta; no person, no name, no duplicate decision, no byte of a name', () => {
    const doc = shelterWithPeople();
    setShelterStatus(doc, 'closed', new Date('2026-08-20T00:00:00Z'));
    expect(namesOnRecord(doc).sort()).toEqual(['カナ', '一', '三', '二']);
    const counts = retainedCounts(doc);
    const state = purgedState(doc, new Date('2026-11-20T00:00:00Z'));
    const purged = new Y.Doc();
    Y.applyUpdate(purged, state);
    expect(shelterPeople(purged).size).toBe(0);
    expect(shelterNotDuplicates(purged).size).toBe(0);
    expect(shelterStock(purged).toArray()).toEqual(shelterStock(doc).toArray());
    expect(shelterItems(purged).get('water')).toEqual({ id: 'water', name: '水', unit: '本', perPersonPerDay: 1 });
    expect(shelterMeta(purged).get('retainedCounts')).toEqual(counts);
    expect(counts).toMatchObject({ people: 3, households: 2, ageGroups: { adult: 2, child: 1 }, needs: { dialysis: 1 }, firstCheckInAt: '2026-08-01T00:00:00.000Z' });
    expect(shelterMeta(purged).get('status')).toBe('closed');
    expect(docEpoch(purged)).toBe('2026-11-20T00:00:00.000Z');
    expect(docEpoch(doc)).toBe('');
    // a fresh document, not a deletion inside the old one: no tombstone keeps a name
    const text = Buffer.from(state).toString('utf8');
    for (const name of ['一', '二', '三', 'カナ']) expect(text.includes(name), name).toBe(false);
    // its client ids are new, so nothing in the old document's history is referenced
    expect([...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)).keys()]).not.toContain(doc.clientID);
  });

  it('a box dropping its copy keeps an empty document: the epoch field is the city\'s to write', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, emptyState());
    expect(docEpoch(doc)).toBe('');
    expect(shelterPeople(doc).size).toBe(0);
  });
});

describe('HQ\'s retention schedule', () => {
  it('lists closed shelters soonest purge first, then the purged; open ones are not listed', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const lines = retentionSchedule(
      [
        { shelterId: 'open', status: 'open', closedAt: null, peopleOnRecord: 9 },
        { shelterId: 'late', status: 'closed', closedAt: '2026-11-30T00:00:00Z', peopleOnRecord: 3 },
        { shelterId: 'soon', status: 'closed', closedAt: '2026-09-05T00:00:00Z', peopleOnRecord: 5 },
        { shelterId: 'due', status: 'closed', closedAt: '2026-08-01T00:00:00Z', peopleOnRecord: 1 },
        { shelterId: 'gone', status: 'closed', closedAt: '2026-07-01T00:00:00Z', purgedAt: '2026-09-29T00:00:00Z', peopleOnRecord: 0 },
        // purged once, reopened and closed again with new people: scheduled again, from its last closure
        { shelterId: 'again', status: 'closed', closedAt: '2026-11-20T00:00:00Z', purgedAt: '2026-09-29T00:00:00Z', peopleOnRecord: 2 },
      ],
      90,
      now,
    );
    expect(lines.map((l) => [l.shelterId, l.daysLeft])).toEqual([['due', 0], ['soon', 3], ['again', 79], ['late', 89], ['gone', null]]);
    expect(lines[1].dueAt).toBe('2026-12-04T00:00:00.000Z');
  });
});
