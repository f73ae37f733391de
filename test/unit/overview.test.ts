import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { summarizeShelter } from '../../domain/overview';
import { shelterMeta } from '../../domain/schema';
import { appendLedgerEntry, seedDefaultItems } from '../../domain/stock';
import { createRequest, setRequestStatus } from '../../domain/requests';
import { idSequence, putPerson } from './fixtures/docs';

// 01:30 on 11 March in Japan; 16:30 on 10 March in UTC.
const NOW = new Date('2026-03-10T16:30:00.000Z');

describe('summarizeShelter', () => {
  it('counts people present by stay type and leaves out those who checked out', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'a', stay: 'shelter' });
    putPerson(doc, { id: 'b', stay: 'shelter' });
    putPerson(doc, { id: 'c', stay: 'car' });
    putPerson(doc, { id: 'd', stay: 'home' });
    putPerson(doc, { id: 'e', stay: 'shelter', checkedOutAt: '2026-03-01T00:00:00.000Z' });
    const s = summarizeShelter(doc, 's1', NOW);
    expect(s.shelterId).toBe('s1');
    expect(s.present).toEqual({ shelter: 2, car: 1, home: 1 });
  });

  it('counts needs and age groups over the people present only', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'a', ageGroup: 'elderly', needs: ['wheelchair', 'medical'] });
    putPerson(doc, { id: 'b', ageGroup: 'infant', needs: ['infant-care'], stay: 'car' });
    putPerson(doc, { id: 'c', ageGroup: 'elderly', needs: ['wheelchair'], stay: 'home' });
    putPerson(doc, { id: 'gone', ageGroup: 'child', needs: ['pet'], checkedOutAt: '2026-03-09T00:00:00.000Z' });
    const s = summarizeShelter(doc, 's1', NOW);
    expect(s.needs).toEqual({ wheelchair: 2, medical: 1, 'infant-care': 1 });
    expect(s.ageGroups).toEqual({ infant: 1, child: 0, adult: 0, elderly: 2 });
  });

  it('counts a need listed twice for one person once', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'a', needs: ['allergy', 'allergy'] });
    expect(summarizeShelter(doc, 's1', NOW).needs).toEqual({ allergy: 1 });
  });

  it('counts arrivals and departures of the Japanese calendar day, not the UTC one', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'after-jst-midnight', checkedInAt: '2026-03-10T15:10:00.000Z' }); // 00:10 JST 11 Mar
    putPerson(doc, { id: 'before-jst-midnight', checkedInAt: '2026-03-10T14:50:00.000Z' }); // 23:50 JST 10 Mar
    putPerson(doc, {
      id: 'left-today',
      checkedInAt: '2026-03-09T01:00:00.000Z',
      checkedOutAt: '2026-03-10T16:00:00.000Z',
    });
    putPerson(doc, {
      id: 'left-yesterday',
      checkedInAt: '2026-03-09T01:00:00.000Z',
      checkedOutAt: '2026-03-10T10:00:00.000Z',
    });
    const jst = summarizeShelter(doc, 's1', NOW);
    expect(jst.arrivalsToday).toBe(1);
    expect(jst.departuresToday).toBe(1);
    const utc = summarizeShelter(doc, 's1', NOW, null, { tzOffsetMinutes: 0 });
    expect(utc.arrivalsToday).toBe(2);
    expect(utc.departuresToday).toBe(2);
  });

  it('counts someone who arrived and left today as both an arrival and a departure', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'a', checkedInAt: '2026-03-10T15:30:00.000Z', checkedOutAt: '2026-03-10T16:00:00.000Z' });
    const s = summarizeShelter(doc, 's1', NOW);
    expect([s.arrivalsToday, s.departuresToday]).toEqual([1, 1]);
    expect(s.present).toEqual({ shelter: 0, car: 0, home: 0 });
  });

  it('lists open and acknowledged requests, not delivered or cancelled ones', () => {
    const doc = new Y.Doc();
    seedDefaultItems(doc);
    const newId = idSequence('r');
    const ctx = { now: NOW, newId };
    const open = createRequest(doc, { item: 'water', quantity: 100 }, ctx);
    const acked = createRequest(doc, { item: 'food', quantity: 50 }, ctx);
    const delivered = createRequest(doc, { item: 'blanket', quantity: 20 }, ctx);
    const cancelled = createRequest(doc, { item: 'mask', quantity: 200 }, ctx);
    if (!open.ok || !acked.ok || !delivered.ok || !cancelled.ok) throw new Error('setup');
    setRequestStatus(doc, acked.value.id, 'acknowledged', NOW);
    setRequestStatus(doc, delivered.value.id, 'acknowledged', NOW);
    setRequestStatus(doc, delivered.value.id, 'delivered', NOW);
    setRequestStatus(doc, cancelled.value.id, 'cancelled', NOW);
    const s = summarizeShelter(doc, 's1', NOW);
    expect(s.openRequests.map((r) => [r.item, r.status])).toEqual([
      ['water', 'open'],
      ['food', 'acknowledged'],
    ]);
  });

  it('flags items with a daily ration that last under two days for everyone present, cars and homes included', () => {
    const doc = new Y.Doc();
    seedDefaultItems(doc);
    for (let i = 0; i < 4; i++) putPerson(doc, { id: `s${i}`, stay: 'shelter' });
    for (let i = 0; i < 3; i++) putPerson(doc, { id: `c${i}`, stay: 'car' });
    for (let i = 0; i < 3; i++) putPerson(doc, { id: `h${i}`, stay: 'home' });
    const ctx = { now: NOW, newId: idSequence('l') };
    // 10 people: water 3 L/day → 30 L/day; food 3/day → 30/day; masks 1/day → 10/day.
    appendLedgerEntry(doc, { item: 'water', delta: 50, reason: 'received', by: 't' }, ctx); // 1.67 days
    appendLedgerEntry(doc, { item: 'food', delta: 100, reason: 'received', by: 't' }, ctx); // 3.33 days
    appendLedgerEntry(doc, { item: 'mask', delta: 5, reason: 'received', by: 't' }, ctx); // 0.5 days
    appendLedgerEntry(doc, { item: 'blanket', delta: 1, reason: 'received', by: 't' }, ctx); // no ration
    // toilet bags: none at all → 0 days.
    const s = summarizeShelter(doc, 's1', NOW);
    expect(s.lowStock.map((l) => l.item)).toEqual(['toilet-bag', 'mask', 'water']);
    expect(s.lowStock.find((l) => l.item === 'water')!.daysLeft).toBeCloseTo(50 / 30);
    expect(s.lowStock.find((l) => l.item === 'water')!.name).toBe('飲料水');
    const lenient = summarizeShelter(doc, 's1', NOW, null, { lowStockDays: 1 });
    expect(lenient.lowStock.map((l) => l.item)).toEqual(['toilet-bag', 'mask']);
  });

  it('flags nothing as low when nobody is present', () => {
    const doc = new Y.Doc();
    seedDefaultItems(doc);
    expect(summarizeShelter(doc, 's1', NOW).lowStock).toEqual([]);
  });

  it('takes the status from the shelter document, open when unset, and passes lastUpdateAt through', () => {
    const doc = new Y.Doc();
    expect(summarizeShelter(doc, 's1', NOW).status).toBe('open');
    expect(summarizeShelter(doc, 's1', NOW).lastUpdateAt).toBeNull();
    shelterMeta(doc).set('status', 'full');
    const s = summarizeShelter(doc, 's1', NOW, '2026-03-10T16:29:59.000Z');
    expect(s.status).toBe('full');
    expect(s.lastUpdateAt).toBe('2026-03-10T16:29:59.000Z');
    shelterMeta(doc).set('status', 'bogus');
    expect(summarizeShelter(doc, 's1', NOW).status).toBe('open');
  });

  it('survives malformed person records from a foreign client', () => {
    const doc = new Y.Doc();
    putPerson(doc, { id: 'odd', stay: 'boat' as never, ageGroup: 42 as never, needs: 'wheelchair' as never, checkedInAt: 'yesterday' });
    const s = summarizeShelter(doc, 's1', NOW);
    expect(s.present.shelter).toBe(1);
    expect(s.ageGroups.adult).toBe(1);
    expect(s.needs).toEqual({});
    expect(s.arrivalsToday).toBe(0);
  });

  it('summarises a 10,000-person shelter with 50,000 ledger entries quickly enough to run after every change', () => {
    const doc = new Y.Doc();
    seedDefaultItems(doc);
    const stays = ['shelter', 'car', 'home'] as const;
    doc.transact(() => {
      for (let i = 0; i < 10_000; i++) {
        putPerson(doc, { id: `p${i}`, stay: stays[i % 3], needs: i % 7 === 0 ? ['wheelchair'] : [] });
      }
    });
    const items = ['water', 'food', 'mask', 'blanket'];
    const entries = Array.from({ length: 50_000 }, (_, i) => ({
      id: `e${i}`, item: items[i % 4], delta: 5, reason: 'received' as const, at: NOW.toISOString(), by: 't',
    }));
    doc.getArray('stock').push(entries);
    summarizeShelter(doc, 's1', NOW); // warm-up
    const t0 = performance.now();
    const s = summarizeShelter(doc, 's1', NOW);
    const ms = performance.now() - t0;
    expect(s.present.shelter + s.present.car + s.present.home).toBe(10_000);
    expect(s.needs.wheelchair).toBe(Math.ceil(10_000 / 7));
    // Typically 10–25 ms; the bound catches a quadratic regression (seconds), not a busy machine.
    expect(ms).toBeLessThan(500);
  });
});
