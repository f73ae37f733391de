// Fields of a document that only the server writes. A shelter's epoch (`meta.purgedAt`,
// domain/retention.ts) is set by the purge alone: a tablet that wrote it could make HQ's
// retention tab say 削除済み, or hand every other tablet an epoch the server never had. The
// purge decision rests on the store's own epoch and closure records (derived-layers.ts, purge.ts), so
// a written field would mislead nobody there; refusing the write keeps the document honest too.
//
// An update names the map key it writes only when the item has no neighbour (the first write of
// a key); an overwrite names the item it replaces instead (its origin). So an item's key is
// found by following origins: within the update itself, else in the document as loaded.
import * as Y from 'yjs';
import type { DocRef } from '../../domain/schema';

/** Root map → keys the server alone writes, per kind of document. */
const SERVER_OWNED: Record<DocRef['kind'], Readonly<Record<string, readonly string[]>>> = {
  shelter: { meta: ['purgedAt'] },
  hq: {},
};

type Decoded = ReturnType<typeof Y.decodeUpdate>;
type Place = { root: string; key: string } | null;

/**
 * The first server-owned field (`map.key`) that `update` sets or deletes, or null. `doc` gives
 * the document as the server holds it, asked for only when the update refers to something it
 * does not carry (a check-in does not: a shelter held encoded stays so, core/registry.ts). An item whose origin neither the update nor the document
 * holds is not judged here: Yjs keeps it pending, and nothing the server decides reads it.
 */
export function serverFieldWritten(ref: DocRef, doc: () => Y.Doc, update: Decoded): string | null {
  const owned = SERVER_OWNED[ref.kind];
  if (Object.keys(owned).length === 0) return null;
  const own = new Map<number, Y.Item[]>();
  for (const s of update.structs) {
    if (!(s instanceof Y.Item)) continue;
    const list = own.get(s.id.client) ?? [];
    list.push(s);
    own.set(s.id.client, list);
  }
  const cache = new Map<Y.Item, Place>();
  const placeOf = (item: Y.Item, depth: number): Place => {
    const known = cache.get(item);
    if (known !== undefined) return known;
    let place: Place = null;
    if (typeof item.parent === 'string') {
      place = item.parentSub !== null ? { root: item.parent, key: item.parentSub } : null;
    } else if (item.parent === null && depth < 10_000) {
      const ref = item.origin ?? item.rightOrigin;
      if (ref) {
        const inUpdate = own.get(ref.client)?.find((i) => ref.clock >= i.id.clock && ref.clock < i.id.clock + i.length);
        place = inUpdate ? placeOf(inUpdate, depth + 1) : placeInDoc(doc(), ref);
      }
    }
    cache.set(item, place);
    return place;
  };
  for (const list of own.values()) {
    for (const item of list) {
      const p = placeOf(item, 0);
      if (p && owned[p.root]?.includes(p.key)) return `${p.root}.${p.key}`;
    }
  }
  // A plain deletion of the current value.
  if (update.ds.clients.size === 0) return null;
  for (const [root, keys] of Object.entries(owned)) {
    if (!doc().share.has(root)) continue;
    const map = doc().getMap(root);
    for (const key of keys) {
      const current = (map as unknown as { _map: Map<string, Y.Item> })._map.get(key);
      if (!current) continue;
      const ranges = update.ds.clients.get(current.id.client) ?? [];
      if (ranges.some((r) => current.id.clock >= r.clock && current.id.clock < r.clock + r.len)) return `${root}.${key}`;
    }
  }
  return null;
}

function placeInDoc(doc: Y.Doc, id: Y.ID): Place {
  if (Y.getState(doc.store, id.client) <= id.clock) return null;
  let struct: Y.AbstractStruct;
  try {
    struct = Y.getItem(doc.store, id);
  } catch {
    return null;
  }
  if (!(struct instanceof Y.Item) || struct.parentSub === null) return null;
  const parent = struct.parent as Y.AbstractType<unknown> | null;
  if (!parent || parent._item !== null) return null; // a nested map: not a root field
  return { root: Y.findRootTypeKey(parent), key: struct.parentSub };
}
