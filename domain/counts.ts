// Headcounts of a shelter: who is present by stay type, special needs and age groups of the
// people present, arrivals and departures today. One implementation (PeopleCounter) serves the
// tablet overview, the HQ overview and the public status: counting a document or a list from
// scratch here, or kept up to date as a document changes (people-tally.ts) or from the updates of
// a shelter held encoded (people-shadow.ts).
import type * as Y from 'yjs';
import { AGE_GROUPS, type AgeGroup, STAY_TYPES, type StayType, shelterPeople } from './schema';
import { asAgeGroup, asStay, asStringList, timeOf } from './coerce';

/** Japan Standard Time: UTC+9, no daylight saving time. */
export const JAPAN_TZ_OFFSET_MINUTES = 540;

const DAY_MS = 86_400_000;

/** The fields a headcount looks at; a Person has them all. */
export interface CountedFields {
  stay: unknown;
  needs: unknown;
  ageGroup: unknown;
  checkedInAt: unknown;
  checkedOutAt: unknown;
}

export interface PeopleTally {
  present: Record<StayType, number>;
  /** Per need, people present who have it; needs nobody present has are left out. */
  needs: Record<string, number>;
  ageGroups: Record<AgeGroup, number>;
  arrivalsToday: number;
  departuresToday: number;
}

/** The local calendar day containing `now`, as [start, end) in epoch milliseconds. */
export function localDayRange(now: Date, tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES): { start: number; end: number } {
  const offset = tzOffsetMinutes * 60_000;
  const start = Math.floor((now.getTime() + offset) / DAY_MS) * DAY_MS - offset;
  return { start, end: start + DAY_MS };
}

/** Present = checked in and not checked out (an empty check-out time counts as none). */
export function isPresent(p: { checkedOutAt: unknown }): boolean {
  return p.checkedOutAt === null || p.checkedOutAt === undefined || p.checkedOutAt === '';
}

/** Tallies people (Person records or anything with the counted fields). */
export function tallyPeople(
  people: Iterable<CountedFields>,
  now: Date,
  tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES,
): PeopleTally {
  const counter = new PeopleCounter(tzOffsetMinutes);
  let i = 0;
  for (const p of people) counter.set(String(i++), { get: (key) => p[key as keyof CountedFields] });
  return counter.tally(now);
}

/** Tallies the people of a shelter document, reading each person's fields in place. */
export function tallyShelterPeople(
  doc: Y.Doc,
  now: Date,
  tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES,
): PeopleTally {
  const counter = new PeopleCounter(tzOffsetMinutes);
  // A foreign client may have put a plain value here: on record, not counted.
  shelterPeople(doc).forEach((m, id) => counter.set(id, typeof (m as { get?: unknown } | null)?.get === 'function' ? (m as FieldReader) : null));
  return counter.tally(now);
}

/** [start, end) of the local day as epoch ms and as canonical ISO strings (for a cheap compare). */
interface DayWindow {
  start: number;
  end: number;
  startIso: string;
  endIso: string;
}

function dayWindow(now: Date, tzOffsetMinutes: number): DayWindow {
  const { start, end } = localDayRange(now, tzOffsetMinutes);
  return { start, end, startIso: new Date(start).toISOString(), endIso: new Date(end).toISOString() };
}

/**
 * Whether an ISO time falls in the window. Times this app writes are canonical
 * (`toISOString()`, UTC, fixed width), which order as strings; anything else is parsed.
 */
function within(v: unknown, w: DayWindow): boolean {
  if (typeof v !== 'string' || v === '') return false;
  if (v.length === 24 && v.charCodeAt(23) === 90 /* Z */ && v.charCodeAt(10) === 84 /* T */) {
    return v >= w.startIso && v < w.endIso;
  }
  const t = timeOf(v);
  return t >= w.start && t < w.end;
}

/** Everyone present, whatever their stay type: supplies follow people in cars and at home too. */
export function peopleServed(t: PeopleTally): number {
  return STAY_TYPES.reduce((sum, s) => sum + t.present[s], 0);
}

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
