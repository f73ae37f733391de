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

/** A person's name and kana as the index compares them, kept to be reused by the next build. */
interface NormalizedNames {
  rawName: string;
  rawKana: string;
  name: string;
  kana: string;
  /** The searchable keys: whole name, whole kana, and every part but the first. */
  keys: string[];
}

export interface SearchIndex {
  /** People in display order: by kana (or name when no kana), then name, then id. */
  readonly people: readonly Person[];
  /** Sorted normalised keys and, at the same position, the person's display rank. */
  readonly keys: readonly string[];
  readonly ranks: Uint32Array;
  /** Per person id, for a rebuild that passes this index as `previous`. */
  readonly normalized: ReadonlyMap<string, NormalizedNames>;
}

export interface SearchQuery {
  query: string;
  stay?: StayType;
  need?: Need;
  /** Present (default), left, or all. */
  presence?: 'present' | 'left' | 'all';
}

function normalizeNames(p: Person): NormalizedNames {
  const nameParts_ = nameParts(p.name);
  const kanaParts = nameParts(p.kana);
  const name = nameParts_.join('');
  const kana = kanaParts.join('');
  // The first part is a prefix of the whole, so whatever matches it matches the whole too.
  const keys = [...new Set([name, kana, ...nameParts_.slice(1), ...kanaParts.slice(1)])].filter((k) => k !== '');
  return { rawName: p.name, rawKana: p.kana, name, kana, keys };
}

/**
 * Builds the index. Pass the index built before the last change as `previous` and the names of
 * people whose name and kana did not change are not normalised again (the bulk of the work when
 * one check-in arrives in a shelter of thousands).
 */
export function buildSearchIndex(people: readonly Person[], previous?: SearchIndex): SearchIndex {
  const normalized = new Map<string, NormalizedNames>();
  const decorated = people.map((p) => {
    const old = previous?.normalized.get(p.id);
    const n = old && old.rawName === p.name && old.rawKana === p.kana ? old : normalizeNames(p);
    normalized.set(p.id, n);
    // A protected person (DV, stalking) is never found by typing a name at the tablet (someone
    // asking "is X here?" must not see a row appear) and is listed after everyone else, so where
    // the masked row sits does not tell the name's first letters either.
    if (p.protected) return { p, n, keys: [] as string[], sortKey: '\uffff' };
    return { p, n, keys: n.keys, sortKey: n.kana || n.name };
  });
  decorated.sort((a, b) => cmp(a.sortKey, b.sortKey) || cmp(a.n.name, b.n.name) || cmp(a.p.id, b.p.id));

  // Each entry is the key, a NUL and the rank in two UTF-16 units, so that the array sorts with
  // the engine's native string order (no comparator callback: several times faster for 40,000
  // keys) and the rank travels with its key. NUL sorts below every character, so the entries
  // sharing a prefix stay contiguous and the keys stay sorted once the tag is cut off.
  const entries: string[] = [];
  decorated.forEach((d, rank) => {
    const tag = '\u0000' + String.fromCharCode(rank >>> 16, rank & 0xffff);
    for (const key of d.keys) entries.push(key + tag);
  });
  entries.sort();

  const ranks = new Uint32Array(entries.length);
  const keys = entries.map((e, i) => {
    const n = e.length;
    ranks[i] = (e.charCodeAt(n - 2) << 16) | e.charCodeAt(n - 1);
    return e.slice(0, n - 3);
  });
  return { people: decorated.map((d) => d.p), keys, ranks, normalized };
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
