import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DEFAULT_ITEMS, LOW_STOCK_DAYS, addItem, appendLedgerEntries, appendLedgerEntry, daysOfSupply, readItem, readItems,
  packsToBase, readLedger, seedDefaultItems, stockOnHand, supplyStatus, wouldGoNegative, type LedgerInput,
} from '../../domain/stock';
import { shelterItems, shelterStock } from '../../domain/schema';
import { summarizeShelter } from '../../domain/overview';
import { idSequence, putPerson, syncBoth } from './fixtures/docs';
import { pick, prng, shuffle } from '../../domain/prng';

const NOW = new Date('2026-07-04T03:00:00.000Z');
const ctx = () => ({ now: NOW, newId: idSequence('e') });
const seeded = () => {
  const doc = new Y.Doc();
  seedDefaultItems(doc);
  return doc;
};

describe('item catalog', () => {
  it('seeds the default items with stable ids, Japanese names, units and daily rations', () => {
    const doc = seeded();
    expect(readItems(doc).map((i) => i.id)).toEqual([
      'water', 'food', 'blanket', 'diaper', 'baby-formula', 'medicine', 'toilet-bag', 'sanitary', 'mask', 'towel',
    ]);
    expect(readItem(doc, 'water')).toEqual({ id: 'water', name: '飲料水', unit: 'L', perPersonPerDay: 3, packs: [{ unit: '本', size: 2 }, { unit: '箱', size: 12 }] });
    expect(readItem(doc, 'blanket')).toEqual({ id: 'blanket', name: '毛布', unit: '枚', perPersonPerDay: null });
  });

  it('counts in packs: a pack size is a whole number of base units; a shelter\'s item keeps its own pack; an edited default unit drops the default packs', () => {
    expect(packsToBase(120, 2)).toBe(240);
    expect(packsToBase(Number.MAX_SAFE_INTEGER, 2)).toBeNull();
    const doc = seeded();
    const r = addItem(doc, { name: '紙皿', unit: '枚', perPersonPerDay: null, pack: { unit: '箱', size: 100 } }, { newId: () => 'plates' });
    expect(r.ok).toBe(true);
    expect(readItem(doc, 'plates')?.packs).toEqual([{ unit: '箱', size: 100 }]);
    expect(addItem(doc, { name: '紙コップ', unit: '個', perPersonPerDay: null, pack: { unit: '箱', size: 0 } }, { newId: () => 'x' })).toEqual({ ok: false, error: { pack: 'not-a-positive-integer' } });
    expect(addItem(doc, { name: '紙コップ', unit: '個', perPersonPerDay: null, pack: { unit: '', size: 50 } }, { newId: () => 'x' })).toEqual({ ok: false, error: { pack: 'required' } });
    expect(addItem(doc, { name: '紙コップ', unit: '個', perPersonPerDay: null, pack: { unit: '', size: null } }, { newId: () => 'y' }).ok).toBe(true);
    const edited = new Y.Doc();
    shelterItems(edited).set('water', { id: 'water', name: '水 (2Lボトル)', unit: '本', perPersonPerDay: 1.5 });
    expect(readItem(edited, 'water')?.packs).toBeUndefined();
  });

  it('adds only missing default items and leaves an edited one alone', () => {
    const doc = new Y.Doc();
    shelterItems(doc).set('water', { id: 'water', name: '水 (2Lボトル)', unit: '本', perPersonPerDay: 1.5 });
    expect(seedDefaultItems(doc)).toEqual(DEFAULT_ITEMS.map((i) => i.id).filter((id) => id !== 'water'));
    expect(readItem(doc, 'water')).toEqual({ id: 'water', name: '水 (2Lボトル)', unit: '本', perPersonPerDay: 1.5 });
    expect(seedDefaultItems(doc)).toEqual([]);
  });

  it('seeding on two tablets at once merges into one catalog', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    seedDefaultItems(a);
    seedDefaultItems(b);
    syncBoth(a, b);
    expect(readItems(a)).toEqual(readItems(b));
    expect(readItems(a)).toHaveLength(DEFAULT_ITEMS.length);
  });

  it('adds an item after the defaults and refuses one without a name or unit or with a bad ration', () => {
    const doc = seeded();
    const r = addItem(doc, { name: ' カイロ ', unit: '個', perPersonPerDay: 2 }, { newId: () => 'kairo' });
    expect(r).toEqual({ ok: true, value: { id: 'kairo', name: 'カイロ', unit: '個', perPersonPerDay: 2 } });
    expect(readItems(doc).at(-1)!.id).toBe('kairo');
    expect(addItem(doc, { name: '', unit: '', perPersonPerDay: -1 }, { newId: () => 'x' })).toEqual({
      ok: false, error: { name: 'required', unit: 'required', perPersonPerDay: 'not-a-positive-number' },
    });
    expect(readItem(doc, 'x')).toBeNull();
  });
});

