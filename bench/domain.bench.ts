// Domain hot paths in plain Node, on a 10,000-person shelter with 50,000 ledger entries:
// the summary the server recomputes after each change, stock on hand, the search index the
// tablet rebuilds and queries per keystroke, one household check-in, the duplicate check; what a
// person costs in memory, hot and encoded.
// Prints JSON lines (scripts/bench.mjs). Figures are medians of repeated runs.
import v8 from 'node:v8';
import vm from 'node:vm';
import * as Y from 'yjs';
import { summarizeShelter } from '../domain/overview';
import { peopleTallyOf } from '../domain/people-tally';
import { appendLedgerEntries, seedDefaultItems, stockOnHand, type LedgerInput } from '../domain/stock';
import { checkInHousehold, emptyPersonInput, readPeople, type PersonInput } from '../domain/people';
import { PeopleShadow, addedPeople } from '../domain/people-shadow';
import { kanaDigits } from './support';
import { buildSearchIndex, searchPeople } from '../domain/search';
import { findDuplicateCandidates } from '../domain/duplicates';

const BENCH = 'domain';
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 1000) / 1000, unit, ...extra }));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
function time(runs: number, f: () => void): number[] {
  f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const KANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ';
const word = (n: number) => Array.from({ length: n }, () => KANA[Math.floor(rand() * KANA.length)]).join('');
let idn = 0;
const newId = () => `id-${++idn}`;
const now = new Date('2026-07-04T03:00:00.000Z');

const doc = new Y.Doc();
seedDefaultItems(doc);
const stays = ['shelter', 'car', 'home'] as const;
doc.transact(() => {
  for (let h = 0; h < 4000; h++) {
    const family = word(2);
    const members: PersonInput[] = Array.from({ length: 1 + (h % 4) }, () => ({
      ...emptyPersonInput(), name: `${family} ${word(2)}`, kana: `${family} ${word(3)}`,
      stay: stays[h % 3], needs: h % 9 === 0 ? ['wheelchair'] : [],
    }));
    checkInHousehold(doc, members, { now, newId });
  }
});
const peopleCount = doc.getMap('people').size;
const items = ['water', 'food', 'blanket', 'mask', 'diaper', 'toilet-bag'];
const entries: LedgerInput[] = Array.from({ length: 50_000 }, (_, i) => ({
  item: items[i % items.length], delta: i % 5 === 0 ? -1 : 3, reason: i % 5 === 0 ? 'distributed' : 'received', by: 'bench',
}));
appendLedgerEntries(doc, entries, { now, newId });
emit('people', peopleCount, 'count');
emit('ledger_entries', doc.getArray('stock').length, 'count');

emit('summarize_shelter_ms', median(time(30, () => summarizeShelter(doc, 's1', now))), 'ms');
emit('stock_on_hand_ms', median(time(30, () => stockOnHand(doc))), 'ms');
const people = readPeople(doc);
emit('read_people_ms', median(time(10, () => readPeople(doc))), 'ms');
emit('search_index_build_ms', median(time(10, () => buildSearchIndex(people))), 'ms');
const index = buildSearchIndex(people);
const plusOne = [...people, { ...people[0], id: 'new-arrival', name: '新規 到着', kana: 'しんき とうちゃく' }];
emit('search_index_rebuild_after_one_check_in_ms', median(time(10, () => buildSearchIndex(plusOne, index))), 'ms');
const keystrokes: number[] = [];
for (let q = 0; q < 200; q++) {
  const query = word(1 + (q % 3));
  const t0 = performance.now();
  searchPeople(index, { query });
  keystrokes.push(performance.now() - t0);
}
emit('search_keystroke_p50_ms', median(keystrokes), 'ms');
emit('search_keystroke_p99_ms', percentile(keystrokes, 99), 'ms');
emit('duplicate_candidates_ms', median(time(5, () => findDuplicateCandidates(doc))), 'ms');
emit('check_in_household_of_3_ms', median(time(50, () => {
  checkInHousehold(doc, [0, 1, 2].map(() => ({ ...emptyPersonInput(), name: '追加 太郎' })), { now, newId });
})), 'ms');

// The summary as the server makes it after a check-in: counting only the people who changed
// (domain/people-tally.ts) against counting all 10,000.
const live = peopleTallyOf(doc);
summarizeShelter(doc, 's1', now, null, { people: live });
const afterOneCheckIn = (people?: typeof live) => {
  const out: number[] = [];
  for (let i = 0; i < 30; i++) {
    checkInHousehold(doc, [{ ...emptyPersonInput(), name: '追加 花子' }], { now, newId });
    const t0 = performance.now();
    summarizeShelter(doc, 's1', now, null, { people });
    out.push(performance.now() - t0);
  }
  return median(out);
};
emit('summarize_after_check_in_ms', afterOneCheckIn(), 'ms', { counting: 'every person' });
emit('summarize_after_check_in_incremental_ms', afterOneCheckIn(live), 'ms', { counting: 'the people who changed' });

// What a person costs the server's memory: in a hot Y.Doc (as updates from a tablet are applied)
// and encoded (a cold document). A disaster day's heap is mostly this.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MEMORY_PEOPLE = 5_000;
gc();
const heap0 = process.memoryUsage().heapUsed;
const held = new Y.Doc();
{
  const tablet = new Y.Doc();
  tablet.on('update', (u: Uint8Array) => Y.applyUpdate(held, u));
  for (let n = 0; n < MEMORY_PEOPLE; n += 2) {
    checkInHousehold(tablet, [0, 1].map((i) => ({ ...emptyPersonInput(), name: `避難 ${n + i}`, kana: 'ヒナン', needs: (n + i) % 11 === 0 ? ['wheelchair' as const] : [] })), { now, newId });
  }
  tablet.destroy();
}
gc();
const hotBytes = process.memoryUsage().heapUsed - heap0;
emit('person_heap_bytes_hot', hotBytes / MEMORY_PEOPLE, 'bytes', { people: MEMORY_PEOPLE });
emit('person_bytes_encoded', Y.encodeStateAsUpdate(held).byteLength / MEMORY_PEOPLE, 'bytes', { people: MEMORY_PEOPLE });

// And what the server keeps beside the encoded state of a shelter it holds encoded: the shadow
// (domain/people-shadow.ts), fed the tablet's check-in updates one by one as the registry does.
{
  const updates: Uint8Array[] = [];
  const tablet = new Y.Doc();
  tablet.on('update', (u: Uint8Array) => updates.push(u));
  for (let n = 0; n < MEMORY_PEOPLE; n += 2) {
    checkInHousehold(tablet, [0, 1].map((i) => ({ ...emptyPersonInput(), name: `避難 ${n + i}`, kana: `ヒナン ${kanaDigits(n + i)}`, needs: (n + i) % 11 === 0 ? ['wheelchair' as const] : [] })), { now, newId });
  }
  tablet.destroy();
  if (updates.length !== MEMORY_PEOPLE / 2) throw new Error(`${updates.length} check-ins written, ${MEMORY_PEOPLE / 2} meant`);
  const shadow = PeopleShadow.of(new Y.Doc());
  const clocks = new Map<number, number>();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const u of updates) {
    const added = addedPeople(u, (c) => clocks.get(c) ?? 0, (id) => shadow.has(id));
    if (!added) throw new Error('a check-in was not read as one');
    for (const [c, k] of added.clocks) clocks.set(c, k);
    shadow.add(added);
  }
  gc();
  emit('person_heap_bytes_shadow', (process.memoryUsage().heapUsed - before) / shadow.people.size, 'bytes', { people: shadow.people.size, note: 'beside the encoded state, in a shelter held encoded' });
}
