// npm run bench -- server: the sync server against the reference @y/websocket-server (0.1.1,
// in memory), status.json against a static file, and memory with 300 large shelters.
// Prints one JSON line per figure. Servers run in child processes (the machine has two cores:
// one for the server under test, one for the clients driving it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import * as Y from 'yjs';
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, emptyPersonInput } from '../domain/people';
import { shelterMeta } from '../domain/schema';
import { seedDefaultItems } from '../domain/stock';
import { DocRegistry } from '../sync-server/docs';
import { Metrics } from '../sync-server/metrics';
import { SerialQueue } from '../sync-server/serial';
import { openSqliteStore } from '../sync-server/store/sqlite';
import { issueTokenFor } from '../test/helpers/server';
import { YClient } from '../test/helpers/yclient';

const ROOT = resolve(import.meta.dirname, '..');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const DOCS = Number(process.env.BENCH_DOCS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 10); // updates per second per client
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SHELTERS = Number(process.env.BENCH_SHELTERS ?? 300);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'server', metric, value: Math.round(value * 100) / 100, unit, ...extra }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  proc: ChildProcess;
  port: number;
  rssMb(): number;
  stop(): Promise<void>;
}

async function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`no start:\n${out}`)), 600_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        ok(Number(m[1]));
      }
    });
    proc.once('exit', () => fail(new Error(`exited:\n${out}`)));
  });
  return {
    proc,
    port,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

function startHinanjo(dataDir: string, distDir: string): Promise<Child> {
  return startChild(['--import', 'tsx', 'sync-server/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', dataDir, '--dist', distDir]);
}

const REFERENCE = `
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
const server = http.createServer((req, res) => { res.writeHead(200); res.end('ok'); });
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws, req) => setupWSConnection(ws, req, { gc: true }));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** 200 clients on 50 documents, each sending RATE small updates per second; forward latency measured at every peer. */
async function syncLoad(label: string, wsUrl: string, token: (doc: string) => Promise<string | null>) {
  const clients: YClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const docName = `shelter/bench-${i % DOCS}`;
    clients.push(new YClient({ wsUrl, docName, token: await token(docName), name: `c${i}` }));
  }
  await Promise.all(clients.map((c) => c.connect()));
  await Promise.all(clients.map((c) => c.whenSynced(30_000)));
  let measuring = false;
  const latencies: number[] = [];
  let delivered = 0;
  for (const c of clients) {
    c.doc.getMap('load').observe((e) => {
      if (e.transaction.origin !== c || !measuring) return;
      const now = performance.now();
      for (const k of e.keysChanged) {
        const t = c.doc.getMap<number>('load').get(k);
        if (typeof t === 'number') {
          latencies.push(now - t);
          delivered++;
        }
      }
    });
  }
  let sent = 0;
  const interval = 1000 / RATE;
  const timers = clients.map((c, i) =>
    setTimeout(() => {
      const t = setInterval(() => {
        c.doc.getMap('load').set(c.name, performance.now());
        if (measuring) sent++;
      }, interval);
      timers[i] = t;
    }, Math.random() * interval),
  );
  await sleep(2_000); // warm up
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  for (const t of timers) clearInterval(t);
  await Promise.all(clients.map((c) => c.destroy()));
  latencies.sort((a, b) => a - b);
  const peers = CLIENTS / DOCS - 1;
  const result = {
    updatesPerSecond: delivered / peers / elapsed,
    offeredPerSecond: sent / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
  const extra = { server: label, clients: CLIENTS, docs: DOCS, ratePerClient: RATE };
  emit('sync_updates_per_second', result.updatesPerSecond, 'updates/s', { ...extra, offered: Math.round(result.offeredPerSecond) });
  emit('sync_forward_latency_p50', result.p50, 'ms', extra);
  emit('sync_forward_latency_p99', result.p99, 'ms', extra);
  return result;
}

/** A shelter document of PEOPLE people in households, as tablets would have written it. */
function bigShelterUpdate(): Uint8Array {
  const doc = new Y.Doc();
  shelterMeta(doc).set('schema', 1);
  shelterMeta(doc).set('status', 'open');
  seedDefaultItems(doc);
  let n = 0;
  while (n < PEOPLE) {
    const size = Math.min(PEOPLE - n, 1 + (n % 4));
    const members = Array.from({ length: size }, (_, i) => ({
      ...emptyPersonInput(),
      name: `避難 ${n + i}`,
      kana: 'ヒナン',
      needs: (n + i) % 9 === 0 ? ['wheelchair'] : [],
      stay: (n + i) % 7 === 0 ? ('car' as const) : ('shelter' as const),
    }));
    const r = checkInHousehold(doc, members, { now: new Date(), newId: uuidv7 });
    if (!r.ok) throw new Error('check-in failed');
    n += size;
  }
  return Y.encodeStateAsUpdate(doc);
}

async function main(): Promise<void> {
  const distDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-dist-'));

  // ---- 1. sync: Hinanjo (durable) vs the reference server (memory) -----------------------
  const dataDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-'));
  const ours = await startHinanjo(dataDir, distDir);
  const token = await issueTokenFor(dataDir, { role: 'hq' });
  const h = await syncLoad('hinanjo (SQLite WAL, synchronous=FULL, group commit)', `ws://127.0.0.1:${ours.port}/sync`, async () => token);
  await ours.stop();
  const ref = await startChild(['--input-type=module', '-e', REFERENCE]);
  const r = await syncLoad('@y/websocket-server 0.1.1 (memory)', `ws://127.0.0.1:${ref.port}/sync`, async () => null);
  await ref.stop();
  emit('sync_throughput_ratio', h.updatesPerSecond / r.updatesPerSecond, 'hinanjo/reference');
  emit('sync_p99_ratio', h.p99 / r.p99, 'hinanjo/reference');

  // ---- 2. status.json vs a static file from the same process ------------------------------
  const demoDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-demo-'));
  const demo = await startChild(['--import', 'tsx', 'sync-server/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', demoDir, '--dist', distDir]);
  const status = await (await fetch(`http://127.0.0.1:${demo.port}/api/public/status.json`)).text();
  // a static file of the same size, served by the same process (sirv)
  writeFileSync(join(distDir, 'same-size.json'), status);
  await demo.stop();
  const demo2 = await startChild(['--import', 'tsx', 'sync-server/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', demoDir, '--dist', distDir]);
  for (const [what, path] of [
    ['status_json', '/api/public/status.json'],
    ['static_file', '/same-size.json'],
  ] as const) {
    const res = await autocannon({ url: `http://127.0.0.1:${demo2.port}${path}`, connections: 50, duration: 5 });
    emit(`${what}_requests_per_second`, res.requests.average, 'req/s', { bytes: status.length, p99_ms: res.latency.p99, errors: res.errors + res.non2xx });
  }
  await demo2.stop();

  // ---- 3. memory: SHELTERS documents of PEOPLE people, a client on each -------------------
  const bigDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-big-'));
  const update = bigShelterUpdate();
  emit('shelter_doc_size', update.byteLength / 1024, 'KiB', { people: PEOPLE });
  const store = openSqliteStore(bigDir);
  await store.append(
    Array.from({ length: SHELTERS }, (_, i) => ({ docName: `shelter/big-${i}`, update })),
    new Date(),
  );
  // cold load of one document: store read + Y.Doc rebuilt, as the registry does it
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const registry = new DocRegistry(store, new SerialQueue(), new Metrics(), { unloadGraceMs: 0, compactThreshold: 1e9 });
    const t0 = performance.now();
    const live = await registry.acquire(`shelter/big-${i}`);
    times.push(performance.now() - t0);
    live.awareness.destroy();
    live.doc.destroy();
  }
  times.sort((a, b) => a - b);
  emit('cold_load_one_doc_p50', percentile(times, 50), 'ms', { people: PEOPLE });
  emit('cold_load_one_doc_max', times[times.length - 1], 'ms', { people: PEOPLE });
  await store.close();

  const t0 = performance.now();
  const big = await startHinanjo(bigDir, distDir);
  emit('startup_with_summaries', performance.now() - t0, 'ms', { shelters: SHELTERS, people: PEOPLE, note: 'process start (tsx) + summarizing every stored shelter' });
  const bigToken = await issueTokenFor(bigDir, { role: 'hq' });
  emit('server_rss_idle', big.rssMb(), 'MB', { shelters: SHELTERS });
  // end to end: connect to a document nobody has open → first sync done (auth, load, step 2)
  const connectTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const c = await YClient.connect({ wsUrl: `ws://127.0.0.1:${big.port}/sync`, docName: `shelter/big-${SHELTERS - 1 - i}`, token: bigToken });
    await c.whenSynced(60_000);
    connectTimes.push(performance.now() - t);
    await c.destroy();
  }
  connectTimes.sort((a, b) => a - b);
  emit('connect_to_synced_cold_doc_p50', percentile(connectTimes, 50), 'ms', { people: PEOPLE, note: 'includes sending the whole document to the client' });
  const clients: YClient[] = [];
  for (let i = 0; i < SHELTERS; i += 10) {
    const batch = Array.from({ length: Math.min(10, SHELTERS - i) }, (_, j) =>
      YClient.connect({ wsUrl: `ws://127.0.0.1:${big.port}/sync`, docName: `shelter/big-${i + j}`, token: bigToken }),
    );
    const cs = await Promise.all(batch);
    await Promise.all(cs.map((c) => c.whenSynced(60_000)));
    // keep the sockets, drop the client-side copies: this measures the server
    for (const c of cs) {
      c.doc.getMap('people');
      clients.push(c);
    }
  }
  await sleep(1_000);
  emit('server_rss_all_docs_with_clients', big.rssMb(), 'MB', { shelters: SHELTERS, people: PEOPLE, target: '< 500' });
  await Promise.all(clients.map((c) => c.destroy()));
  await big.stop();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
