// A shelter's headcount kept up to date as its document changes, for whoever summarizes the
// same document again and again (the server, after every change in a surge). Counting from
// scratch (counts.ts tallyShelterPeople) reads every person: O(people) per check-in, a tenth of
// the server's time on a disaster day once shelters hold hundreds. Here each transaction marks
// the people it touched (people-changes.ts), and the next tally re-reads only those. The result is the same as
// tallyShelterPeople's, which stays the definition (a property test holds them equal).
import type * as Y from 'yjs';
import { AGE_GROUPS, STAY_TYPES, type AgeGroup, type StayType } from './schema';
import { PeopleChanges } from './people-changes';
import { asAgeGroup, asStay, asStringList } from './coerce';
import { JAPAN_TZ_OFFSET_MINUTES, dayWindow, isPresent, within, type DayWindow, type PeopleTally } from './counts';

/** What one person adds to the tally. */
interface Contribution {
  present: boolean;
  stay: StayType;
  ageGroup: AgeGroup;
  /** Distinct needs (only counted while present). */
  needs: readonly string[];
  checkedInAt: unknown;
  checkedOutAt: unknown;
}

const NO_NEEDS: readonly string[] = [];

/** What a person's record says, field by field (a Y.Map person or a plain record read elsewhere). */
export interface FieldReader {
  get(key: string): unknown;
}

/**
 * The arithmetic of a running headcount: records are set, replaced and removed one by one, and
 * the tally is read at any time. LivePeopleTally feeds it from a live document; a document kept
 * encoded feeds it from the people its updates add (server's cold shelters, people-shadow.ts).
 */
export class PeopleCounter {
  /** Per record: its contribution, or null for a value that is not a person. */
  private readonly entries = new Map<string, Contribution | null>();
  private readonly present = zeros(STAY_TYPES);
  private readonly ageGroups = zeros(AGE_GROUPS);
  private readonly needs = new Map<string, number>();
  /** Today's arrivals and departures, for `window`; recounted when the day turns. */
  private window: DayWindow | null = null;
  private arrivals = 0;
  private departures = 0;

  constructor(private readonly tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES) {}

  /** How many records there are, whatever they are (a purge's "on record"). */
  get records(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Sets record `id`: a person's fields, null for a value that is not a person, undefined: removed. */
  set(id: string, person: FieldReader | null | undefined): void {
    const before = this.entries.get(id);
    if (before) this.add(before, -1);
    if (person === undefined) {
      this.entries.delete(id);
      return;
    }
    const c = person ? contributionOf(person) : null;
    this.entries.set(id, c);
    if (c) this.add(c, 1);
  }

  tally(now: Date): PeopleTally {
    const w = dayWindow(now, this.tzOffsetMinutes);
    if (!this.window || this.window.start !== w.start || this.window.end !== w.end) {
      this.window = w;
      this.arrivals = 0;
      this.departures = 0;
      for (const c of this.entries.values()) if (c) this.addToday(c, 1);
    }
    const needs: Record<string, number> = {};
    for (const need of [...this.needs.keys()].sort()) needs[need] = this.needs.get(need)!;
    return {
      present: { ...this.present },
      needs,
      ageGroups: { ...this.ageGroups },
      arrivalsToday: this.arrivals,
      departuresToday: this.departures,
    };
  }

  private add(c: Contribution, sign: 1 | -1): void {
    if (c.present) {
      this.present[c.stay] += sign;
      this.ageGroups[c.ageGroup] += sign;
      for (const need of c.needs) {
        const n = (this.needs.get(need) ?? 0) + sign;
        if (n === 0) this.needs.delete(need);
        else this.needs.set(need, n);
      }
    }
    if (this.window) this.addToday(c, sign);
  }

  private addToday(c: Contribution, sign: 1 | -1): void {
    const w = this.window!;
    if (within(c.checkedInAt, w)) this.arrivals += sign;
    if (!c.present && within(c.checkedOutAt, w)) this.departures += sign;
  }
}

/** The headcount of a live document, re-reading only the people each change touched. */
export class LivePeopleTally {
  private readonly counter: PeopleCounter;
  private readonly changes: PeopleChanges;

  constructor(doc: Y.Doc, tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES) {
    this.counter = new PeopleCounter(tzOffsetMinutes);
    this.changes = new PeopleChanges(doc);
  }

  /** How many records the people map holds (a purge's "on record"), whatever they are. */
  get records(): number {
    this.catchUp();
    return this.counter.records;
  }

  tally(now: Date): PeopleTally {
    this.catchUp();
    return this.counter.tally(now);
  }

  /** Stops following the document (it may live on; a destroyed one needs no call). */
  dispose(): void {
    this.changes.dispose();
  }

  private catchUp(): void {
    const people = this.changes.people;
    for (const id of this.changes.take()) {
      const m = people.get(id) as { get?: unknown } | undefined;
      // A foreign client may have put a plain value here: on record, not counted (as tallyShelterPeople).
      if (m === undefined && !people.has(id)) this.counter.set(id, undefined);
      else this.counter.set(id, typeof m?.get === 'function' ? (m as FieldReader) : null);
    }
  }
}

function contributionOf(m: FieldReader): Contribution {
  const checkedOutAt = m.get('checkedOutAt');
  const present = isPresent({ checkedOutAt });
  let needs = NO_NEEDS;
  if (present) {
    const raw = m.get('needs');
    if (!(Array.isArray(raw) && raw.length === 0)) {
      const list = asStringList(raw);
      needs = list.length > 1 ? [...new Set(list)] : list;
    }
  }
  return { present, stay: asStay(m.get('stay')), ageGroup: asAgeGroup(m.get('ageGroup')), needs, checkedInAt: m.get('checkedInAt'), checkedOutAt };
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

const tallies = new WeakMap<Y.Doc, LivePeopleTally>();

/**
 * The running headcount of `doc` (Japan's day), made on first use and kept as long as the
 * document lives: whoever summarizes the same document often (the server's derived layers, a
 * tablet's overview and supplies screens) shares one.
 */
export function peopleTallyOf(doc: Y.Doc): LivePeopleTally {
  let t = tallies.get(doc);
  if (!t) tallies.set(doc, (t = new LivePeopleTally(doc)));
  return t;
}
