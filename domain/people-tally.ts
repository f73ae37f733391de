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

export class LivePeopleTally {
  private readonly people: Y.Map<unknown>;
  /** Per record of the people map: its contribution, or null for a value that is not a person. */
  private readonly entries = new Map<string, Contribution | null>();
  private readonly present = zeros(STAY_TYPES);
  private readonly ageGroups = zeros(AGE_GROUPS);
  private readonly needs = new Map<string, number>();
  /** Today's arrivals and departures, for `window`; recounted when the day turns. */
  private window: DayWindow | null = null;
  private arrivals = 0;
  private departures = 0;
  private readonly changes: PeopleChanges;

  constructor(
    doc: Y.Doc,
    private readonly tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES,
  ) {
    this.changes = new PeopleChanges(doc);
    this.people = this.changes.people;
  }

  /** How many records the people map holds (a purge's "on record"), whatever they are. */
  get records(): number {
    this.catchUp();
    return this.entries.size;
  }

  tally(now: Date): PeopleTally {
    this.catchUp();
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

  /** Stops following the document (it may live on; a destroyed one needs no call). */
  dispose(): void {
    this.changes.dispose();
  }

  private catchUp(): void {
    for (const id of this.changes.take()) this.update(id);
  }

  private update(id: string): void {
    const before = this.entries.get(id);
    if (before) this.add(before, -1);
    const m = this.people.get(id) as { get?: unknown } | undefined;
    if (m === undefined && !this.people.has(id)) {
      this.entries.delete(id);
      return;
    }
    // A foreign client may have put a plain value here: on record, not counted (as tallyShelterPeople).
    const c = typeof m?.get === 'function' ? contributionOf(m as Y.Map<unknown>) : null;
    this.entries.set(id, c);
    if (c) this.add(c, 1);
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

function contributionOf(m: Y.Map<unknown>): Contribution {
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
