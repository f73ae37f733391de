// What the server keeps of a shelter document it holds encoded while check-ins arrive. In a
// surge a live Yjs document costs 8–13 kB of heap per person (183,000 people: 1.4 GB, and every
// full garbage collection marks all of it, holding every forward); encoded it is ~410 B. A
// check-in's update is self-contained — new people, each a new map whose fields are written for
// the first time — so what it adds can be read from the update alone: `addedPeople` reads it, or
// says null for anything else (an overwrite, a deletion, another part of the document, a gap in
// a client's clock), and then the server makes the document live again, as before. The shadow
// keeps what the readers of a busy shelter need: the headcount (PeopleCounter), each person's
// fields for the support list, and the rest of the summary as it was when the document was live
// (a check-in does not change it).
import * as Y from 'yjs';
import { shelterPeople } from './schema';
import { PeopleCounter, type FieldReader } from './counts';
import { summaryParts, type SummaryParts } from './overview';
import { AGE_GROUPS, NEEDS, STAY_TYPES, isOneOf } from './vocabulary';

/** The fields of a person the shadow keeps (the headcount's and the support list's). */
export const SHADOW_FIELDS = ['stay', 'needs', 'ageGroup', 'checkedInAt', 'checkedOutAt', 'name', 'kana', 'birthYear', 'protected'] as const;

/** A person as the shadow keeps them: the fields above, read like a Y.Map. */
export class ShadowPerson implements FieldReader {
  private readonly values: unknown[];

  constructor(read: (key: string) => unknown) {
    this.values = SHADOW_FIELDS.map((k) => shared(k, read(k)));
  }

  get(key: string): unknown {
    const i = (SHADOW_FIELDS as readonly string[]).indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }
}

/**
 * One object per value of a small vocabulary (where a person stays, their age group, their list
 * of needs) instead of one per person: every value decoded from an update is a new string or
 * array, and a full garbage collection marks each of them — 183,000 people's worth held every
 * forward on a disaster day. Only known values are shared (a table bounded by the vocabulary);
 * shared lists are frozen, and nothing that reads a shadow writes to what it reads.
 */
const VOCABULARY: Readonly<Record<string, readonly string[]>> = { stay: STAY_TYPES, ageGroup: AGE_GROUPS };
const SHARED_LISTS = new Map<string, readonly string[]>();

function shared(key: string, v: unknown): unknown {
  const words = VOCABULARY[key];
  // The vocabulary's own string for a known word (the same characters, one object).
  if (words && isOneOf(words, v)) return words[words.indexOf(v)];
  if (key !== 'needs' || !Array.isArray(v) || !v.every((n) => isOneOf(NEEDS, n))) return v;
  const k = v.join(',');
  let list = SHARED_LISTS.get(k);
  if (!list) SHARED_LISTS.set(k, (list = Object.freeze([...(v as string[])])));
  return list;
}

export interface AddedPeople {
  /** New people by id, in the order the update adds them. */
  people: Map<string, ShadowPerson>;
  /** Per client of the update, the clock after it (the document's new state vector entries). */
  clocks: Map<number, number>;
}

/**
 * The people `update` adds when adding people is all it does, else null.
 * `clockOf(client)`: the document's clock for that client (the update must continue it exactly);
 * `onRecord(id)`: whether the people map already has that id (a second write of it is not new).
 */
export function addedPeople(update: Uint8Array, clockOf: (client: number) => number, onRecord: (id: string) => boolean): AddedPeople | null {
  // Adding a person names the people map in the update; most other updates never do, and are
  // told apart here without decoding them (every shelter update on the server comes this way).
  if (!containsBytes(update, PEOPLE_KEY)) return null;
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return null;
  }
  if (decoded.ds.clients.size > 0 || decoded.structs.length === 0) return null;
  const next = new Map<number, number>();
  /** Person map items of this update: "client:clock" → the person's id and their fields so far. */
  const maps = new Map<string, { id: string; fields: Map<string, unknown> }>();
  const order: string[] = [];
  const strings = new Map<string, string>();
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) return null;
    const expected = next.get(s.id.client) ?? clockOf(s.id.client);
    if (s.id.clock !== expected) return null;
    next.set(s.id.client, s.id.clock + s.length);
    if (s.origin !== null || s.rightOrigin !== null || s.parentSub === null || s.length !== 1) return null;
    if ((s.parent as unknown) === 'people') {
      const id = s.parentSub;
      if (!(s.content instanceof Y.ContentType) || !(s.content.type instanceof Y.Map)) return null;
      if (onRecord(id) || order.includes(id)) return null;
      maps.set(`${s.id.client}:${s.id.clock}`, { id, fields: new Map() });
      order.push(id);
      continue;
    }
    const parent = s.parent as { client?: unknown; clock?: unknown } | null;
    if (!parent || typeof parent !== 'object' || typeof parent.client !== 'number') return null;
    const person = maps.get(`${parent.client}:${String(parent.clock)}`);
    if (!person || person.fields.has(s.parentSub) || !(s.content instanceof Y.ContentAny) || s.content.arr.length !== 1) return null;
    // A household's members share their check-in time: one string for all of them.
    let value = s.content.arr[0];
    if (typeof value === 'string') value = strings.get(value) ?? (strings.set(value, value), value);
    person.fields.set(s.parentSub, value);
  }
  const people = new Map<string, ShadowPerson>();
  for (const { id, fields } of maps.values()) people.set(id, new ShadowPerson((k) => fields.get(k)));
  return { people, clocks: next };
}

const PEOPLE_KEY = new TextEncoder().encode('people');

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

export class PeopleShadow {
  readonly counter = new PeopleCounter();
  /** Every person on record (a value that is not a person: null), in the order they came. */
  readonly people = new Map<string, ShadowPerson | null>();
  /** Ids in the order they came (a reader keeps its place in it: the shadow only grows). */
  readonly order: string[] = [];

  private constructor(readonly parts: SummaryParts) {}

  /** The shadow of a live shelter document, as it is now. */
  static of(doc: Y.Doc): PeopleShadow {
    const shadow = new PeopleShadow(summaryParts(doc));
    shelterPeople(doc).forEach((m, id) => {
      const person = typeof (m as { get?: unknown } | null)?.get === 'function' ? new ShadowPerson((k) => (m as Y.Map<unknown>).get(k)) : null;
      shadow.put(id, person);
    });
    return shadow;
  }

  has(id: string): boolean {
    return this.people.has(id);
  }

  add(added: AddedPeople): void {
    for (const [id, person] of added.people) this.put(id, person);
  }

  private put(id: string, person: ShadowPerson | null): void {
    this.people.set(id, person);
    this.order.push(id);
    this.counter.set(id, person);
  }
}
