// As-you-type search over the people of a shelter (10,000 and more) that answers each keystroke
// in well under a millisecond: every searchable key is normalised once, the keys are kept in one
// sorted array, and a prefix is a binary search plus a scan of the keys that share it.
//
// What matches: a prefix of the whole name or the whole kana (spaces ignored, so 「やまだた」 finds
// 「山田 太郎 / やまだ たろう」), or a prefix of any space- or dot-separated part of the name or of
// the kana (「たろう」 finds him when his kana was typed with a space; 「太郎」 when his name was).
// Matching is normalizeForMatch's: width, hiragana/katakana and latin case do not matter.
import type { Need, Person, StayType } from './schema';
import { isPresent } from './counts';
import { nameParts, normalizeForMatch } from './normalize';

export interface SearchIndex {
  /** People in display order: by kana (or name when no kana), then name, then id. */
  readonly people: readonly Person[];
  /** Sorted normalised keys and, at the same position, the person's display rank. */
  readonly keys: readonly string[];
  readonly ranks: Uint32Array;
}

export interface SearchQuery {
  query: string;
  stay?: StayType;
  need?: Need;
  /** Present (default), left, or all. */
  presence?: 'present' | 'left' | 'all';
}

export function buildSearchIndex(people: readonly Person[]): SearchIndex {
  const decorated = people.map((p) => {
    const nameParts_ = nameParts(p.name);
    const kanaParts = nameParts(p.kana);
    const name = nameParts_.join('');
    const kana = kanaParts.join('');
    return { p, name, kana, nameParts: nameParts_, kanaParts, sortKey: kana || name };
  });
  decorated.sort((a, b) => cmp(a.sortKey, b.sortKey) || cmp(a.name, b.name) || cmp(a.p.id, b.p.id));

  // Each entry is the key, a NUL and the rank in two UTF-16 units, so that the array sorts with
  // the engine's native string order (no comparator callback: several times faster for 40,000
  // keys) and the rank travels with its key. NUL sorts below every character, so the entries
  // sharing a prefix stay contiguous. The first part of a name is left out: it is a prefix of
  // the whole name, so whatever matches it matches the whole name too.
  const entries: string[] = [];
  decorated.forEach((d, rank) => {
    const tag = '\u0000' + String.fromCharCode(rank >>> 16, rank & 0xffff);
    const keys = new Set<string>([d.name, d.kana, ...d.nameParts.slice(1), ...d.kanaParts.slice(1)]);
    for (const key of keys) if (key) entries.push(key + tag);
  });
  entries.sort();

  const ranks = new Uint32Array(entries.length);
  const keys = entries.map((e, i) => {
    const n = e.length;
    ranks[i] = (e.charCodeAt(n - 2) << 16) | e.charCodeAt(n - 1);
    return e.slice(0, n - 3);
  });
  return { people: decorated.map((d) => d.p), keys, ranks };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First position whose key is ≥ q. */
function lowerBound(keys: readonly string[], q: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function passesFilters(p: Person, q: SearchQuery): boolean {
  const presence = q.presence ?? 'present';
  if (presence !== 'all' && isPresent(p) !== (presence === 'present')) return false;
  if (q.stay && p.stay !== q.stay) return false;
  if (q.need && !p.needs.includes(q.need)) return false;
  return true;
}

export interface SearchResult {
  /** The first `limit` matches in display order. */
  people: Person[];
  /** How many people match in all. */
  total: number;
}

export function searchPeopleWithTotal(index: SearchIndex, q: SearchQuery, limit = 200): SearchResult {
  const n = index.people.length;
  const query = normalizeForMatch(q.query ?? '');
  let matched: Uint8Array | null = null;
  if (query) {
    matched = new Uint8Array(n);
    const { keys, ranks } = index;
    for (let i = lowerBound(keys, query); i < keys.length && keys[i].startsWith(query); i++) matched[ranks[i]] = 1;
  }
  const people: Person[] = [];
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    if (matched && !matched[rank]) continue;
    const p = index.people[rank];
    if (!passesFilters(p, q)) continue;
    total++;
    if (people.length < limit) people.push(p);
  }
  return { people, total };
}

/** The people matching a query, filters applied, in display order, at most `limit`. */
export function searchPeople(index: SearchIndex, q: SearchQuery, limit = 200): Person[] {
  return searchPeopleWithTotal(index, q, limit).people;
}
