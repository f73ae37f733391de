// Several stateless server instances on one PostgreSQL (issue 9): a change written through one
// reaches the clients of every other; STORED, status.json, the HQ overview and revocations are
// right on each; the seeded fuzz converges across instances; a kill -9 of one instance or a
// restart of PostgreSQL loses nothing that was acknowledged. Real PostgreSQL (test/helpers/postgres.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import * as Y from 'yjs';
import { checkInHousehold, checkOutPerson, emptyPersonInput } from '../../domain/people';
import { HQ_DOC, hqDistricts, shelterPeople } from '../../domain/schema';
import type { PublicStatus } from '../../domain/public-status';
import { openPostgresStore } from '../../sync-server/store/postgres';
import { runSeed, snapshot } from '../helpers/fuzz';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { join } from 'node:path';
import { spawnServerProcess, startTestServer, tempDataDir, type ServerProcess, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';

let pg: TestPostgres;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

afterAll(async () => {
  await pg?.stop();
});

async function instances(n: number, url: string, extra: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer[]> {
  const out: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startTestServer({ storeUrl: url, unloadGraceMs: 500, ...extra });
    cleanups.push(() => s.stop());
    out.push(s);
  }
  return out;
}

async function client(server: { wsUrl: string }, docName: string, token: string, name: string): Promise<YClient> {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName, token, name });
  cleanups.push(() => c.destroy());
  await c.whenSynced();
  return c;
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 2_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** status.json without its generation time. */
async function status(s: TestServer): Promise<Omit<PublicStatus, 'generatedAt'>> {
  const { generatedAt: _g, ...rest } = (await (await fetch(`${s.url}/api/public/status.json`)).json()) as PublicStatus;
  return rest;
}

const headcount = (st: Omit<PublicStatus, 'generatedAt'>, id: string) => st.shelters.find((x) => x.id === id)?.headcount;

/** What the store holds of a document, read by a fresh connection (no instance's memory). */
async function stored(url: string, docName: string): Promise<Y.Doc> {
  const store = await openPostgresStore(url, { log: () => undefined });
  try {
    const doc = new Y.Doc();
    for (const u of (await store.loadUpdates(docName)).updates) Y.applyUpdate(doc, u);
    return doc;
  } finally {
    await store.close();
  }
}

function covers(sv: Map<number, number>, by: Map<number, number>): boolean {
  for (const [c, clock] of sv) if ((by.get(c) ?? 0) < clock) return false;
  return true;
}

