// Household cards (世帯カード): one A6 card per household, with the shelter's name, a short
// household code and a QR code. The QR holds only what finds the household in this shelter's
// document — a prefix, the shelter id and the household's generated id — never a name, so a lost
// card tells a finder nothing about who carries it. Scanning it (or typing the code) opens the
// household for check-out or for a return from a night in the car.
import type * as Y from 'yjs';
import { type Result, err, ok } from './result';
import { isPresent } from './counts';
import { editPerson, householdMembers, readPeople } from './people';

export const CARD_PREFIX = 'HINANJO-HH1';
export const HOUSEHOLD_CODE_LENGTH = 6;

export function cardPayload(shelterId: string, householdId: string): string {
  return `${CARD_PREFIX}:${shelterId}:${householdId}`;
}

export type CardError = 'not-a-card' | 'other-shelter';

/** Reads a scanned text; a card of another shelter is recognised as such (staff are told where it belongs). */
export function parseCardPayload(text: string, shelterId: string): Result<{ householdId: string }, { code: CardError; shelterId?: string }> {
  const m = /^HINANJO-HH1:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9-]{1,64})$/.exec(text.trim());
  if (!m) return err({ code: 'not-a-card' });
  if (m[1] !== shelterId) return err({ code: 'other-shelter', shelterId: m[1] });
  return ok({ householdId: m[2] });
}

/**
 * The code printed under the QR, to type when no camera works: the last characters of the
 * household's id (the random part of a UUID), upper case.
 */
export function householdCode(householdId: string): string {
  return householdId.replace(/[^A-Za-z0-9]/g, '').slice(-HOUSEHOLD_CODE_LENGTH).toUpperCase();
}

/** The household whose code is `code` (spaces, case and full-width digits ignored); null if none or ambiguous. */
export function findHouseholdByCode(doc: Y.Doc, code: string): string | null {
  const want = code.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (want.length !== HOUSEHOLD_CODE_LENGTH) return null;
  const found = new Set<string>();
  for (const p of readPeople(doc)) if (householdCode(p.householdId) === want) found.add(p.householdId);
  return found.size === 1 ? [...found][0] : null;
}

export interface CardHousehold {
  householdId: string;
  code: string;
  /** Members present now (a number only: the card carries no name). */
  present: number;
  firstArrival: string;
}

/** Households with someone present, in order of arrival: the cards to print. */
export function householdsForCards(doc: Y.Doc): CardHousehold[] {
  const byId = new Map<string, CardHousehold>();
  for (const p of readPeople(doc)) {
    if (!isPresent(p)) continue;
    const h = byId.get(p.householdId);
    if (h) {
      h.present++;
      if (p.checkedInAt < h.firstArrival) h.firstArrival = p.checkedInAt;
    } else {
      byId.set(p.householdId, { householdId: p.householdId, code: householdCode(p.householdId), present: 1, firstArrival: p.checkedInAt });
    }
  }
  return [...byId.values()].sort((a, b) => (a.firstArrival < b.firstArrival ? -1 : a.firstArrival > b.firstArrival ? 1 : a.householdId < b.householdId ? -1 : 1));
}

/**
 * The household came back from a night in the car (or went to sleep in it): every present member
 * staying as `from` now stays as `to`. Returns how many changed.
 */
export function moveHousehold(doc: Y.Doc, householdId: string, from: 'car' | 'shelter', to: 'car' | 'shelter'): number {
  let n = 0;
  doc.transact(() => {
    for (const p of householdMembers(doc, householdId)) {
      if (!isPresent(p) || p.stay !== from) continue;
      // Only `stay` is written: no birth year to check against a calendar year.
      if (editPerson(doc, p.id, { stay: to }, Infinity).ok) n++;
    }
  });
  return n;
}
