import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { tallyShelterPeople } from '../../domain/counts';
import { LivePeopleTally } from '../../domain/people-tally';
import { checkInHousehold, checkOutPerson, emptyPersonInput } from '../../domain/people';
import { summarizeShelter } from '../../domain/overview';
import { shelterPeople } from '../../domain/schema';
import { pick, prng } from '../../domain/prng';
import { idSequence } from './fixtures/docs';

const DAY = 86_400_000;
const BASE = Date.parse('2026-07-03T00:00:00.000Z');

/**
 * One random step on `doc`: check-ins, check-outs, edits of counted and uncounted fields, people
 * removed, foreign values (plain values, needs as a Y.Array, odd times), all in its own transaction.
 */
function randomStep(doc: Y.Doc, rand: () => number, newId: () => string, clock: { now: number }): void {
  const people = shelterPeople(doc) as unknown as Y.Map<unknown>;
  const ids = [...people.keys()];
  const someone = () => (ids.length ? pick(rand, ids) : null);
  const person = () => {
    const id = someone();
    const m = id ? people.get(id) : null;
    return m instanceof Y.Map ? m : null;
  };
  const r = rand();
  clock.now += Math.floor(rand() * DAY * 0.2);
  const at = new Date(clock.now);
  if (r < 0.35) {
    const members = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
      ...emptyPersonInput(),
      name: '住民',
      ageGroup: pick(rand, ['infant', 'child', 'adult', 'elderly'] as const),
      stay: pick(rand, ['shelter', 'car', 'home'] as const),
      needs: rand() < 0.4 ? [pick(rand, ['wheelchair', 'pet', 'allergy']), pick(rand, ['pet', 'dialysis'])] : [],
    }));
    checkInHousehold(doc, members, { now: at, newId });
  } else if (r < 0.5) {
    const id = someone();
    if (id) checkOutPerson(doc, id, at);
  } else if (r < 0.6) {
    // Back in: the check-out time emptied (null, '' or removed).
    const m = person();
    if (m) pick(rand, [() => m.set('checkedOutAt', null), () => m.set('checkedOutAt', ''), () => m.delete('checkedOutAt')])();
  } else if (r < 0.72) {
    const m = person();
    if (m) {
      doc.transact(() => {
        m.set('stay', pick(rand, ['shelter', 'car', 'home', 'moon']));
        if (rand() < 0.5) m.set('ageGroup', pick(rand, ['infant', 'elderly', 42]));
        if (rand() < 0.3) m.set('note', 'uncounted field');
      });
    }
  } else if (r < 0.8) {
    const m = person();
    if (m) {
      if (rand() < 0.5) m.set('needs', pick(rand, [[], ['pet', 'pet'], 'not a list', ['wheelchair', 7]]));
      else {
        const arr = new Y.Array<string>();
        arr.push(['allergy']);
        m.set('needs', arr);
      }
    }
  } else if (r < 0.86) {
    // Needs kept as a Y.Array and edited in place (nested two levels below the people map).
    const m = person();
    const needs = m?.get('needs');
    if (needs instanceof Y.Array) needs.push([pick(rand, ['pet', 'dialysis'])]);
  } else if (r < 0.92) {
    const id = someone();
    if (id) people.delete(id);
  } else if (r < 0.96) {
    people.set(`junk-${newId()}`, pick(rand, ['not a person', 3, null]));
  } else {
    const m = person();
    if (m) m.set('checkedInAt', pick(rand, [at.toISOString(), '2026-07-04T08:00:00+09:00', '', 'garbage']));
  }
}

describe('LivePeopleTally', () => {
  it('property: always equals counting the whole document, through local and remote changes and day changes', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rand = prng(seed);
      const clock = { now: BASE };
      const newId = idSequence(`s${seed}`);
      const server = new Y.Doc();
      const tablet = new Y.Doc();
      // The tablet's changes reach the server as updates, in batches (as the server applies them).
      const queued: Uint8Array[] = [];
      tablet.on('update', (u: Uint8Array) => queued.push(u));
      const live = new LivePeopleTally(server);
      for (let step = 0; step < 250; step++) {
        randomStep(rand() < 0.7 ? tablet : server, rand, newId, clock);
        if (rand() < 0.5 && queued.length) {
          const batch = queued.splice(0);
          server.transact(() => batch.forEach((u) => Y.applyUpdate(server, u)));
        }
        if (rand() < 0.4) {
          const now = new Date(clock.now + Math.floor(rand() * DAY));
          const expected = tallyShelterPeople(server, now);
          expect(live.tally(now), `seed ${seed} step ${step}`).toEqual(expected);
          expect(live.records).toBe(shelterPeople(server).size);
        }
      }
    }
  });

  it('gives the summary the same counts as a summary counting from scratch', () => {
    const doc = new Y.Doc();
    const newId = idSequence('p');
    const at = new Date('2026-11-22T01:00:00Z');
    const r = checkInHousehold(doc, [
      { ...emptyPersonInput(), name: '山田 花子', stay: 'shelter', needs: ['wheelchair'] },
      { ...emptyPersonInput(), name: '山田 太郎', stay: 'car' },
    ], { now: at, newId });
    if (!r.ok) throw new Error('check-in failed');
    const live = new LivePeopleTally(doc);
    const now = new Date('2026-11-22T02:00:00Z');
    expect(summarizeShelter(doc, 's1', now, null, { people: live })).toEqual(summarizeShelter(doc, 's1', now));
    checkOutPerson(doc, r.value.personIds[0], now);
    expect(summarizeShelter(doc, 's1', now, null, { people: live })).toEqual(summarizeShelter(doc, 's1', now));
  });

  it('stops following the document when disposed', () => {
    const doc = new Y.Doc();
    const live = new LivePeopleTally(doc);
    const now = new Date('2026-11-22T02:00:00Z');
    expect(live.tally(now).present.shelter).toBe(0);
    live.dispose();
    checkInHousehold(doc, [{ ...emptyPersonInput(), name: '住民', stay: 'shelter' }], { now, newId: idSequence('q') });
    expect(live.tally(now).present.shelter).toBe(0);
  });
});
