import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addedPeople, PeopleShadow } from '../../domain/people-shadow';
import { checkInHousehold, checkOutPerson, emptyPersonInput } from '../../domain/people';
import { tallyShelterPeople } from '../../domain/counts';
import { assembleSummary, summarizeShelter, summaryParts } from '../../domain/overview';
import { shelterMeta, shelterPeople } from '../../domain/schema';
import { pick, prng } from '../../domain/prng';
import { idSequence } from './fixtures/docs';

const NOW = new Date('2026-12-01T03:00:00Z');

/** The updates `fn` makes on `doc`, one per transaction. */
function updatesOf(doc: Y.Doc, fn: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const on = (u: Uint8Array) => out.push(u);
  doc.on('update', on);
  fn();
  doc.off('update', on);
  return out;
}

/** What the server would read of `update` against the document `server` as it is now. */
const read = (server: Y.Doc, update: Uint8Array) =>
  addedPeople(update, (c) => Y.getState(server.store, c), (id) => shelterPeople(server).has(id));

describe('what a check-in adds, read from its update alone', () => {
  it('reads the people of a check-in, with their fields', () => {
    const tablet = new Y.Doc();
    const server = new Y.Doc();
    const [u] = updatesOf(tablet, () => {
      checkInHousehold(tablet, [{ ...emptyPersonInput(), name: '山田 花子', kana: 'やまだ はなこ', needs: ['wheelchair'], birthYear: 1940 }, { ...emptyPersonInput(), name: '山田 太郎', stay: 'car' }], { now: NOW, newId: idSequence('p') });
    });
    const added = read(server, u)!;
    expect([...added.people.keys()]).toEqual(['p-2', 'p-3']);
    const hanako = added.people.get('p-2')!;
    expect([hanako.get('name'), hanako.get('kana'), hanako.get('needs'), hanako.get('birthYear'), hanako.get('checkedOutAt'), hanako.get('note')]).toEqual(['山田 花子', 'ヤマダ ハナコ', ['wheelchair'], 1940, null, undefined]);
    expect(added.clocks.get(tablet.clientID)).toBe(Y.getState(tablet.store, tablet.clientID));
  });

  it('says null for anything else: a check-out, an edit, a removal, another root, a person already on record, a gap in the clock', () => {
    const tablet = new Y.Doc();
    const server = new Y.Doc();
    const sync = (us: Uint8Array[]) => us.forEach((u) => Y.applyUpdate(server, u));
    let id = '';
    const checkIn = updatesOf(tablet, () => {
      const r = checkInHousehold(tablet, [{ ...emptyPersonInput(), name: '住民' }], { now: NOW, newId: idSequence('q') });
      if (r.ok) id = r.value.personIds[0];
    });
    const later = updatesOf(tablet, () => void checkInHousehold(tablet, [{ ...emptyPersonInput(), name: '住民 二' }], { now: NOW, newId: idSequence('r') }));
    // A gap: the second check-in before the first reached the server.
    expect(read(server, later[0])).toBeNull();
    sync(checkIn);
    expect(read(server, later[0])).not.toBeNull();
    sync(later);
    const person = shelterPeople(tablet).get(id) as Y.Map<unknown>;
    expect(read(server, updatesOf(tablet, () => void checkOutPerson(tablet, id, NOW))[0])).toBeNull();
    sync(updatesOf(tablet, () => person.set('checkedOutAt', null)));
    expect(read(server, updatesOf(tablet, () => person.set('note', '要配慮'))[0])).toBeNull();
    expect(read(server, updatesOf(tablet, () => shelterMeta(tablet).set('status', 'open'))[0])).toBeNull();
    expect(read(server, updatesOf(tablet, () => shelterPeople(tablet).delete(id))[0])).toBeNull();
    // The same id written by another device: on record already.
    const other = new Y.Doc();
    const again = updatesOf(other, () => void checkInHousehold(other, [{ ...emptyPersonInput(), name: '住民' }], { now: NOW, newId: () => id }));
    expect(read(server, again[0])).toBeNull();
    // A field that is a shared type, not a plain value.
    const nested = updatesOf(other, () => {
      const m = new Y.Map<unknown>();
      m.set('needs', Y.Array.from(['pet']));
      shelterPeople(other).set('x-1', m as never);
    });
    expect(read(new Y.Doc(), nested[0])).toBeNull();
  });

  it('property: a shadow fed only what the reader accepts, and rebuilt from the document otherwise, always counts what the document holds', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(seed);
      const server = new Y.Doc();
      const tablets = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      const inFlight: Uint8Array[][] = tablets.map(() => []);
      tablets.forEach((t, i) => t.on('update', (u: Uint8Array) => inFlight[i].push(u)));
      let shadow = PeopleShadow.of(server);
      const newId = idSequence(`s${seed}`);
      for (let step = 0; step < 200; step++) {
        const i = Math.floor(rand() * tablets.length);
        const t = tablets[i];
        const r = rand();
        if (r < 0.55) {
          checkInHousehold(t, Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ ...emptyPersonInput(), name: '住民', stay: pick(rand, ['shelter', 'car', 'home'] as const), needs: rand() < 0.3 ? ['pet'] : [] })), { now: NOW, newId });
        } else if (r < 0.65) {
          const ids = [...shelterPeople(t).keys()];
          if (ids.length) checkOutPerson(t, pick(rand, ids), NOW);
        } else if (r < 0.7) {
          shelterMeta(t).set('status', pick(rand, ['open', 'full']));
        } else if (r < 0.75) {
          const ids = [...shelterPeople(t).keys()];
          if (ids.length) shelterPeople(t).delete(pick(rand, ids));
        } else {
          // Deliver one tablet's updates to the server (in order), and the server's state back to every tablet now and then.
          for (const u of inFlight[i].splice(0)) {
            const added = read(server, u);
            Y.applyUpdate(server, u);
            if (added) {
              shadow.add(added);
              accepted++;
            } else shadow = PeopleShadow.of(server);
            expect(shadow.counter.tally(NOW), `seed ${seed} step ${step}`).toEqual(tallyShelterPeople(server, NOW));
            expect(shadow.counter.records).toBe(shelterPeople(server).size);
            expect(shadow.parts).toEqual(summaryParts(server));
            expect(assembleSummary(shadow.parts, shadow.counter.tally(NOW), shadow.counter.records, 's1')).toEqual(summarizeShelter(server, 's1', NOW));
          }
          if (rand() < 0.3) for (const other of tablets) Y.applyUpdate(other, Y.encodeStateAsUpdate(server, Y.encodeStateVector(other)));
        }
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });
});
