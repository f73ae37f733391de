// npm run bench -- scale-out: the same sync load (200 clients over 50 documents) on one instance
// on SQLite, one instance on PostgreSQL and two instances on one PostgreSQL (a document's peers
// split across both), in one run; then how long a new instance on PostgreSQL takes to serve a
// 1,000-person shelter cold. PostgreSQL is a real server started here (test/helpers/postgres.ts)
// with its default durability (fsync, synchronous_commit on). Prints JSON lines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../sync-server/store/postgres';
import { startTestPostgres } from '../test/helpers/postgres';
import { issueTokenFor } from '../test/helpers/server';
import { YClient } from '../test/helpers/yclient';
import { bigShelterUpdate, percentile, startChild, syncLoad, type Child, type LoadOptions } from './support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const DOCS = Number(process.env.BENCH_DOCS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'scale-out', metric, value: Math.round(value * 100) / 100, unit, ...extra }));
}

const LOAD: LoadOptions = { clients: CLIENTS, docs: DOCS, rate: RATE, seconds: SECONDS, emit };

function instance(args: string[]): Promise<Child> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-inst-'));
  const dist = mkdtempSync(join(tmpdir(), 'hinanjo-bench-dist-'));
  return startChild(['--import', 'tsx', 'sync-server/cli/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', dataDir, '--dist', dist, ...args]);
}

async function main(): Promise<void> {
  const results: Record<string, { updatesPerSecond: number; p50: number; p99: number }> = {};

  // 1. one instance on SQLite (the embedded default)
  const sqliteDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-sqlite-'));
  const dist = mkdtempSync(join(tmpdir(), 'hinanjo-bench-dist-'));
  const lite = await startChild(['--import', 'tsx', 'sync-server/cli/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', sqliteDir, '--dist', dist]);
  results.sqlite1 = await syncLoad('1 instance, SQLite', `ws://127.0.0.1:${lite.port}/sync`, await issueTokenFor(sqliteDir, { role: 'hq' }), LOAD);
  await lite.stop();

  const pg = await startTestPostgres();
  try {
    // 2. one instance on PostgreSQL
    const url1 = await pg.createDatabase('bench_one');
    const one = await instance(['--store', url1]);
    results.pg1 = await syncLoad('1 instance, PostgreSQL', `ws://127.0.0.1:${one.port}/sync`, await issueTokenFor(sqliteDir, { role: 'hq' }, url1), LOAD);
    await one.stop();

    // 3. two instances on one PostgreSQL; every document has peers on both
    const url2 = await pg.createDatabase('bench_two');
    const a = await instance(['--store', url2]);
    const b = await instance(['--store', url2]);
    results.pg2 = await syncLoad(
      '2 instances, one PostgreSQL',
      [`ws://127.0.0.1:${a.port}/sync`, `ws://127.0.0.1:${b.port}/sync`],
      await issueTokenFor(sqliteDir, { role: 'hq' }, url2),
      LOAD,
    );
    await Promise.all([a.stop(), b.stop()]);
    emit('throughput_ratio_pg1_to_sqlite', results.pg1.updatesPerSecond / results.sqlite1.updatesPerSecond, 'ratio');
    emit('throughput_ratio_pg2_to_pg1', results.pg2.updatesPerSecond / results.pg1.updatesPerSecond, 'ratio', {
      note: 'two instances, PostgreSQL and the load client share this machine\'s 2 cores',
    });

    // 4. a new instance serving a 1,000-person shelter cold: process start to a tablet synced
    const url3 = await pg.createDatabase('bench_cold');
    const store = await openPostgresStore(url3);
    const update = bigShelterUpdate(PEOPLE);
    await store.append([{ docName: 'shelter/big', update }], new Date());
    await store.close();
    const token = await issueTokenFor(sqliteDir, { role: 'staff', shelter: 'big' }, url3);
    const times: { listening: number; synced: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const inst = await instance(['--store', url3]);
      const listening = performance.now() - t0;
      const c = await YClient.connect({ wsUrl: `ws://127.0.0.1:${inst.port}/sync`, docName: 'shelter/big', token });
      await c.whenSynced(60_000);
      times.push({ listening, synced: performance.now() - t0 });
      await c.destroy();
      await inst.stop();
    }
    const synced = times.map((t) => t.synced).sort((x, y) => x - y);
    const listening = times.map((t) => t.listening).sort((x, y) => x - y);
    emit('new_instance_serves_1000_person_shelter_p50', percentile(synced, 50), 'ms', {
      listening_p50_ms: Math.round(percentile(listening, 50)),
      people: PEOPLE,
      doc_kib: Math.round(update.byteLength / 1024),
      note: 'process start (tsx) to a tablet synced on the shelter, PostgreSQL store',
    });
  } finally {
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