describe('several instances on one PostgreSQL', () => {
  it('a check-in through one instance reaches the other instance\'s tablet; status.json and the HQ overview agree on both within a second', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url);
    await seedHq(a, {
      districts: [{ id: 'd1', name: '一丁目', level: 0 }],
      shelters: [
        { id: 's1', name: '第一小学校', capacity: 10 },
        { id: 's2', name: '第二公民館', capacity: 10 },
      ],
    });
    const staff = await a.token({ role: 'staff', shelter: 's1' });
    const onA = await client(a, 'shelter/s1', staff, 'tablet on A');
    const onB = await client(b, 'shelter/s1', staff, 'tablet on B'); // the token from A works on B: one key

    const r = checkInHousehold(onA.doc, [{ ...emptyPersonInput(), name: '避難 太郎' }, { ...emptyPersonInput(), name: '避難 花子' }], { now: new Date(), newId: uuidv7 });
    if (!r.ok) throw new Error('check-in failed');
    await onA.whenStored();
    await onB.until(() => shelterPeople(onB.doc).size === 2, 'sees the check-in made on A');
    // and back: a check-out on B reaches A, and B's STORED covers it
    checkOutPerson(onB.doc, r.value.personIds[0], new Date());
    await onB.whenStored();
    await onA.until(() => (shelterPeople(onA.doc).get(r.value.personIds[0]) as Y.Map<unknown>).get('checkedOutAt') !== null, 'sees the check-out made on B');
    const t0 = Date.now();
    const [sa, sb] = await Promise.all([
      eventually(() => status(a), (s) => headcount(s, 's1') === 1, 1_000),
      eventually(() => status(b), (s) => headcount(s, 's1') === 1, 1_000),
    ]);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(sb).toEqual(sa);

    // A shelter no client of B has open, and the hq document: B follows both.
    const staff2 = await b.token({ role: 'staff', shelter: 's2' });
    const onA2 = await client(a, 'shelter/s2', staff2, 'tablet 2 on A');
    checkInHousehold(onA2.doc, [{ ...emptyPersonInput(), name: '避難 次郎' }], { now: new Date(), newId: uuidv7 });
    await onA2.whenStored();
    const hq = await client(a, HQ_DOC, await a.token({ role: 'hq' }), 'hq on A');
    (hqDistricts(hq.doc).get('d1') as Y.Map<unknown>).set('level', 4);
    await hq.whenStored();
    const t1 = Date.now();
    const want = (s: Omit<PublicStatus, 'generatedAt'>) => headcount(s, 's2') === 1 && s.districts[0]?.level === 4;
    const [sa2, sb2] = await Promise.all([eventually(() => status(a), want, 1_000), eventually(() => status(b), want, 1_000)]);
    expect(Date.now() - t1).toBeLessThan(1_000);
    expect(want(sb2)).toBe(true);
    expect(sb2).toEqual(sa2);

    const hqToken = await b.token({ role: 'hq' });
    const overview = async (s: TestServer) =>
      ((await (await fetch(`${s.url}/api/hq/overview`, { headers: { Authorization: `Bearer ${hqToken}` } })).json()) as { shelters: unknown[] }).shelters;
    expect(await overview(b)).toEqual(await overview(a));
    expect(b.server.metrics.peerUpdatesApplied).toBeGreaterThan(0);
  });

  it('revoking a tablet on one instance closes its sockets on every instance', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url);
    await seedHq(a, { shelters: [{ id: 's1', name: '第一小学校' }] });
    const staff = await a.token({ role: 'staff', shelter: 's1' });
    const onA = await client(a, 'shelter/s1', staff, 'tablet on A');
    const onB = await client(b, 'shelter/s1', staff, 'tablet on B');
    const hqToken = await a.token({ role: 'hq' });
    const res = await fetch(`${a.url}/api/hq/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hqToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jti: decodeJwt(staff).jti }),
    });
    expect(res.status).toBe(200);
    const [ca, cb] = await Promise.all([onA.whenClosed(3_000), onB.whenClosed(3_000)]);
    expect(ca.code).toBe(4410);
    expect(cb.code).toBe(4410);
    // and neither instance lets it back in
    for (const s of [a, b]) {
      const again = new YClient({ wsUrl: s.wsUrl, docName: 'shelter/s1', token: staff });
      await again.connect();
      expect((await again.whenClosed()).code).toBe(4410);
    }
  });

  it('the seeded sync fuzz converges across two instances with nothing lost, and a third instance started afterwards serves it all', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url, { compactThreshold: 30, unloadGraceMs: 50 });
    const results: { docName: string; expected: unknown }[] = [];
    const seeds = Number(process.env.FUZZ_SEEDS ?? 12);
    for (let seed = 1; seed <= seeds; seed++) results.push(await runSeed([a, b], seed, 80));
    const [c] = await instances(1, url);
    const hqToken = await c.token({ role: 'hq' });
    for (const { docName, expected } of results) {
      const reader = await client(c, docName, hqToken, 'reader on C');
      expect(snapshot(reader.doc)).toEqual(expected);
    }
  }, 180_000);

  it('kill -9 of one instance mid-load: its tablets reconnect to the other, and every update any tablet saw or was told is stored is there', async () => {
    const url = await pg.createDatabase();
    const procs: ServerProcess[] = [];
    for (let i = 0; i < 2; i++) {
      // the first one's data directory does not exist yet: with a shared store nothing else makes it
      const p = await spawnServerProcess({ storeUrl: url, ...(i === 0 ? { dataDir: join(tempDataDir(), 'new') } : {}) });
      cleanups.push(() => p.kill());
      procs.push(p);
    }
    const [pa, pb] = procs;
    const token = await pa.token({ role: 'staff', shelter: 's1' });
    const tablets: YClient[] = [];
    for (let i = 0; i < 6; i++) tablets.push(await client(i < 3 ? pa : pb, 'shelter/s1', token, `t${i}`));
    const write = (t: YClient, n: number) => t.doc.getMap('m').set(`${t.name}-${n}`, n);
    let n = 0;
    // load: every tablet writes every 5 ms; A is killed half-way
    for (; n < 100; n++) {
      for (const t of tablets) write(t, n);
      await new Promise((r) => setTimeout(r, 5));
    }
    const acknowledged = tablets.slice(0, 3).map((t) => new Map(t.storedSV));
    const seen = tablets.map((t) => new Map(Y.decodeStateVector(Y.encodeStateVector(t.doc))));
    expect(await pa.kill('SIGKILL')).toBeNull();
    // What A acknowledged is in PostgreSQL, whoever reads it
    const afterKill = Y.decodeStateVector(Y.encodeStateVector(await stored(url, 'shelter/s1')));
    for (const ack of acknowledged) expect(covers(ack, afterKill)).toBe(true);
    for (const t of tablets.slice(0, 3)) {
      await t.whenClosed();
      t.opts.wsUrl = pb.wsUrl; // the load balancer sends the reconnect to the instance that is left
      await t.connect();
    }
    for (; n < 150; n++) for (const t of tablets) write(t, n);
    await Promise.all(tablets.map((t) => t.whenStored(20_000)));
    const final = (await stored(url, 'shelter/s1')).getMap('m');
    expect(final.size).toBe(6 * 150);
    // every tablet saw (before the kill) only what is stored now, and now holds everything
    const finalSv = Y.decodeStateVector(Y.encodeStateVector(await stored(url, 'shelter/s1')));
    for (const s of seen) expect(covers(s, finalSv)).toBe(true);
    await Promise.all(tablets.map((t) => t.until(() => t.doc.getMap('m').size === 900, 'holds everything', 10_000)));
  }, 120_000);

  it('PostgreSQL restarted under load: instances reconnect, nothing acknowledged is lost, tablets resend what was not', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url);
    const token = await a.token({ role: 'staff', shelter: 's1' });
    const tablets: YClient[] = [];
    for (let i = 0; i < 4; i++) tablets.push(await client(i % 2 ? b : a, 'shelter/s1', token, `t${i}`));
    let stop = false;
    let closes = 0;
    const writers = tablets.map(async (t) => {
      let n = 0;
      while (!stop) {
        t.doc.getMap('m').set(`${t.name}-${n}`, n++);
        if (!t.connected) {
          closes++;
          // a tablet retries as the app does; while PostgreSQL is down the instance refuses it
          await new Promise((r) => setTimeout(r, 200));
          await t.connect();
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      return n;
    });
    await new Promise((r) => setTimeout(r, 500));
    const acknowledged = tablets.map((t) => new Map(t.storedSV));
    await pg.restart({ downMs: 1_500 });
    await new Promise((r) => setTimeout(r, 2_500));
    stop = true;
    const written = await Promise.all(writers);
    expect(closes).toBeGreaterThan(0); // the restart was felt
    for (const t of tablets) if (!t.connected) await t.connect();
    await Promise.all(tablets.map((t) => t.whenStored(20_000)));
    const doc = await stored(url, 'shelter/s1');
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
    for (const ack of acknowledged) expect(covers(ack, sv)).toBe(true);
    expect(doc.getMap('m').size).toBe(written.reduce((x, y) => x + y, 0));
    // both instances follow each other again (their LISTEN connections came back)
    const extra = tablets[0];
    extra.doc.getMap('m').set('after-restart', 1);
    await extra.whenStored();
    await tablets[1].until(() => tablets[1].doc.getMap('m').get('after-restart') === 1, 'hears a write made on the other instance', 10_000);
  }, 120_000);
});

describe('compaction on several instances', () => {
  it('instances compacting often while both write to one document lose nothing', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url, { compactThreshold: 5 });
    const token = await a.token({ role: 'staff', shelter: 's1' });
    const onA = await client(a, 'shelter/s1', token, 'tablet on A');
    const onB = await client(b, 'shelter/s1', token, 'tablet on B');
    for (let i = 0; i < 100; i++) {
      onA.doc.getMap('m').set(`a${i}`, i);
      onB.doc.getMap('m').set(`b${i}`, i);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all([onA.whenStored(), onB.whenStored()]);
    await Promise.all([onA, onB].map((c) => c.until(() => c.doc.getMap('m').size === 200, 'holds both tablets\' writes')));
    // A compaction folds only what its instance applied without a gap, so what was written in the
    // last moments can stay until the next one: each instance compacts once more, as on unload.
    for (const s of [a, b]) await s.server.registry.compact(s.server.registry.get('shelter/s1')!);
    const rows = await a.server.store.rowCount('shelter/s1');
    expect(rows).toBeLessThan(60); // compacted, many times
    expect((await stored(url, 'shelter/s1')).getMap('m').size).toBe(200);
    for (const s of [a, b]) expect(s.server.registry.get('shelter/s1')!.doc.getMap('m').size).toBe(200);
  });
});

describe('a purge on several instances', () => {
  it('a purge written by one instance reaches the other: its loaded copy is dropped, its tablet is refused with the epoch, and a new-epoch tablet there gets the purged document', async () => {
    const url = await pg.createDatabase();
    const [a, b] = await instances(2, url, { purge: false });
    await seedHq(a, { districts: [{ id: 'd1', name: '一丁目' }], shelters: [{ id: 's1', name: '本町小学校', capacity: 100, districtId: 'd1' }] });
    const token = await a.token({ role: 'staff', shelter: 's1' });
    const onB = await client(b, 'shelter/s1', token, 'tablet on B');
    checkInHousehold(onB.doc, [{ ...emptyPersonInput(), name: '複数消去太郎', kana: 'フクスウショウキョタロウ' }], { now: new Date(), newId: uuidv7 });
    await onB.whenStored();
    await eventually(async () => a.server.registry.get('shelter/s1') ?? (await a.server.registry.acquire('shelter/s1')), () => true);

    const outcome = await a.server.purger.purge('s1');
    expect(outcome.people).toBe(1);
    // B hears of it by catching up, drops its copy and closes the tablet with the new epoch
    await onB.until(() => onB.lastClose?.code === 4412, 'refused as purged on B', 10_000);
    expect(onB.lastClose?.reason).toBe(`purged:${outcome.epoch}`);
    // B's overview (HQ's retention tab on B) shows the purge too, before any client opens it again
    await eventually(
      async () => b.server.derived.overview().shelters.find((s) => s.shelterId === 's1')?.purgedAt,
      (purgedAt) => purgedAt === outcome.epoch,
    );
    const fresh = await YClient.connect({ wsUrl: b.wsUrl, docName: 'shelter/s1', token, epoch: outcome.epoch, name: 'fresh on B' });
    cleanups.push(() => fresh.destroy());
    await fresh.whenSynced();
    expect(shelterPeople(fresh.doc).size).toBe(0);
    expect(fresh.doc.getMap('meta').get('purgedAt')).toBe(outcome.epoch);
    expect(shelterPeople(await stored(url, 'shelter/s1')).size).toBe(0);
  });
});