describe('ledger', () => {
  it('records received, distributed, adjusted and transferred entries and sums them per item', () => {
    const doc = seeded();
    const c = ctx();
    appendLedgerEntry(doc, { item: 'water', delta: 500, reason: 'received', by: 'tablet-1' }, c);
    appendLedgerEntry(doc, { item: 'water', delta: -120, reason: 'distributed', by: 'tablet-1' }, c);
    appendLedgerEntry(doc, { item: 'water', delta: -3, reason: 'adjusted', by: 'tablet-1', note: '破損' }, c);
    appendLedgerEntry(doc, { item: 'blanket', delta: 40, reason: 'transferred', by: 'tablet-1' }, c);
    expect(stockOnHand(doc)).toEqual(new Map([['water', 377], ['blanket', 40]]));
    expect(readLedger(doc, 'water').map((e) => e.delta)).toEqual([-3, -120, 500]);
    expect(readLedger(doc, 'water')[0]).toEqual({ id: 'e-3', item: 'water', delta: -3, reason: 'adjusted', at: NOW.toISOString(), by: 'tablet-1', note: '破損' });
  });

  it('refuses bad entries with the field and the reason, and records nothing', () => {
    const doc = seeded();
    const c = ctx();
    const cases: [LedgerInput, unknown][] = [
      [{ item: 'gold', delta: 1, reason: 'received', by: 't' }, { field: 'item', code: 'unknown-item' }],
      [{ item: 'water', delta: 1.5, reason: 'received', by: 't' }, { field: 'delta', code: 'not-an-integer' }],
      [{ item: 'water', delta: Number.NaN, reason: 'received', by: 't' }, { field: 'delta', code: 'not-an-integer' }],
      [{ item: 'water', delta: '5' as never, reason: 'received', by: 't' }, { field: 'delta', code: 'not-an-integer' }],
      [{ item: 'water', delta: 0, reason: 'received', by: 't' }, { field: 'delta', code: 'zero' }],
      [{ item: 'water', delta: 5, reason: 'distributed', by: 't' }, { field: 'delta', code: 'must-be-negative' }],
      [{ item: 'water', delta: -5, reason: 'received', by: 't' }, { field: 'delta', code: 'must-be-positive' }],
      [{ item: 'water', delta: 1e9, reason: 'received', by: 't' }, { field: 'delta', code: 'too-large' }],
      [{ item: 'water', delta: 5, reason: 'stolen' as never, by: 't' }, { field: 'reason', code: 'invalid-choice' }],
      [{ item: 'water', delta: 5, reason: 'received', by: 't', note: 'x'.repeat(501) }, { field: 'note', code: 'too-long' }],
    ];
    for (const [input, error] of cases) expect(appendLedgerEntry(doc, input, c)).toEqual({ ok: false, error });
    expect(shelterStock(doc).length).toBe(0);
  });

  it('appends a batch in one go, or nothing when one entry is bad', () => {
    const doc = seeded();
    const bad = appendLedgerEntries(doc, [
      { item: 'water', delta: 10, reason: 'received', by: 't' },
      { item: 'food', delta: 0, reason: 'received', by: 't' },
    ], ctx());
    expect(bad).toEqual({ ok: false, error: [{ index: 1, error: { field: 'delta', code: 'zero' } }] });
    expect(shelterStock(doc).length).toBe(0);
    const good = appendLedgerEntries(doc, [
      { item: 'water', delta: 10, reason: 'received', by: 't' },
      { item: 'food', delta: 30, reason: 'received', by: 't' },
    ], ctx());
    expect(good.ok).toBe(true);
    expect(stockOnHand(doc)).toEqual(new Map([['water', 10], ['food', 30]]));
  });

  it('skips malformed entries written by a foreign client instead of turning the sum into NaN', () => {
    const doc = seeded();
    appendLedgerEntry(doc, { item: 'water', delta: 10, reason: 'received', by: 't' }, ctx());
    shelterStock(doc).push([{ item: 'water', delta: 'ten' } as never, null as never, { delta: 5 } as never]);
    expect(stockOnHand(doc).get('water')).toBe(10);
  });

  it('ledger entries made on two offline tablets add up after the merge', () => {
    const a = seeded();
    const b = new Y.Doc();
    syncBoth(a, b);
    appendLedgerEntry(a, { item: 'water', delta: 100, reason: 'received', by: 'a' }, { now: NOW, newId: idSequence('a') });
    appendLedgerEntry(a, { item: 'water', delta: -30, reason: 'distributed', by: 'a' }, { now: NOW, newId: idSequence('a2') });
    appendLedgerEntry(b, { item: 'water', delta: 50, reason: 'received', by: 'b' }, { now: NOW, newId: idSequence('b') });
    appendLedgerEntry(b, { item: 'water', delta: -45, reason: 'distributed', by: 'b' }, { now: NOW, newId: idSequence('b2') });
    syncBoth(a, b);
    expect(stockOnHand(a).get('water')).toBe(75);
    expect(stockOnHand(b).get('water')).toBe(75);
  });

  it('property: random entries on three tablets, merged in any order, always sum to the same totals', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(seed);
      const origin = seeded();
      const tablets = [0, 1, 2].map(() => {
        const d = new Y.Doc();
        Y.applyUpdate(d, Y.encodeStateAsUpdate(origin));
        return d;
      });
      const expected = new Map<string, number>();
      const updates: Uint8Array[] = [];
      tablets.forEach((d, t) => {
        d.on('update', (u: Uint8Array) => updates.push(u));
        const count = 5 + Math.floor(rand() * 30);
        for (let i = 0; i < count; i++) {
          const item = pick(rand, ['water', 'food', 'blanket', 'mask']);
          const reason = pick(rand, ['received', 'distributed', 'adjusted', 'transferred'] as const);
          const size = 1 + Math.floor(rand() * 100);
          const delta = reason === 'received' ? size : reason === 'distributed' ? -size : rand() < 0.5 ? size : -size;
          const r = appendLedgerEntry(d, { item, delta, reason, by: `t${t}` }, { now: NOW, newId: idSequence(`s${seed}t${t}`) });
          expect(r.ok).toBe(true);
          expected.set(item, (expected.get(item) ?? 0) + delta);
        }
      });
      // Two receivers get every update in different random orders, some delivered twice.
      for (let r = 0; r < 2; r++) {
        const receiver = new Y.Doc();
        Y.applyUpdate(receiver, Y.encodeStateAsUpdate(origin));
        const order = shuffle(rand, [...updates, ...updates.filter(() => rand() < 0.2)]);
        for (const u of order) Y.applyUpdate(receiver, u);
        expect(stockOnHand(receiver), `seed ${seed}`).toEqual(expected);
      }
    }
  });
});

