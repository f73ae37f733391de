// Household cards: what the QR holds (no name), reading it back (other shelters and other codes
// recognised), the printed code, the households to print, and a return from the car.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cardPayload, findHouseholdByCode, householdCode, householdsForCards, moveHousehold, parseCardPayload } from '../../domain/household-card';
import { checkInHousehold, checkOutPerson, emptyPersonInput, readPeople } from '../../domain/people';

const H1 = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const H2 = '0193a1b2-c3d4-7e5f-8a9b-ffffff000001';

function shelter(): Y.Doc {
  const doc = new Y.Doc();
  let n = 0;
  const ids = [H1, 'p1', 'p2', H2, 'p3'];
  const newId = () => ids[n++];
  const p = (name: string, stay: 'car' | 'shelter') => ({ ...emptyPersonInput(), name, kana: 'カナ', stay });
  checkInHousehold(doc, [p('車中 一', 'car'), p('車中 二', 'car')], { now: new Date('2026-12-01T10:00:00Z'), newId });
  checkInHousehold(doc, [p('館内 三', 'shelter')], { now: new Date('2026-12-01T09:00:00Z'), newId });
  return doc;
}

describe('household cards', () => {
  it('the QR holds a prefix, the shelter and the household id, and reads back; never a name', () => {
    const text = cardPayload('kawabe-school', H1);
    expect(text).toBe(`HINANJO-HH1:kawabe-school:${H1}`);
    expect(parseCardPayload(text, 'kawabe-school')).toEqual({ ok: true, value: { householdId: H1 } });
    expect(parseCardPayload(` ${text}\n`, 'kawabe-school').ok).toBe(true);
    expect(parseCardPayload(text, 'other')).toEqual({ ok: false, error: { code: 'other-shelter', shelterId: 'kawabe-school' } });
    for (const bad of ['https://example.com', 'HINANJO-HH1:kawabe-school:', 'HINANJO-HH1:a:b:c', '']) {
      expect(parseCardPayload(bad, 'kawabe-school')).toEqual({ ok: false, error: { code: 'not-a-card' } });
    }
  });

  it('the printed code is the id\'s last six characters, and finds the household typed in any width or case', () => {
    const doc = shelter();
    const householdId = readPeople(doc).find((p) => p.name === '車中 一')!.householdId;
    expect(householdCode(H1)).toBe('3F4A5B');
    expect(findHouseholdByCode(doc, householdCode(householdId).toLowerCase())).toBe(householdId);
    expect(findHouseholdByCode(doc, '３Ｆ４Ａ５Ｂ')).toBe(householdId === H1 ? H1 : null);
    expect(findHouseholdByCode(doc, 'ZZZZZZ')).toBeNull();
    expect(findHouseholdByCode(doc, '12')).toBeNull();
  });

  it('cards are printed for households with someone present, earliest arrival first, with a count and no name', () => {
    const doc = shelter();
    const cards = householdsForCards(doc);
    expect(cards.map((c) => c.present)).toEqual([1, 2]);
    expect(JSON.stringify(cards)).not.toContain('車中');
    for (const p of readPeople(doc).filter((x) => x.householdId === cards[0].householdId)) checkOutPerson(doc, p.id, new Date('2026-12-02T00:00:00Z'));
    expect(householdsForCards(doc).map((c) => c.present)).toEqual([2]);
  });

  it('a household back from the car stays in the shelter again (present members only), and can go back', () => {
    const doc = shelter();
    const car = readPeople(doc).find((p) => p.name === '車中 一')!.householdId;
    expect(moveHousehold(doc, car, 'car', 'shelter')).toBe(2);
    expect(readPeople(doc).filter((p) => p.householdId === car).map((p) => p.stay)).toEqual(['shelter', 'shelter']);
    expect(moveHousehold(doc, car, 'car', 'shelter')).toBe(0);
    expect(moveHousehold(doc, car, 'shelter', 'car')).toBe(2);
  });
});
