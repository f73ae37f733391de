// Headcounts of a shelter: who is present by stay type, special needs and age groups of the
// people present, arrivals and departures today. One implementation serves the tablet overview,
// the HQ overview and the public status; it reads the people Y.Maps field by field so that the
// server can recount a 10,000-person document after every change without copying it.
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

export function emptyTally(): PeopleTally {
  return {
    present: Object.fromEntries(STAY_TYPES.map((s) => [s, 0])) as Record<StayType, number>,
    needs: {},
    ageGroups: Object.fromEntries(AGE_GROUPS.map((a) => [a, 0])) as Record<AgeGroup, number>,
    arrivalsToday: 0,
    departuresToday: 0,
  };
}

/** Tallies people (Person records or anything with the counted fields). */
export function tallyPeople(
  people: Iterable<CountedFields>,
  now: Date,
  tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES,
): PeopleTally {
  const t = emptyTally();
  const w = dayWindow(now, tzOffsetMinutes);
  for (const p of people) addToTally(t, p, w);
  return t;
}

/** Tallies the people of a shelter document without materialising them. */
export function tallyShelterPeople(
  doc: Y.Doc,
  now: Date,
  tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES,
): PeopleTally {
  const t = emptyTally();
  const w = dayWindow(now, tzOffsetMinutes);
  // One reusable view object: the tally reads each field once and keeps nothing.
  const view: CountedFields = { stay: null, needs: null, ageGroup: null, checkedInAt: null, checkedOutAt: null };
  shelterPeople(doc).forEach((m) => {
    // A foreign client may have put a plain value here; skip it rather than freeze the summary.
    if (typeof (m as { get?: unknown } | null)?.get !== 'function') return;
    view.stay = m.get('stay');
    view.needs = m.get('needs');
    view.ageGroup = m.get('ageGroup');
    view.checkedInAt = m.get('checkedInAt');
    view.checkedOutAt = m.get('checkedOutAt');
    addToTally(t, view, w);
  });
  return t;
}

/** [start, end) of the local day as epoch ms and as canonical ISO strings (for a cheap compare). */
export interface DayWindow {
  start: number;
  end: number;
  startIso: string;
  endIso: string;
}

export function dayWindow(now: Date, tzOffsetMinutes: number): DayWindow {
  const { start, end } = localDayRange(now, tzOffsetMinutes);
  return { start, end, startIso: new Date(start).toISOString(), endIso: new Date(end).toISOString() };
}

/**
 * Whether an ISO time falls in the window. Times this app writes are canonical
 * (`toISOString()`, UTC, fixed width), which order as strings; anything else is parsed.
 */
export function within(v: unknown, w: DayWindow): boolean {
  if (typeof v !== 'string' || v === '') return false;
  if (v.length === 24 && v.charCodeAt(23) === 90 /* Z */ && v.charCodeAt(10) === 84 /* T */) {
    return v >= w.startIso && v < w.endIso;
  }
  const t = timeOf(v);
  return t >= w.start && t < w.end;
}

function addToTally(t: PeopleTally, p: CountedFields, w: DayWindow): void {
  if (within(p.checkedInAt, w)) t.arrivalsToday++;
  if (isPresent(p)) {
    t.present[asStay(p.stay)]++;
    t.ageGroups[asAgeGroup(p.ageGroup)]++;
    const needs = p.needs;
    if (Array.isArray(needs) && needs.length === 0) return;
    const list = asStringList(needs);
    for (const need of list.length > 1 ? new Set(list) : list) t.needs[need] = (t.needs[need] ?? 0) + 1;
  } else if (within(p.checkedOutAt, w)) {
    t.departuresToday++;
  }
}

/** Everyone present, whatever their stay type: supplies follow people in cars and at home too. */
export function peopleServed(t: PeopleTally): number {
  return STAY_TYPES.reduce((sum, s) => sum + t.present[s], 0);
}