describe('days of supply', () => {
  it('is stock over daily need of everyone present, and null when it does not apply', () => {
    expect(daysOfSupply(300, 3, 50)).toBe(2);
    expect(daysOfSupply(-10, 3, 50)).toBe(0);
    expect(daysOfSupply(300, null, 50)).toBeNull();
    expect(daysOfSupply(300, 3, 0)).toBeNull();
  });

  it('counts people in cars and at home as people served, and flags items under the threshold', () => {
    const doc = seeded();
    putPerson(doc, { id: 'a', stay: 'shelter' });
    putPerson(doc, { id: 'b', stay: 'car' });
    putPerson(doc, { id: 'c', stay: 'home' });
    putPerson(doc, { id: 'gone', stay: 'shelter', checkedOutAt: '2026-07-03T00:00:00.000Z' });
    const c = ctx();
    appendLedgerEntry(doc, { item: 'water', delta: 27, reason: 'received', by: 't' }, c); // 27 / 9 = 3 days
    appendLedgerEntry(doc, { item: 'food', delta: 17, reason: 'received', by: 't' }, c); // 17 / 9 < 2 days
    appendLedgerEntry(doc, { item: 'blanket', delta: 3, reason: 'received', by: 't' }, c);
    const rows = new Map(supplyStatus(doc, NOW).map((r) => [r.item, r]));
    expect(rows.get('water')).toEqual({ item: 'water', name: '飲料水', unit: 'L', packs: [{ unit: '本', size: 2 }, { unit: '箱', size: 12 }], onHand: 27, perPersonPerDay: 3, daysLeft: 3, low: false, negative: false });
    expect(rows.get('food')).toMatchObject({ onHand: 17, low: true });
    expect(rows.get('blanket')).toMatchObject({ onHand: 3, daysLeft: null, low: false });
    expect(rows.get('towel')).toMatchObject({ onHand: 0, daysLeft: null, low: false });
    expect(rows.get('mask')).toMatchObject({ onHand: 0, daysLeft: 0, low: true });
    expect(LOW_STOCK_DAYS).toBe(2);
    expect(supplyStatus(doc, NOW, { lowStockDays: 4 }).find((r) => r.item === 'water')!.low).toBe(true);
  });
});

