// The derived layers' timing, on a manual clock (DerivedLayers takes its timers like the sync
// engine does): a shelter's summary follows a change after DEBOUNCE_MS; status.json follows a
// shelter's change at most every SHELTER_CHANGES_MS (crowding moves with every check-in), and a
// level set at HQ within DEBOUNCE_MS (residents must see it at once); stop() summarizes what
// waited and publishes nothing more.
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { HQ_DOC, SCHEMA_VERSION, hqDistricts, hqMeta, hqShelters, shelterDocName, shelterMeta, toYMap } from '../../domain/schema';
import { ManualClock } from '../../domain/sync/clock';
import { DEBOUNCE_MS, DerivedLayers, SHELTER_CHANGES_MS } from '../../sync-server/features/derived-layers';
import { DocRegistry } from '../../sync-server/core/registry';
import { Metrics } from '../../sync-server/core/metrics';
import { SerialQueue } from '../../sync-server/core/serial';
import { openMemoryStore } from '../../sync-server/store/memory';
import type { DocStore } from '../../sync-server/store/types';

const START = Date.parse('2026-07-04T03:00:00.000Z');

function updateOf(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  doc.transact(() => edit(doc));
  return Y.mergeUpdates(updates);
}

let stopAll: (() => void) | null = null;
afterEach(() => {
  stopAll?.();
  stopAll = null;
});

async function world() {
  const clock = new ManualClock(START);
  const now = () => new Date(clock.now());
  const store: DocStore = openMemoryStore();
  await store.append(
    [
      {
        docName: HQ_DOC,
        update: updateOf((doc) => {
          hqMeta(doc).set('schema', SCHEMA_VERSION);
          hqMeta(doc).set('region', 'テスト市');
          hqDistricts(doc).set('d1', toYMap({ name: '本町地区', level: 0, issuedAt: null }));
          hqShelters(doc).set('s1', toYMap({ name: '本町小学校', address: '', lat: 32.5, lon: 130.6, capacity: 100, districtId: 'd1', hazards: [] }));
        }),
      },
    ],
    now(),
  );
  const registry = new DocRegistry(store, new SerialQueue(), new Metrics(), { unloadGraceMs: 60_000, compactThreshold: 500, coolAfterMs: 60_000, clock });
  const derived = new DerivedLayers(registry, store, now, clock);
  await derived.start();
  const shelter = await registry.acquire(shelterDocName('s1'));
  const hqLive = await registry.acquire(HQ_DOC);
  let seq = 100;
  /** Commits an update as the writer does (registry.applyCommitted), at the manual clock's time. */
  const commit = (live: typeof shelter, update: Uint8Array) => registry.applyCommitted(live, update, ++seq, null, now().toISOString());
  const tablet = new Y.Doc();
  const checkIn = (name: string) => {
    const before = Y.encodeStateVector(tablet);
    const r = checkInHousehold(tablet, [{ ...emptyPersonInput(), name, kana: 'ヒナン' }], { now: now(), newId: () => `p-${name}` });
    if (!r.ok) throw new Error('check-in refused');
    commit(shelter, Y.encodeStateAsUpdate(tablet, before));
  };
  /** HQ sets a district's level, committed like any other update. */
  const setLevel = (level: number) => {
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(hqLive.doc));
    const before = Y.encodeStateVector(copy);
    (hqDistricts(copy).get('d1') as Y.Map<unknown>).set('level', level);
    commit(hqLive, Y.encodeStateAsUpdate(copy, before));
  };
  // The shelter opens (a closed shelter's counts are not published).
  {
    const before = Y.encodeStateVector(tablet);
    shelterMeta(tablet).set('schema', SCHEMA_VERSION);
    shelterMeta(tablet).set('status', 'open');
    commit(shelter, Y.encodeStateAsUpdate(tablet, before));
  }
  const present = () => derived.overview().shelters.find((s) => s.shelterId === 's1')?.present.shelter ?? 0;
  /** status.json's entry for the shelter, as residents get it. */
  const statusPresent = () => {
    const status = JSON.parse(derived.status().body.toString()) as { shelters: { id: string }[] };
    return JSON.stringify(status.shelters.find((s) => s.id === 's1'));
  };
  const levelInStatus = () => (JSON.parse(derived.status().body.toString()) as { districts: { id: string; level: number }[] }).districts.find((d) => d.id === 'd1')?.level;
  stopAll = () => derived.stop();
  return { clock, derived, checkIn, setLevel, present, statusPresent, levelInStatus, hqLive, commit };
}

describe('derived layers on a manual clock', () => {
  it("a shelter's summary follows a check-in after the debounce, status.json at most every SHELTER_CHANGES_MS", async () => {
    const w = await world();
    w.clock.advance(2 * SHELTER_CHANGES_MS); // the opening is published, and long enough ago
    const atStart = w.statusPresent();
    w.checkIn('一');
    w.clock.advance(DEBOUNCE_MS - 1);
    expect(w.present()).toBe(0);
    w.clock.advance(1);
    expect(w.present()).toBe(1);
    expect(w.statusPresent()).toBe(atStart);
    w.clock.advance(DEBOUNCE_MS);
    const first = w.statusPresent();
    expect(first).not.toBe(atStart);
    // A second check-in right after: its summary after the debounce as before, but status.json
    // only once SHELTER_CHANGES_MS have passed since its last rebuild (an urgent change would
    // have gone out DEBOUNCE_MS after the summary).
    w.checkIn('二');
    w.clock.advance(DEBOUNCE_MS);
    expect(w.present()).toBe(2);
    w.clock.advance(DEBOUNCE_MS);
    expect(w.statusPresent()).toBe(first);
    w.clock.advance(SHELTER_CHANGES_MS - 2 * DEBOUNCE_MS - 1);
    expect(w.statusPresent()).toBe(first);
    w.clock.advance(1);
    expect(w.statusPresent()).not.toBe(first);
  });

  it('a level set at HQ reaches status.json within the debounce, even right after a shelter change', async () => {
    const w = await world();
    w.clock.advance(2 * SHELTER_CHANGES_MS);
    w.checkIn('一');
    w.clock.advance(DEBOUNCE_MS);
    expect(w.levelInStatus()).toBe(0);
    w.setLevel(4);
    w.clock.advance(DEBOUNCE_MS - 1);
    expect(w.levelInStatus()).toBe(0);
    w.clock.advance(1);
    expect(w.levelInStatus()).toBe(4);
  });

  it('stop() summarizes what waited for its debounce (kept for the next start) and publishes nothing after', async () => {
    const w = await world();
    w.clock.advance(2 * SHELTER_CHANGES_MS);
    w.checkIn('一');
    const body = w.derived.status().body.toString();
    w.derived.stop();
    expect(w.present()).toBe(1);
    w.clock.advance(10 * 60_000);
    expect(w.derived.status().body.toString()).toBe(body);
  });
});
