// Likely duplicates: the same person registered twice (on one tablet, or on two tablets that
// were offline). A warning, never a merge: two people may share a name, staff decide.
import type * as Y from 'yjs';
import type { Person } from './schema';
import { isPresent } from './counts';
import { normalizeForMatch } from './normalize';
import { readPeople, type PersonInput } from './people';
import { isMarkedNotDuplicate } from './roster-corrections';

export interface DuplicateGroup {
  /** Normalised name and kana, `name|kana` (kana empty when it matched on the name alone). */
  key: string;
  people: Person[];
}

/**
 * Two people match when their normalised names are equal and so are their normalised kana;
 * when either kana is empty the name alone decides. So in a group of one name, people without
 * kana join every kana subgroup.
 */
export function findDuplicateCandidates(doc: Y.Doc): DuplicateGroup[] {
  const byName = new Map<string, Person[]>();
  for (const p of readPeople(doc)) {
    if (!isPresent(p)) continue;
    const name = normalizeForMatch(p.name);
    if (!name) continue;
    const list = byName.get(name);
    if (list) list.push(p);
    else byName.set(name, [p]);
  }
  const groups: DuplicateGroup[] = [];
  for (const [name, people] of byName) {
    if (people.length < 2) continue;
    const noKana: Person[] = [];
    const byKana = new Map<string, Person[]>();
    for (const p of people) {
      const kana = normalizeForMatch(p.kana);
      if (!kana) noKana.push(p);
      else byKana.set(kana, [...(byKana.get(kana) ?? []), p]);
    }
    if (byKana.size === 0) {
      groups.push({ key: `${name}|`, people: noKana.sort(byCheckIn) });
      continue;
    }
    for (const [kana, withKana] of byKana) {
      const group = [...withKana, ...noKana];
      if (group.length >= 2) groups.push({ key: `${name}|${kana}`, people: group.sort(byCheckIn) });
    }
  }
  return withoutDismissedPairs(doc, groups).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** People present who match what is being typed into the check-in form (the warning). */
export function duplicatesOf(doc: Y.Doc, input: Pick<PersonInput, 'name' | 'kana'>): Person[] {
  const name = normalizeForMatch(input.name ?? '');
  if (!name) return [];
  const kana = normalizeForMatch(input.kana ?? '');
  return readPeople(doc).filter((p) => {
    if (!isPresent(p) || normalizeForMatch(p.name) !== name) return false;
    const theirs = normalizeForMatch(p.kana);
    return !kana || !theirs || theirs === kana;
  });
}

/**
 * Drops the people of a group whom staff marked "not the same person" as every other member; a
 * group left with fewer than two people is no longer a candidate.
 */
function withoutDismissedPairs(doc: Y.Doc, groups: DuplicateGroup[]): DuplicateGroup[] {
  const out: DuplicateGroup[] = [];
  for (const g of groups) {
    const people = g.people.filter((p) => g.people.some((q) => q.id !== p.id && !isMarkedNotDuplicate(doc, p.id, q.id)));
    if (people.length >= 2) out.push({ ...g, people });
  }
  return out;
}

function byCheckIn(a: Person, b: Person): number {
  if (a.checkedInAt !== b.checkedInAt) return a.checkedInAt < b.checkedInAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
