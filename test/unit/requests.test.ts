import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canTransition, createRequest, readRequests, setRequestStatus, pendingRequests } from '../../domain/requests';
import { shelterRequests } from '../../domain/schema';
import { seedDefaultItems } from '../../domain/stock';
import { idSequence, syncBoth } from './fixtures/docs';

const NOW = new Date('2026-07-04T03:00:00.000Z');
const LATER = new Date('2026-07-04T04:00:00.000Z');
const seeded = () => {
  const doc = new Y.Doc();
  seedDefaultItems(doc);
  return doc;
};

describe('supply requests', () => {
  it('creates an open request as a Y.Map with its time', () => {
    const doc = seeded();
    const r = createRequest(doc, { item: 'water', quantity: 200, note: ' 2Lボトル希望 ' }, { now: NOW, newId: () => 'r1' });
    expect(r).toEqual({ ok: true, value: { id: 'r1', item: 'water', quantity: 200, unit: 'L', status: 'open', createdAt: NOW.toISOString(), note: '2Lボトル希望', updatedAt: NOW.toISOString() } });
    expect(shelterRequests(doc).get('r1')).toBeInstanceOf(Y.Map);
    expect(readRequests(doc)).toEqual([r.ok && r.value]);
  });

  it('refuses a quantity that is not a positive integer or an unknown item, and saves nothing', () => {
    const doc = seeded();
    const c = { now: NOW, newId: idSequence('r') };
    expect(createRequest(doc, { item: 'water', quantity: 0 }, c)).toEqual({ ok: false, error: { quantity: 'not-a-positive-integer' } });
    expect(createRequest(doc, { item: 'water', quantity: -3 }, c)).toEqual({ ok: false, error: { quantity: 'not-a-positive-integer' } });
    expect(createRequest(doc, { item: 'water', quantity: 2.5 }, c)).toEqual({ ok: false, error: { quantity: 'not-a-positive-integer' } });
    expect(createRequest(doc, { item: 'water', quantity: Number('abc') }, c)).toEqual({ ok: false, error: { quantity: 'not-a-positive-integer' } });
    expect(createRequest(doc, { item: 'water', quantity: 1e12 }, c)).toEqual({ ok: false, error: { quantity: 'too-large' } });
    expect(createRequest(doc, { item: 'gold', quantity: 1, note: 'x'.repeat(501) }, c)).toEqual({ ok: false, error: { item: 'unknown-item', note: 'too-long' } });
    expect(readRequests(doc)).toEqual([]);
  });

  it('moves open → acknowledged → delivered and records when', () => {
    const doc = seeded();
    createRequest(doc, { item: 'food', quantity: 50 }, { now: NOW, newId: () => 'r1' });
    expect(setRequestStatus(doc, 'r1', 'acknowledged', LATER).ok).toBe(true);
    const delivered = setRequestStatus(doc, 'r1', 'delivered', LATER);
    expect(delivered.ok && delivered.value).toMatchObject({ status: 'delivered', updatedAt: LATER.toISOString(), createdAt: NOW.toISOString() });
    expect(readRequests(doc)[0].status).toBe('delivered');
  });

  it('allows only the documented transitions', () => {
    expect(canTransition('open', 'acknowledged')).toBe(true);
    expect(canTransition('open', 'cancelled')).toBe(true);
    expect(canTransition('open', 'delivered')).toBe(false);
    expect(canTransition('acknowledged', 'delivered')).toBe(true);
    expect(canTransition('acknowledged', 'cancelled')).toBe(true);
    expect(canTransition('acknowledged', 'open')).toBe(false);
    expect(canTransition('delivered', 'cancelled')).toBe(false);
    expect(canTransition('cancelled', 'open')).toBe(false);
    const doc = seeded();
    createRequest(doc, { item: 'food', quantity: 50 }, { now: NOW, newId: () => 'r1' });
    expect(setRequestStatus(doc, 'r1', 'delivered', LATER)).toEqual({ ok: false, error: 'invalid-transition' });
    expect(setRequestStatus(doc, 'r1', 'bogus' as never, LATER)).toEqual({ ok: false, error: 'invalid-transition' });
    expect(setRequestStatus(doc, 'nope', 'cancelled', LATER)).toEqual({ ok: false, error: 'not-found' });
    expect(readRequests(doc)[0].status).toBe('open');
  });

  it('lists requests oldest first and keeps open and acknowledged ones as pending', () => {
    const doc = seeded();
    createRequest(doc, { item: 'food', quantity: 1 }, { now: LATER, newId: () => 'late' });
    createRequest(doc, { item: 'water', quantity: 1 }, { now: NOW, newId: () => 'early' });
    createRequest(doc, { item: 'mask', quantity: 1 }, { now: NOW, newId: () => 'gone' });
    setRequestStatus(doc, 'gone', 'cancelled', LATER);
    expect(readRequests(doc).map((r) => r.id)).toEqual(['early', 'gone', 'late']);
    expect(pendingRequests(doc).map((r) => r.id)).toEqual(['early', 'late']);
  });

  it('requests created on two tablets offline are all there after the merge', () => {
    const a = seeded();
    const b = new Y.Doc();
    syncBoth(a, b);
    createRequest(a, { item: 'water', quantity: 10 }, { now: NOW, newId: () => 'ra' });
    createRequest(b, { item: 'food', quantity: 20 }, { now: NOW, newId: () => 'rb' });
    syncBoth(a, b);
    expect(readRequests(a).map((r) => r.id)).toEqual(['ra', 'rb']);
    expect(readRequests(b)).toEqual(readRequests(a));
  });
});

describe('request amounts carry their unit', () => {
  it('a request keeps the unit of its item, so HQ reads "120 L", and older requests fall back to the default unit', async () => {
    const Yjs = await import('yjs');
    const { createRequest, readRequests, requestAmount } = await import('../../domain/requests');
    const { seedDefaultItems } = await import('../../domain/stock');
    const doc = new Yjs.Doc();
    seedDefaultItems(doc);
    const r = createRequest(doc, { item: 'water', quantity: 120 }, { now: new Date('2026-12-01T00:00:00Z'), newId: () => 'r1' });
    expect(r.ok && r.value.unit).toBe('L');
    expect(requestAmount(readRequests(doc)[0])).toBe('120 L');
    expect(requestAmount({ item: 'medicine', quantity: 3 })).toBe('3 箱');
    expect(requestAmount({ item: 'food', quantity: 300 }, (u) => (u === '食' ? 'meals' : u))).toBe('300 meals');
    expect(requestAmount({ item: 'unknown-thing', quantity: 2 })).toBe('2');
  });
});
