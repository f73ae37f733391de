// A tablet's backlog is sent to the server in frames under its limit, and nothing is lost.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { missingUpdates } from '../../domain/split-update';

/** A tablet that reloaded `sessions` times offline: each session is a Yjs client of its own. */
function tabletWithSessions(sessions: number, entriesPerSession: number): Y.Doc {
  const doc = new Y.Doc();
  for (let s = 0; s < sessions; s++) {
    const session = new Y.Doc();
    Y.applyUpdate(session, Y.encodeStateAsUpdate(doc));
    session.transact(() => {
      const people = session.getMap('people');
      for (let i = 0; i < entriesPerSession; i++) {
        const m = new Y.Map<unknown>();
        m.set('name', `person ${s}-${i} ${'x'.repeat(40)}`);
        people.set(`p-${s}-${i}`, m);
      }
      // an edit of someone from an earlier session: depends on another client's items
      const earlier = people.get(`p-${Math.max(0, s - 1)}-0`) as Y.Map<unknown> | undefined;
      earlier?.set('note', `edited in session ${s}`);
    });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(session));
  }
  return doc;
}

describe('missing updates for the server', () => {
  it('is one update when it fits in a frame', () => {
    const doc = tabletWithSessions(3, 10);
    const parts = missingUpdates(doc, new Map(), 1_000_000);
    expect(parts).toHaveLength(1);
  });

  it('is cut along clients into frames under the limit that rebuild the same document in any order', () => {
    const doc = tabletWithSessions(8, 300);
    const limit = 40_000;
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeGreaterThan(limit * 4);
    const parts = missingUpdates(doc, new Map(), limit);
    expect(parts.length).toBeGreaterThan(4);
    for (const p of parts) expect(p.byteLength).toBeLessThanOrEqual(limit);

    for (const order of [parts, [...parts].reverse()]) {
      const server = new Y.Doc();
      for (const p of order) Y.applyUpdate(server, p);
      expect(server.getMap('people').toJSON()).toEqual(doc.getMap('people').toJSON());
      expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(doc));
    }
  });

  it('sends only what the server lacks', () => {
    const doc = tabletWithSessions(6, 200);
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
    const clients = [...sv.keys()];
    // The server already has three of the six sessions (a sync before the tablet went offline).
    const known = new Map(clients.slice(0, 3).map((c) => [c, sv.get(c) as number]));
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(new Map(clients.slice(3).map((c) => [c, sv.get(c) as number])))));
    const parts = missingUpdates(doc, known, 30_000);
    for (const p of parts) for (const c of known.keys()) expect(Y.parseUpdateMeta(p).to.has(c)).toBe(false);
    for (const p of parts) Y.applyUpdate(server, p);
    expect(server.getMap('people').toJSON()).toEqual(doc.getMap('people').toJSON());
  });
});
