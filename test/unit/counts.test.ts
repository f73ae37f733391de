import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isPresent, localDayRange, peopleServed, tallyPeople, tallyShelterPeople } from '../../domain/counts';
import { checkInHousehold, checkOutPerson, emptyPersonInput, readPeople } from '../../domain/people';
import { idSequence } from './fixtures/docs';
import { summarizeShelter } from '../../domain/overview';
import { shelterPeople } from '../../domain/schema';
import { pick, prng } from '../../domain/prng';

describe('counts', () => {
  it('finds the local day in Japan time by default', () => {
    const { start, end } = localDayRange(new Date('2026-07-04T20:00:00.000Z')); // 05:00 on 5 July in Japan
    expect(new Date(start).toISOString()).toBe('2026-07-04T15:00:00.000Z');
    expect(end - start).toBe(86_400_000);
    expect(new Date(localDayRange(new Date('2026-07-04T20:00:00.000Z'), 0).start).toISOString()).toBe('2026-07-04T00:00:00.000Z');
  });

  it('treats a missing or empty check-out time as present', () => {
    expect(isPresent({ checkedOutAt: null })).toBe(true);
    expect(isPresent({ checkedOutAt: '' })).toBe(true);
    expect(isPresent({ checkedOutAt: undefined })).toBe(true);
    expect(isPresent({ checkedOutAt: '2026-07-04T00:00:00Z' })).toBe(false);
  });

  it('counts times written with an offset as well as canonical UTC times', () => {
    const t = tallyPeople([
      { stay: 'shelter', needs: [], ageGroup: 'adult', checkedInAt: '2026-07-05T08:00:00+09:00', checkedOutAt: null },
      { stay: 'shelter', needs: [], ageGroup: 'adult', checkedInAt: '2026-07-04T23:59:59+09:00', checkedOutAt: null },
    ], new Date('2026-07-05T03:00:00.000Z'));
    expect(t.arrivalsToday).toBe(1);
  });

  it('property: counting the document in place agrees with counting the people read from it', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rand = prng(seed);
      const doc = new Y.Doc();
      const newId = idSequence(`s${seed}`);
      const base = Date.parse('2026-07-03T00:00:00.000Z');
      for (let h = 0; h < 40; h++) {
        const size = 1 + Math.floor(rand() * 4);
        const at = new Date(base + Math.floor(rand() * 3 * 86_400_000));
        const members = Array.from({ length: size }, () => ({
          ...emptyPersonInput(),
          name: '住民',
          ageGroup: pick(rand, ['infant', 'child', 'adult', 'elderly'] as const),
          stay: pick(rand, ['shelter', 'car', 'home'] as const),
          needs: rand() < 0.3 ? [pick(rand, ['wheelchair', 'pet', 'allergy'])] : [],
        }));
        const r = checkInHousehold(doc, members, { now: at, newId });
        if (r.ok && rand() < 0.3) checkOutPerson(doc, r.value.personIds[0], new Date(at.getTime() + 3_600_000));
      }
      const now = new Date('2026-07-05T03:00:00.000Z');
      const inPlace = tallyShelterPeople(doc, now);
      const people = readPeople(doc);
      expect(inPlace).toEqual(tallyPeople(people, now));
      expect(peopleServed(inPlace)).toBe(people.filter(isPresent).length);
    }
  });
});

describe('a malformed entry from a foreign client', () => {
  it('is skipped by the tally instead of stopping the shelter summary', () => {
    const doc = new Y.Doc();
    const r = checkInHousehold(doc, [{ ...emptyPersonInput(), name: '山田 花子', stay: 'shelter' }], {
      now: new Date('2026-11-22T01:00:00Z'),
      newId: idSequence('p'),
    });
    expect(r.ok).toBe(true);
    (shelterPeople(doc) as unknown as Y.Map<unknown>).set('junk', 'not a person');
    const s = summarizeShelter(doc, 's1', new Date('2026-11-22T02:00:00Z'));
    expect(s.present.shelter).toBe(1);
  });
});
