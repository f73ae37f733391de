// The shelter box, on this machine, with real servers on loopback:
// 1. 3 tablets × 1,000 check-ins made offline (each tablet's own changes, one transaction per
//    check-in) meet the box at once: time until every tablet holds all 3,000 (target < 3 s);
// 2. a box that was cut from the city for two hours holds a backlog of 5,000 changes: time from
//    the city coming back until the city has all of them and has confirmed them (target < 10 s).
// Prints JSON lines (scripts/bench.mjs).
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, emptyPersonInput, readPeople } from '../domain/people';
import { shelterDocName } from '../domain/schema';
import { startTestServer } from '../test/helpers/server';
import { startTestBox, waitForBox } from '../test/helpers/box';
import { seedHq } from '../test/helpers/seed';
import { YClient } from '../test/helpers/yclient';

const BENCH = 'box';
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 10) / 10, unit, ...extra }));
const S = 'bench-gym';

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const city = await startTestServer();
  await seedHq(city, { districts: [{ id: 'd', name: 'D' }], shelters: [{ id: S, name: 'Bench', capacity: 5000, districtId: 'd' }] });
  const box = await startTestBox({ upstream: city.url, token: await city.token({ role: 'box', shelter: S }) });
  await waitForBox(box.url, (s) => s.links.every((l) => l.state === 'connected'));
  const port = city.port;
  const dataDir = city.dataDir;

  // 1. three tablets, 1,000 offline check-ins each, converge through the box (the city is away:
  //    the box alone carries them).
  const staffTokens = await Promise.all([0, 1, 2].map((t) => city.token({ role: 'staff', shelter: S, device: `bench ${t}` })));
  await city.stop();
  const tablets: YClient[] = [];
  for (let t = 0; t < 3; t++) {
    const c = new YClient({ wsUrl: box.wsUrl, docName: shelterDocName(S), token: staffTokens[t], name: `tablet ${t}` });
    for (let i = 0; i < 1_000; i++) {
      checkInHousehold(c.doc, [{ ...emptyPersonInput(), name: `T${t}-${i}`, kana: 'ベンチ' }], { now: new Date(), newId: uuidv7 });
    }
    tablets.push(c);
  }
  const t0 = performance.now();
  await Promise.all(tablets.map((c) => c.connect()));
  await until(() => tablets.every((c) => readPeople(c.doc).length === 3_000), 60_000, 'tablets converge');
  emit('three_tablets_1000_offline_checkins_converge', performance.now() - t0, 'ms', { target: '< 3000', tablets: 3, checkInsEach: 1_000 });

  // 2. a two-hour backlog of 5,000 changes in the box (one tablet's edits while the city is away)
  // (sent ten edits a message: 2,000 single-edit messages at once would trip the flood limit,
  // which a real tablet over two hours never does)
  const writer = tablets[0];
  const ids = [...writer.doc.getMap('people').keys()];
  for (let i = 0; i < 2_000; i += 10) {
    writer.doc.transact(() => {
      const people = writer.doc.getMap('people');
      for (let j = i; j < i + 10; j++) (people.get(ids[j]) as { set(k: string, v: unknown): void }).set('note', `check ${j}`);
    });
  }
  await writer.whenStored(60_000);
  const backlog = 3_000 + 2_000;
  const t1 = performance.now();
  const back = await startTestServer({ dataDir, port });
  const hq = await YClient.connect({ wsUrl: back.wsUrl, docName: shelterDocName(S), token: await back.token({ role: 'hq' }), name: 'hq' });
  await waitForBox(box.url, (s) => s.links.every((l) => l.state === 'connected' && l.unconfirmedFrames === 0), 60_000);
  await until(() => readPeople(hq.doc).length === 3_000 && readPeople(hq.doc).filter((p) => p.note.startsWith('check')).length === 2_000, 60_000, 'the city caught up');
  emit('box_catches_city_up_after_backlog', performance.now() - t1, 'ms', { target: '< 10000', changes: backlog, note: 'from the city starting to the city holding and confirming every change' });

  for (const c of [...tablets, hq]) await c.destroy();
  await box.stop();
  await back.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
