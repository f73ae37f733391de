// npm run bench -- server: the sync server against the reference @y/websocket-server (0.1.1,
// in memory), status.json against a static file, and memory with 300 large shelters.
// Prints one JSON line per figure. Servers run in child processes (the machine has two cores:
// one for the server under test, one for the clients driving it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { ROOT, bigShelterUpdate, percentile, sleep, startChild, syncLoad, type Child, type LoadOptions } from './support';
import { DocRegistry } from '../sync-server/core/registry';
import { Metrics } from '../sync-server/core/metrics';
import { SerialQueue } from '../sync-server/core/serial';
import { openSqliteStore } from '../sync-server/store/sqlite';
import { issueTokenFor } from '../test/helpers/server';
import { YClient } from '../test/helpers/yclient';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const DOCS = Number(process.env.BENCH_DOCS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 10); // updates per second per client
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SHELTERS = Number(process.env.BENCH_SHELTERS ?? 300);
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1000);

function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'server', metric, value: Math.round(value * 100) / 100, unit, ...extra }));
}

const LOAD: LoadOptions = { clients: CLIENTS, docs: DOCS, rate: RATE, seconds: SECONDS, emit };
/** Which parts to run: sync, saturation, http, memory (all by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'sync,saturation,http,memory').split(','));

/** BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function startHinanjo(dataDir: string, distDir: string): Promise<Child> {
  return startChild([...NODE_ARGS, '--import', 'tsx', 'sync-server/cli/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', dataDir, '--dist', distDir]);
}

/**
 * The reference server is installed for the bench only, into bench/.reference (not part of a
 * plain `npm install`: its optional LevelDB dependency asks for install scripts it never needs
 * here). With --ignore-scripts nothing is built: LevelDB ships prebuilt and is never opened (the bench runs the in-memory server).
 */
function referenceUtils(): string {
  const dir = resolve(ROOT, 'bench/.reference');
  const entry = resolve(dir, 'node_modules/@y/websocket-server/src/utils.js');
  if (!existsSync(entry)) {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir, '@y/websocket-server@0.1.1', 'yjs@13'], { stdio: 'inherit' });
  }
  return pathToFileURL(entry).href;
}

const REFERENCE = `
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '${referenceUtils()}';
const server = http.createServer((req, res) => { res.writeHead(200); res.end('ok'); });
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws, req) => setupWSConnection(ws, req, { gc: true }));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

async function main(): Promise<void> {
  const distDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-dist-'));

  if (PARTS.has('sync')) await benchSync(distDir);
  if (PARTS.has('saturation')) await benchSaturation(distDir);
  if (PARTS.has('http')) await benchHttp(distDir);
  if (PARTS.has('memory')) await benchMemory(distDir);
}

async function benchSync(distDir: string): Promise<void> {
  // ---- 1. sync: Hinanjo (durable) vs the reference server (memory) -----------------------
  // Twice: the default load (CLIENTS × DOCS), and issue 11's point, 2,500 updates/s over 50
  // clients and 10 documents, where the p50 ratio is the figure to watch.
  await syncSideBySide(distDir, LOAD, 'default');
  await syncSideBySide(distDir, { ...LOAD, clients: 50, docs: 10, rate: 50 }, '50x10');
}

async function syncSideBySide(distDir: string, load: LoadOptions, point: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-'));
  const ours = await startHinanjo(dataDir, distDir);
  const token = await issueTokenFor(dataDir, { role: 'hq' });
  const h = await syncLoad(`hinanjo (SQLite WAL, synchronous=${process.env.HINANJO_SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL'}, group commit)`, `ws://127.0.0.1:${ours.port}/sync`, token, { ...load, serverCpu: () => ours.cpuSeconds() });
  // where the time goes: the store's commit latency histogram, as /metrics reports it
  const metrics = await (await fetch(`http://127.0.0.1:${ours.port}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
  const buckets = [...metrics.matchAll(/hinanjo_store_commit_seconds_bucket\{le="([^"]+)"\} (\d+)/g)].map((m) => [m[1], Number(m[2])]);
  emit('store_commits', Number(/hinanjo_store_commit_seconds_count (\d+)/.exec(metrics)![1]), 'batches', {
    updates: Number(/hinanjo_updates_stored_total (\d+)/.exec(metrics)![1]),
    histogram_le_seconds: Object.fromEntries(buckets),
  });
  const loop = (q: string) => Number(new RegExp(`hinanjo_event_loop_delay_seconds\\{quantile="${q}"\\} ([\\d.e-]+)`).exec(metrics)![1]) * 1000;
  emit('server_event_loop_delay_p99', loop('0.99'), 'ms', { p999: loop('0.999') });
  await ours.stop();
  const ref = await startChild(['--input-type=module', '-e', REFERENCE]);
  const r = await syncLoad('@y/websocket-server 0.1.1 (memory)', `ws://127.0.0.1:${ref.port}/sync`, null, { ...load, serverCpu: () => ref.cpuSeconds() });
  await ref.stop();
  emit('sync_throughput_ratio', h.updatesPerSecond / r.updatesPerSecond, 'hinanjo/reference', { point });
  emit('sync_p50_ratio', h.p50 / r.p50, 'hinanjo/reference', { point, target: point === '50x10' ? '<= 1.5' : undefined });
  emit('sync_p99_ratio', h.p99 / r.p99, 'hinanjo/reference', { point });
  emit('sync_server_cpu_ratio', h.cpuPerUpdateUs / r.cpuPerUpdateUs, 'hinanjo/reference', { point, note: 'server CPU per forwarded update: what saturation comes to when clients do not share the cores' });
}

/**
 * The saturation point: the offered load (50 clients on 10 documents) is raised step by step
 * until p99 exceeds 50 ms or fewer than 95% of the offered updates are forwarded; the last
 * step that held is the server's figure. The clients run in this one process, on the same two
 * cores as the server: past some load they, not the server, are the limit, and the reference
 * run shows where that is.
 */
async function benchSaturation(distDir: string): Promise<void> {
  const rates = (process.env.BENCH_SATURATION_RATES ?? '20,40,80,120,160,200,250,300,400').split(',').map(Number);
  const quiet = () => undefined;
  const find = async (label: string, start: () => Promise<{ url: string; token: string | null; stop(): Promise<void> }>) => {
    let held = 0;
    let failed = false;
    for (const rate of rates) {
      const s = await start();
      const r = await syncLoad(label, s.url, s.token, { clients: 50, docs: 10, rate, seconds: 4, emit: quiet });
      await s.stop();
      const ok = r.p99 <= 50 && r.updatesPerSecond >= 0.95 * r.offeredPerSecond;
      emit('saturation_step', r.updatesPerSecond, 'updates/s', { server: label, offered: Math.round(r.offeredPerSecond), p50: Math.round(r.p50 * 100) / 100, p99: Math.round(r.p99 * 100) / 100, held: ok });
      if (!ok) {
        failed = true;
        break;
      }
      held = r.updatesPerSecond;
    }
    // Held at every step: what the last step measured is how much the load generator, on the
    // same cores, could offer beside this server — not a limit of the server.
    const limit = failed ? 'server' : 'load generator (held at every step)';
    emit('saturation_point', held, 'updates/s', { server: label, rule: 'last load with p99 <= 50 ms and >= 95% forwarded', limit });
    return { held, failed };
  };
  const ours = await find('hinanjo (SQLite, synchronous=FULL)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-sat-'));
    const c = await startHinanjo(dataDir, distDir);
    return { url: `ws://127.0.0.1:${c.port}/sync`, token: await issueTokenFor(dataDir, { role: 'hq' }), stop: () => c.stop() };
  });
  const ref = await find('@y/websocket-server 0.1.1 (memory)', async () => {
    const c = await startChild(['--input-type=module', '-e', REFERENCE]);
    return { url: `ws://127.0.0.1:${c.port}/sync`, token: null, stop: () => c.stop() };
  });
  emit('saturation_ratio', ref.held ? ours.held / ref.held : 0, 'hinanjo/reference', {
    limit: ours.failed || ref.failed ? 'server' : 'load generator: neither server saturated; see sync_server_cpu_ratio for what each costs',
  });
}

