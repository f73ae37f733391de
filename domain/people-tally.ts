// A shelter's headcount kept up to date as its document changes, for whoever summarizes the
// same document again and again (the server, after every change in a surge). Counting from
// scratch (counts.ts tallyShelterPeople) reads every person: O(people) per check-in, a quarter
// of the server's time on a disaster day once shelters hold hundreds. Here each transaction marks
// the people it touched (people-changes.ts), and the next tally re-reads only those, through the
// same PeopleCounter (a property test holds the result equal to counting from scratch).
import type * as Y from 'yjs';
import { PeopleChanges } from './people-changes';
import { JAPAN_TZ_OFFSET_MINUTES, PeopleCounter, type FieldReader, type PeopleTally } from './counts';

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
