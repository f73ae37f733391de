// The search index of a shelter's people, built once per document version and kept while the
// tablet moves between screens (building it for 10,000 people is the expensive part; each
// keystroke then only searches it — see domain/search.ts).
import type { SyncedDoc } from '../lib/sync/synced-doc';
import { readPeople } from '../../domain/people';
import { type SearchIndex, buildSearchIndex } from '../../domain/search';

let cached: { synced: SyncedDoc; version: number; index: SearchIndex } | null = null;

export function peopleIndex(synced: SyncedDoc, version: number): SearchIndex {
  if (cached && cached.synced === synced && cached.version === version) return cached.index;
  const index = buildSearchIndex(readPeople(synced.doc));
  cached = { synced, version, index };
  return index;
}