async function benchHttp(distDir: string): Promise<void> {
  // ---- 2. status.json vs a static file from the same process ------------------------------
  const demoDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-demo-'));
  const demo = await startChild(['--import', 'tsx', 'sync-server/cli/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', demoDir, '--dist', distDir]);
  const status = await (await fetch(`http://127.0.0.1:${demo.port}/api/public/status.json`)).text();
  // a static file of the same size, served by the same process (sirv)
  writeFileSync(join(distDir, 'same-size.json'), status);
  await demo.stop();
  const demo2 = await startChild(['--import', 'tsx', 'sync-server/cli/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', demoDir, '--dist', distDir]);
  for (const [what, path] of [
    ['status_json', '/api/public/status.json'],
    ['static_file', '/same-size.json'],
  ] as const) {
    const res = await autocannon({ url: `http://127.0.0.1:${demo2.port}${path}`, connections: 50, duration: 5 });
    emit(`${what}_requests_per_second`, res.requests.average, 'req/s', { bytes: status.length, p99_ms: res.latency.p99, errors: res.errors + res.non2xx });
  }
  await demo2.stop();
}

async function benchMemory(distDir: string): Promise<void> {
  // ---- 3. memory: SHELTERS documents of PEOPLE people, a client on each -------------------
  const bigDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-big-'));
  const update = bigShelterUpdate(PEOPLE);
  emit('shelter_doc_size', update.byteLength / 1024, 'KiB', { people: PEOPLE });
  const store = openSqliteStore(bigDir);
  await store.append(
    Array.from({ length: SHELTERS }, (_, i) => ({ docName: `shelter/big-${i}`, update })),
    new Date(),
  );
  // cold load of one document: store read + Y.Doc rebuilt, as the registry does it
  const servable: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const registry = new DocRegistry(store, new SerialQueue(), new Metrics(), { unloadGraceMs: 0, compactThreshold: 1e9, coolAfterMs: 1e9 });
    const t0 = performance.now();
    const live = await registry.acquire(`shelter/big-${i}`);
    servable.push(performance.now() - t0); // read from SQLite, ready to answer sync step 1 (cold)
    void live.doc; // instantiated as a Y.Doc, as for a summary or an incoming update
    times.push(performance.now() - t0);
    live.destroy();
  }
  servable.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  emit('cold_load_one_doc_servable_p50', percentile(servable, 50), 'ms', { people: PEOPLE, target: '< 50' });
  emit('cold_load_one_doc_to_ydoc_p50', percentile(times, 50), 'ms', { people: PEOPLE, target: '< 50' });
  emit('cold_load_one_doc_to_ydoc_max', times[times.length - 1], 'ms', { people: PEOPLE });
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
  // The same store started again: the summaries were kept at the first start (derive.ts), so the
  // server listens without loading any of the shelters.
  const t1 = performance.now();
  const again = await startHinanjo(bigDir, distDir);
  emit('startup_with_kept_summaries', performance.now() - t1, 'ms', { shelters: SHELTERS, people: PEOPLE, target: '< 1000', note: 'process start (tsx) included; the first start above summarized every shelter' });
  await again.stop();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
