// Which people of a shelter document changed since a reader last looked: for readers that go
// over the same document after every change (the server's headcount in people-tally.ts, its
// support-list matching) and would otherwise re-read every person each time — O(people) per
// check-in, which on a disaster day's 855 shelters is most of a core.
import type * as Y from 'yjs';
import { shelterPeople } from './schema';

export class PeopleChanges {
  readonly people: Y.Map<unknown>;
  /** Ids changed since the last take (null: everyone, as at the start). */
  private dirty: Set<string> | null = null;
  private readonly observer: (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => void;

  constructor(readonly doc: Y.Doc) {
    this.people = shelterPeople(doc) as unknown as Y.Map<unknown>;
    this.observer = (events) => {
      if (!this.dirty) return;
      for (const e of events) {
        if (e.target === this.people) for (const key of (e as Y.YMapEvent<unknown>).keysChanged) this.dirty.add(key);
        else {
          // A field of one person (or something nested in one): the first step of its path.
          const first = e.path[0];
          if (typeof first === 'string') this.dirty.add(first);
        }
      }
    };
    this.people.observeDeep(this.observer);
  }

  /**
   * The ids of people (records of the people map) added, changed or removed since the last call;
   * every id on record the first time. A removed id is no longer in `people`.
   */
  take(): Iterable<string> {
    if (!this.dirty) {
      this.dirty = new Set();
      return [...this.people.keys()];
    }
    const ids = this.dirty;
    if (ids.size > 0) this.dirty = new Set();
    return ids;
  }

  /** Stops following the document (it may live on; a destroyed one needs no call). */
  dispose(): void {
    this.people.unobserveDeep(this.observer);
  }
}
