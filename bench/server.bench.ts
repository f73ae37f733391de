// npm run bench -- server: the sync server against the reference @y/websocket-server (0.1.1,
// in memory), status.json against a static file, and memory with 300 large shelters.
// Prints one JSON line per figure. Servers run in child processes (the machine has two cores:
// one for the server under test, one for the clients driving it).
import { decodeMessage, encodeMessage } from '../domain/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import WebSocket from 'ws';
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
/** Which parts to run: sync, http, memory (all by default). */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'sync,http,memory').split(','));

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

/** BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function startHinanjo(dataDir: string, distDir: string): Promise<Child> {
  return startChild([...NODE_ARGS, '--import', 'tsx', 'sync-server/main.ts', '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', dataDir, '--dist', distDir]);
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

/**
 * A light load client: it speaks the sync protocol but never applies what it receives (200 full
 * Y.Docs in one process would measure the bench, not the server). Each sender writes to its own
 * small Y.Doc; a receiver reads only the update's header (parseUpdateMeta) to find the sender's
 * (clientID, clock) and looks up when it was sent.
 */
class LoadClient {
  readonly doc = new Y.Doc();
  private ws!: WebSocket;
  synced = false;

  constructor(
    private readonly url: string,
    private readonly sentAt: Map<string, number>,
    private readonly onForward: (latencyMs: number) => void,
  ) {
    this.doc.on('update', (update: Uint8Array) => {
      const meta = Y.parseUpdateMeta(update);
      for (const [client, from] of meta.from) this.sentAt.set(`${client}:${from}`, performance.now());
      this.ws.send(encodeMessage({ type: 'sync-update', update }));
    });
  }

  connect(): Promise<void> {
    this.ws = new WebSocket(this.url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    return new Promise((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.once('open', () => {
        this.ws.send(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
        const check = setInterval(() => {
          if (this.synced) {
            clearInterval(check);
            resolve();
          }
        }, 5);
      });
    });
  }

  private receive(buf: Uint8Array): void {
    const r = decodeMessage(buf);
    if (!r.ok) return;
    const m = r.value; // awareness, STORED, heartbeat: not measured
    if (m.type === 'sync-step1') {
      this.ws.send(encodeMessage({ type: 'sync-step2', update: Y.encodeStateAsUpdate(this.doc, m.stateVector) }));
      return;
    }
    if (m.type === 'sync-step2') {
      this.synced = true;
      return;
    }
    if (m.type !== 'sync-update') return;
    const payload = m.update;
    const now = performance.now();
    for (const [client, from] of Y.parseUpdateMeta(payload).from) {
      if (client === this.doc.clientID) continue; // the reference server echoes to the sender too
      const t = this.sentAt.get(`${client}:${from}`);
      if (t !== undefined) this.onForward(now - t);
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** 200 clients on 50 documents, each sending RATE small updates per second; forward latency measured at every peer. */
async function syncLoad(label: string, wsBase: string, token: string | null) {
  let measuring = false;
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const clients: LoadClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    clients.push(
      new LoadClient(`${wsBase}/shelter/bench-${i % DOCS}${q}`, sentAt, (ms) => {
        if (measuring) latencies.push(ms);
      }),
    );
  }
  for (let i = 0; i < clients.length; i += 20) await Promise.all(clients.slice(i, i + 20).map((c) => c.connect()));
  let sent = 0;
  const interval = 1000 / RATE;
  const timers: NodeJS.Timeout[] = [];
  clients.forEach((c, i) => {
    timers.push(
      setTimeout(() => {
        timers.push(
          setInterval(() => {
            c.doc.getMap('load').set('t', i);
            if (measuring) sent++;
          }, interval),
        );
      }, Math.random() * interval),
    );
  });
  await sleep(2_000); // warm up
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  for (const t of timers) clearInterval(t);
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  const peers = CLIENTS / DOCS - 1;
  const result = {
    updatesPerSecond: latencies.length / peers / elapsed,
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

  if (PARTS.has('sync')) await benchSync(distDir);
  if (PARTS.has('http')) await benchHttp(distDir);
  if (PARTS.has('memory')) await benchMemory(distDir);
}

async function benchSync(distDir: string): Promise<void> {
  // ---- 1. sync: Hinanjo (durable) vs the reference server (memory) -----------------------
  const dataDir = mkdtempSync(join(tmpdir(), 'hinanjo-bench-'));
  const ours = await startHinanjo(dataDir, distDir);
  const token = await issueTokenFor(dataDir, { role: 'hq' });
  const h = await syncLoad(`hinanjo (SQLite WAL, synchronous=${process.env.HINANJO_SQLITE_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL'}, group commit)`, `ws://127.0.0.1:${ours.port}/sync`, token);
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
  const r = await syncLoad('@y/websocket-server 0.1.1 (memory)', `ws://127.0.0.1:${ref.port}/sync`, null);
  await ref.stop();
  emit('sync_throughput_ratio', h.updatesPerSecond / r.updatesPerSecond, 'hinanjo/reference');
  emit('sync_p99_ratio', h.p99 / r.p99, 'hinanjo/reference');
}

async function benchHttp(distDir: string): Promise<void> {
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
}

async function benchMemory(distDir: string): Promise<void> {
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
