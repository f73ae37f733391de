// What the server benchmarks share: child processes for servers under test, the light load
// client and the sync load (forward latency at every peer), a large shelter document.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { v7 as uuidv7 } from 'uuid';
import { decodeMessage, encodeMessage } from '../domain/protocol';
import { checkInHousehold, emptyPersonInput } from '../domain/people';
import { shelterMeta } from '../domain/schema';
import { seedDefaultItems } from '../domain/stock';

export const ROOT = resolve(import.meta.dirname, '..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Child {
  proc: ChildProcess;
  port: number;
  rssMb(): number;
  /** CPU seconds the process has used, all its threads (the SQLite writer's too). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  // BENCH_CHILD_LOG=FILE keeps what the server prints (with --trace-gc in its node arguments, its pauses).
  if (process.env.BENCH_CHILD_LOG) proc.stdout!.pipe(createWriteStream(process.env.BENCH_CHILD_LOG, { flags: 'a' }));
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
    cpuSeconds: () => cpuSecondsOf(proc.pid!),
    stop: () =>
      new Promise((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

/** utime + stime of a process from /proc (clock ticks: 100 per second on Linux). */
export function cpuSecondsOf(pid: number): number {
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * A light load client: it speaks the sync protocol but never applies what it receives (200 full
 * Y.Docs in one process would measure the bench, not the server). Each sender writes to its own
 * small Y.Doc; a receiver reads only the update's header (parseUpdateMeta) to find the sender's
 * (clientID, clock) and looks up when it was sent.
 */
export class LoadClient {
  doc = new Y.Doc();
  private ws!: WebSocket;
  synced = false;
  /** Sync step 2 / update frames sent, and how many of them the server says are durable (STORED). */
  sent = 0;
  durable = 0;

  constructor(
    private readonly url: string,
    private readonly sentAt: Map<string, number>,
    private readonly onForward: (latencyMs: number) => void,
    /** The token in the protocol list (as the product's clients send it), the source address, what to do on a close. */
    private readonly opts: { protocols?: string[]; localAddress?: string; onClose?: (code: number) => void } = {},
  ) {
    this.doc.on('update', this.onUpdate);
  }

  private readonly onUpdate = (update: Uint8Array) => {
    const meta = Y.parseUpdateMeta(update);
    for (const [client, from] of meta.from) this.sentAt.set(`${client}:${from}`, performance.now());
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(encodeMessage({ type: 'sync-update', update }));
    this.sent++;
  };

  /**
   * Goes on writing from a new, empty Y.Doc (a new Yjs client, as a tablet after a reload): a
   * process simulating thousands of tablets cannot keep every person each one wrote (a person
   * in Yjs takes ~8 kB of heap), or its own pauses show up as the server's latency.
   */
  renew(): void {
    this.doc.off('update', this.onUpdate);
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.doc.on('update', this.onUpdate);
  }

  connect(timeoutMs = 60_000): Promise<void> {
    this.ws = new WebSocket(this.url, this.opts.protocols ?? [], { localAddress: this.opts.localAddress, perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    if (this.opts.onClose) this.ws.on('close', this.opts.onClose);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.url}: not synced within ${timeoutMs} ms`)), timeoutMs);
      this.ws.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
      this.ws.once('open', () => {
        this.ws.send(encodeMessage({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) }));
        const check = setInterval(() => {
          if (this.synced) {
            clearInterval(check);
            clearTimeout(t);
            resolve();
          }
        }, 5);
      });
    });
  }

  private receive(buf: Uint8Array): void {
    const r = decodeMessage(buf);
    if (!r.ok) return;
    const m = r.value; // awareness, heartbeat: not measured
    if (m.type === 'sync-step1') {
      this.ws.send(encodeMessage({ type: 'sync-step2', update: Y.encodeStateAsUpdate(this.doc, m.stateVector) }));
      this.sent++;
      return;
    }
    if (m.type === 'sync-step2') {
      this.synced = true;
      return;
    }
    if (m.type === 'stored') {
      this.durable = Math.max(this.durable, m.durable ?? 0);
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

export interface LoadOptions {
  clients: number;
  docs: number;
  /** Updates per second per client. */
  rate: number;
  seconds: number;
  /** Prints one figure (the caller's bench name). */
  emit: (metric: string, value: number, unit: string, extra?: Record<string, unknown>) => void;
  /** The server's CPU seconds so far (Child.cpuSeconds): reports its CPU per forwarded update. */
  serverCpu?: () => number;
}

/**
 * `clients` clients on `docs` documents, each sending `rate` small updates per second; forward
 * latency measured at every peer. Client i connects to wsBases[i % wsBases.length]: with several
 * server instances, a document's peers sit on different instances.
 */
export async function syncLoad(label: string, wsBases: string | string[], token: string | null, o: LoadOptions) {
  const { clients: CLIENTS, docs: DOCS, rate: RATE, seconds: SECONDS, emit } = o;
  const bases = typeof wsBases === 'string' ? [wsBases] : wsBases;
  let measuring = false;
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  const clients: LoadClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    clients.push(
      new LoadClient(`${bases[i % bases.length]}/shelter/bench-${i % DOCS}${q}`, sentAt, (ms) => {
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
  const cpu0 = o.serverCpu?.() ?? 0;
  await sleep(SECONDS * 1000);
  measuring = false;
  const cpu = (o.serverCpu?.() ?? 0) - cpu0;
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
    /** Server CPU per update forwarded (to all its peers), µs; NaN without o.serverCpu. */
    cpuPerUpdateUs: o.serverCpu ? (cpu * 1e6) / (latencies.length / peers) : NaN,
  };
  const extra = { server: label, clients: CLIENTS, docs: DOCS, ratePerClient: RATE, instances: bases.length };
  emit('sync_updates_per_second', result.updatesPerSecond, 'updates/s', { ...extra, offered: Math.round(result.offeredPerSecond) });
  emit('sync_forward_latency_p50', result.p50, 'ms', extra);
  emit('sync_forward_latency_p99', result.p99, 'ms', extra);
  if (o.serverCpu) emit('sync_server_cpu_per_update', result.cpuPerUpdateUs, 'µs', { ...extra, note: 'all threads of the server process, per update forwarded to its peers' });
  return result;
}

/** A shelter document of PEOPLE people in households, as tablets would have written it. */
export function bigShelterUpdate(PEOPLE: number): Uint8Array {
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

/** A kana spelling of a number (a kana field holds kana only): the benches' listed people. */
export const kanaDigits = (i: number) => String(i).replace(/\d/g, (d) => 'あいうえおかきくけこ'[Number(d)]);
