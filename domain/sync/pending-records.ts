// What a worker means by "N changes not yet confirmed": records (a person, a ledger entry, a
// request, an item), not internal Yjs transactions. A household of four checked in at once is
// four people; editing three fields of one person is one person.
import * as Y from 'yjs';

/** The number of records a local transaction touched (at least 1 for any change). */
export function recordsTouched(tr: Y.Transaction): number {
  const records = new Set<string>();
  for (const [type, keys] of tr.changed) {
    // Walk up to the top-level type: a record is a key of a top-level map, or an array entry.
    let t: Y.AbstractType<any> = type; // eslint-disable-line @typescript-eslint/no-explicit-any -- Yjs types are invariant in their event type
    let key: string | null = null;
    while (t._item) {
      key = t._item.parentSub;
      t = t._item.parent as Y.AbstractType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    }
    const top = [...t.doc!.share].find(([, v]) => v === t)?.[0] ?? '?';
    if (key !== null) records.add(`${top}:${key}`);
    else if (t instanceof Y.Array) records.add(`${top}:#${records.size}`);
    else for (const k of keys) records.add(`${top}:${k ?? '#'}`);
  }
  return Math.max(1, records.size);
}
