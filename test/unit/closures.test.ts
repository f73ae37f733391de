import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  activeClosures, addClosure, addClosures, closuresFeatureCollection, readClosures, removeClosure,
  updateClosure,
} from '../../domain/closures';
import type { RoadClosure } from '../../domain/schema';
import { idSequence, syncBoth } from './fixtures/docs';

const NOW = new Date('2026-07-04T03:00:00.000Z');
const line = { type: 'LineString', coordinates: [[130.6, 32.5], [130.61, 32.51]] };
const square = { type: 'Polygon', coordinates: [[[130, 32], [130.1, 32], [130.1, 32.1], [130, 32]]] };

function closure(id: string, over: Partial<RoadClosure> = {}): RoadClosure {
  return { id, geometry: line, reason: '冠水', since: '2026-07-04T00:00:00.000Z', until: null, source: 'HQ', ...over };
}

describe('road closures in the hq document', () => {
  it('keeps a closure as a Y.Map and reads it back', () => {
    const hq = new Y.Doc();
    expect(addClosure(hq, closure('c1')).ok).toBe(true);
    expect(hq.getMap('roadClosures').get('c1')).toBeInstanceOf(Y.Map);
    expect(readClosures(hq)).toEqual([closure('c1')]);
  });

  it('refuses a duplicate id or an invalid closure and changes nothing', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('c1'));
    expect(addClosure(hq, closure('c1', { reason: 'other' }))).toEqual({ ok: false, error: 'already-exists' });
    expect(addClosure(hq, closure('c2', { reason: '  ' }))).toEqual({ ok: false, error: 'invalid' });
    expect(addClosure(hq, closure('c3', { geometry: { type: 'Point', coordinates: [130, 32] } }))).toEqual({ ok: false, error: 'invalid' });
    expect(readClosures(hq).map((c) => c.id)).toEqual(['c1']);
    expect(readClosures(hq)[0].reason).toBe('冠水');
  });

  it('adds a batch all or nothing', () => {
    const hq = new Y.Doc();
    expect(addClosures(hq, [closure('a'), closure('b', { until: 'soon' })]).ok).toBe(false);
    expect(readClosures(hq)).toEqual([]);
    expect(addClosures(hq, [closure('a'), closure('b')]).ok).toBe(true);
    expect(readClosures(hq)).toHaveLength(2);
  });

  it('is active from since until until; a future start is not active yet, an end in the past is over', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('open-ended'));
    addClosure(hq, closure('ends-later', { until: '2026-07-05T00:00:00.000Z' }));
    addClosure(hq, closure('ended', { since: '2026-07-01T00:00:00.000Z', until: '2026-07-04T02:59:59.000Z' }));
    addClosure(hq, closure('starts-later', { since: '2026-07-04T06:00:00.000Z' }));
    addClosure(hq, closure('ends-now', { until: NOW.toISOString() }));
    expect(activeClosures(hq, NOW).map((c) => c.id).sort()).toEqual(['ends-later', 'open-ended']);
    expect(activeClosures(hq, new Date('2026-07-04T07:00:00.000Z')).map((c) => c.id).sort()).toEqual(['ends-later', 'open-ended', 'starts-later']);
  });

  it('publishes active closures as a FeatureCollection with the closure id on each feature', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('c1', { geometry: square, source: '国道事務所' }));
    addClosure(hq, closure('old', { since: '2026-06-01T00:00:00.000Z', until: '2026-06-02T00:00:00.000Z' }));
    const fc = closuresFeatureCollection(hq, NOW);
    expect(fc).toEqual({
      type: 'FeatureCollection',
      features: [{
        type: 'Feature', id: 'c1', geometry: square,
        properties: { id: 'c1', reason: '冠水', since: '2026-07-04T00:00:00.000Z', until: null, source: '国道事務所' },
      }],
    });
    expect(JSON.parse(JSON.stringify(fc))).toEqual(fc);
  });

  it('leaves a closure with a broken geometry (from a foreign client) out of the public layer', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('good'));
    hq.transact(() => {
      const m = new Y.Map<unknown>();
      m.set('geometry', { type: 'LineString', coordinates: [[500, 32], [130, 32]] });
      m.set('reason', '冠水');
      m.set('since', '2026-07-04T00:00:00.000Z');
      m.set('until', null);
      m.set('source', 'other');
      hq.getMap('roadClosures').set('broken', m);
    });
    expect(readClosures(hq).map((c) => c.id).sort()).toEqual(['broken', 'good']);
    expect(closuresFeatureCollection(hq, NOW).features.map((f) => f.id)).toEqual(['good']);
  });

  it('updates only the keys given; an end time set on one desk and a reason fixed on another both survive', () => {
    const a = new Y.Doc();
    addClosure(a, closure('c1'));
    const b = new Y.Doc();
    syncBoth(a, b);
    expect(updateClosure(a, 'c1', { until: '2026-07-06T00:00:00.000Z' }).ok).toBe(true);
    expect(updateClosure(b, 'c1', { reason: '土砂崩れ' }).ok).toBe(true);
    syncBoth(a, b);
    for (const d of [a, b]) {
      expect(readClosures(d)[0]).toMatchObject({ reason: '土砂崩れ', until: '2026-07-06T00:00:00.000Z' });
    }
  });

  it('refuses an update that would make the closure invalid, and an unknown id', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('c1'));
    expect(updateClosure(hq, 'c1', { until: '2026-07-03T00:00:00.000Z' })).toEqual({ ok: false, error: 'invalid' });
    expect(updateClosure(hq, 'nope', { reason: 'x' })).toEqual({ ok: false, error: 'not-found' });
    expect(readClosures(hq)[0].until).toBeNull();
  });

  it('removes a closure', () => {
    const hq = new Y.Doc();
    addClosure(hq, closure('c1'));
    expect(removeClosure(hq, 'c1').ok).toBe(true);
    expect(removeClosure(hq, 'c1')).toEqual({ ok: false, error: 'not-found' });
    expect(readClosures(hq)).toEqual([]);
  });
});