describe('wouldGoNegative', () => {
  it('warns before handing out more than is on hand', () => {
    const doc = seeded();
    appendLedgerEntry(doc, { item: 'water', delta: 10, reason: 'received', by: 't' }, ctx());
    expect(wouldGoNegative(doc, 'water', -10)).toBe(false);
    expect(wouldGoNegative(doc, 'water', -11)).toBe(true);
    expect(wouldGoNegative(doc, 'food', -1)).toBe(true);
    expect(wouldGoNegative(doc, 'food', 5)).toBe(false);
  });

  it('two offline tablets that each hand out the last 5 blankets leave −5, flagged on the row and first in the summary', () => {
    const a = seeded();
    const b = new Y.Doc();
    appendLedgerEntry(a, { item: 'blanket', delta: 5, reason: 'received', by: 'a' }, { now: NOW, newId: idSequence('r') });
    appendLedgerEntry(a, { item: 'water', delta: 1, reason: 'received', by: 'a' }, { now: NOW, newId: idSequence('w') });
    syncBoth(a, b);
    // each tablet sees 5 on hand, so neither is warned
    expect(wouldGoNegative(a, 'blanket', -5)).toBe(false);
    expect(wouldGoNegative(b, 'blanket', -5)).toBe(false);
    appendLedgerEntry(a, { item: 'blanket', delta: -5, reason: 'distributed', by: 'a' }, { now: NOW, newId: idSequence('a') });
    appendLedgerEntry(b, { item: 'blanket', delta: -5, reason: 'distributed', by: 'b' }, { now: NOW, newId: idSequence('b') });
    syncBoth(a, b);
    for (const doc of [a, b]) {
      const rows = supplyStatus(doc, NOW, { served: 10 });
      const blanket = rows.find((r) => r.item === 'blanket')!;
      expect(blanket).toMatchObject({ onHand: -5, negative: true, low: false, daysLeft: null });
      expect(rows.find((r) => r.item === 'water')).toMatchObject({ negative: false, low: true });
      const summary = summarizeShelter(doc, 's', NOW);
      expect(summary.lowStock[0]).toMatchObject({ item: 'blanket', negative: true, onHand: -5, daysLeft: null });
    }
  });
});

describe('performance', () => {
  it('sums 50,000 ledger entries in a few milliseconds', () => {
    const doc = seeded();
    const rand = prng(7);
    const items = ['water', 'food', 'blanket', 'mask', 'diaper'];
    const inputs: LedgerInput[] = Array.from({ length: 50_000 }, () => ({ item: pick(rand, items), delta: 1 + Math.floor(rand() * 9), reason: 'received', by: 't' }));
    expect(appendLedgerEntries(doc, inputs, ctx()).ok).toBe(true);
    stockOnHand(doc);
    const t0 = performance.now();
    const totals = stockOnHand(doc);
    const ms = performance.now() - t0;
    expect([...totals.values()].reduce((a, b) => a + b, 0)).toBe(inputs.reduce((a, e) => a + e.delta, 0));
    // Typically ~1 ms; the bound catches per-entry work that grows with the ledger.
    expect(ms).toBeLessThan(100);
  });
});
