// Likely duplicates: the same person registered twice (on one tablet, or on two tablets that
// were offline). A warning, never a merge: two people may share a name, staff decide.
import type * as Y from 'yjs';
import type { Person } from './schema';
import { isPresent } from './counts';
import { normalizeForMatch } from './normalize';
import { readPeople, type PersonInput } from './people';

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
      groups.push({ key: `${name}|`, people: noKana });
      continue;
    }
    for (const [kana, withKana] of byKana) {
      const group = [...withKana, ...noKana];
      if (group.length >= 2) groups.push({ key: `${name}|${kana}`, people: group.sort(byCheckIn) });
    }
  }
  return groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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

function byCheckIn(a: Person, b: Person): number {
  if (a.checkedInAt !== b.checkedInAt) return a.checkedInAt < b.checkedInAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
