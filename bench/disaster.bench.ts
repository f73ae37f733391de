// npm run bench -- disaster: a Kumamoto-sized day on one instance, compressed in time. At the
// peak of the 2016 earthquakes 855 shelters held about 183,000 people. Here, against the real
// server (the production bundle in a child process, SQLite, fsync on every commit):
//
//   - 855 shelters, three tablet sockets each (2,565), each with its own staff token, checking in
//     183,000 people in households over a surge of SURGE_S seconds; every change is forwarded to
//     the shelter's other two tablets, whose arrival time gives the forward latency;
//   - 10,000 resident pages holding /api/public/changes and behaving as the page does: a level on
//     the event is shown at once, status.json is fetched at a random moment within 20 s of a
//     change (If-None-Match, brotli), every refused or failed request counted;
//   - 20 HQ screens on the overview stream (gzip), whose lag behind the tablets is measured;
//   - a level-4 order for every district in the middle of the surge, timed until it is on every
//     open page.
//
// Client sockets come from several 127.0.0.x source addresses. Everything is bounded in time and
// stops by itself; traffic stays on loopback. Prints JSON lines (scripts/bench.mjs). Sizes can be
// lowered for a quick look: DISASTER_SHELTERS, DISASTER_PEOPLE, DISASTER_RESIDENTS, DISASTER_SURGE_S.
// DISASTER_INSTANCES=2 runs the same day on two instances sharing one PostgreSQL (started by the
// bench), each shelter's tablets, the pages and the HQ screens split between them.
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, emptyPersonInput } from '../domain/people';
import { setDistrictLevel } from '../domain/levels';
import { HQ_DOC, shelterDocName, shelterMeta, type Level } from '../domain/schema';
import { tokenProtocols } from '../domain/protocol';
import { syncUrl } from '../domain/sync/connect';
import { issueToken } from '../sync-server/core/auth';
import { keysFor, openStore } from '../sync-server/store/open-store';
import { seedHq, writeDoc } from '../test/helpers/seed';
import { tempDataDir } from '../test/helpers/server';
import { startTestPostgres } from '../test/helpers/postgres';
import { SERVER_NODE_ARGS } from '../scripts/server-node-args.mjs';
import { LoadClient, ROOT, kanaDigits, percentile, sleep, startChild, type Child } from './support';

const SHELTERS = Number(process.env.DISASTER_SHELTERS ?? 855);
const PEOPLE = Number(process.env.DISASTER_PEOPLE ?? 183_000);
const PER_SHELTER = 3;
const RESIDENTS = Number(process.env.DISASTER_RESIDENTS ?? 10_000);
const HQ_SCREENS = 20;
const SURGE_S = Number(process.env.DISASTER_SURGE_S ?? 90);
const DISTRICTS = 60;
/**
 * People on the 避難行動要支援者 list, uploaded before the surge (a city has it on file): every
 * check-in rescans its shelter against the list. Every 40th person checked in is listed.
 */
const LISTED = Number(process.env.DISASTER_LISTED ?? 5_000);
/** A tablet writes from a new Y.Doc after this many check-ins (LoadClient.renew: the bench's memory, not the server's). */
const RENEW_EVERY = 5;
/** 2: two instances on one PostgreSQL, every shelter's tablets and the pages split between them. */
const INSTANCES = Number(process.env.DISASTER_INSTANCES ?? 1);
/** Source addresses for the client sockets (127.0.0.2 …): ports per address are limited. */
const SOURCES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'disaster', metric, value: Math.round(value * 100) / 100, unit, ...extra }));

let sourceIndex = 0;
const nextSource = () => SOURCES[sourceIndex++ % SOURCES.length];

/** The server's CPU seconds (user + system) from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

// ---- tablets ------------------------------------------------------------------------------
const forward: number[] = [];
const sentAt = new Map<string, number>();
let measuringForward = false;
/** DISASTER_TIMELINE=1: forward and overview lag per TIMELINE_S of the surge (where the tail comes from). */
const TIMELINE = process.env.DISASTER_TIMELINE === '1';
const TIMELINE_S = 5;
let surgeStartedAt = 0;
const forwardByStep: number[][] = [];
const lagByStep: number[][] = [];
const step = () => Math.floor((performance.now() - surgeStartedAt) / 1000 / TIMELINE_S);
const record = (series: number[][], ms: number) => {
  if (TIMELINE) (series[step()] ??= []).push(ms);
};
const refusals: Record<string, number> = {};
const refuse = (what: string) => (refusals[what] = (refusals[what] ?? 0) + 1);

/** A tablet: the bench's load client (bench/support.ts) with its shelter's token, checking people in. */
class Tablet extends LoadClient {
  private checkIns = 0;
  constructor(
    readonly shelterId: string,
    url: string,
    token: string,
  ) {
    super(url, sentAt, (ms) => {
      if (!measuringForward) return;
      forward.push(ms);
      record(forwardByStep, ms);
    }, {
      protocols: tokenProtocols(token),
      localAddress: nextSource(),
      onClose: (code) => code !== 1000 && code !== 1005 && refuse(`tablet socket closed ${code}`),
    });
  }

  checkIn(size: number, n: number): void {
    const members = Array.from({ length: size }, (_, i) => ({
      ...emptyPersonInput(),
      name: `避難 ${n + i}`,
      kana: 'ヒナン',
      needs: (n + i) % 11 === 0 ? ['wheelchair'] : [],
      stay: (n + i) % 7 === 0 ? ('car' as const) : ('shelter' as const),
    }));
    const r = checkInHousehold(this.doc, members, { now: new Date(), newId: uuidv7 });
    if (!r.ok) throw new Error('check-in failed');
    if (++this.checkIns % RENEW_EVERY === 0) this.renew();
  }
}

let residentsProc: ChildProcess | null = null;

function nextMessage(proc: ChildProcess, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} from the resident pages`)), 300_000);
    const on = (m: Record<string, unknown>) => {
      if (m.type !== type) return;
      clearTimeout(t);
      proc.off('message', on);
      resolve(m);
    };
    proc.on('message', on);
  });
}

// ---- HQ screens --------------------------------------------------------------------------
const overviewLag: number[] = [];
/** Per HQ screen and shelter: when a sampled check-in was sent that no event of that screen has followed yet. */
const pendingOverview: Map<string, number>[] = [];

function openHqScreen(port: number, token: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const pending = new Map<string, number>();
    pendingOverview.push(pending);
    const req = request({ host: '127.0.0.1', port, path: `/api/hq/overview/events?token=${encodeURIComponent(token)}`, headers: { 'Accept-Encoding': 'gzip' }, localAddress: nextSource(), agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`overview ${res.statusCode}`));
      const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
      let buffered = '';
      stream.on('data', (c: Buffer) => {
        buffered += c.toString();
        const events = buffered.split('\n\n');
        buffered = events.pop() ?? '';
        const now = performance.now();
        for (const e of events) {
          const m = /"shelterId":"([^"]+)"/.exec(e);
          if (!m) continue;
          const sent = pending.get(m[1]);
          if (sent === undefined) continue;
          overviewLag.push(now - sent);
          record(lagByStep, now - sent);
          pending.delete(m[1]);
        }
      });
      stream.on('error', () => undefined);
      resolve(() => req.destroy());
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}

// ---- the day ------------------------------------------------------------------------------
async function main(): Promise<void> {
  const dataDir = tempDataDir('hinanjo-disaster-');
  const shelterIds = Array.from({ length: SHELTERS }, (_, i) => `p${String(i).padStart(3, '0')}`);
  const pg = INSTANCES > 1 ? await startTestPostgres() : null;
  const storeUrl = pg ? await pg.createDatabase('disaster') : undefined;
  // Tokens first, as HQ would have enrolled the tablets: one staff token per shelter.
  const store = await openStore({ dataDir, storeUrl });
  const keys = await keysFor(store, dataDir);
  const tokenOf = async (req: { role: 'staff' | 'hq'; shelter?: string }) => {
    const r = await issueToken(keys, store, { ...req, ttlSeconds: 86_400 });
    if (!r.ok) throw new Error(r.error);
    return r.value.token;
  };
  const hqToken = await tokenOf({ role: 'hq' });
  const staff = new Map<string, string>();
  for (const id of shelterIds) staff.set(id, await tokenOf({ role: 'staff', shelter: id }));
  await store.close();

  const built = resolve(ROOT, 'build/server/main.mjs');
  const entry = existsSync(built) ? [built] : ['--import', 'tsx', 'sync-server/cli/main.ts'];
  // DISASTER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server through the day.
  // The server runs with the flags production uses (scripts/server-node-args.mjs).
  const nodeArgs = [...SERVER_NODE_ARGS, ...(process.env.DISASTER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const servers: Child[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const dir = i === 0 ? dataDir : tempDataDir('hinanjo-disaster-');
    servers.push(
      await startChild([...nodeArgs, ...entry, '--port', '0', '--host', '127.0.0.1', '--no-demo', '--data', dir, '--dist', resolve(ROOT, 'dist'), ...(storeUrl ? ['--store', storeUrl] : [])], {
        HINANJO_MAX_EVENT_STREAMS: String(RESIDENTS + 1_000),
      }),
    );
  }
  const server = servers[0];
  const ports = servers.map((s) => s.port);
  const base = `http://127.0.0.1:${server.port}`;
  const wsBase = `ws://127.0.0.1:${server.port}/sync`;
  const target = { wsUrl: wsBase, token: async () => hqToken };
  let rssPeak = 0;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssMb())), 500);
  try {
    await seedHq(target, {
      region: 'ベンチ県',
      districts: Array.from({ length: DISTRICTS }, (_, i) => ({ id: `d${i}`, name: `${i + 1}地区`, level: 3 as Level })),
      shelters: shelterIds.map((id, i) => ({ id, name: `県立避難所${i}`, capacity: 300, districtId: `d${i % DISTRICTS}`, lat: 32 + (i % 30) / 30, lon: 130 + Math.floor(i / 30) / 30 })),
    });
    if (LISTED > 0) {
      // Names as the tablets write them (Tablet.checkIn), each with its own kana.
      const kana = (i: number) => `ようしえん${kanaDigits(i)}`;
      const csv = ['氏名,ふりがな,生年月日,住所,地区', ...Array.from({ length: LISTED }, (_, i) => `避難 ${i * 40},${kana(i)},1940/1/1,ベンチ町${i},${(i % DISTRICTS) + 1}地区`)].join('\n');
      const up = await fetch(`${base}/api/hq/support-list`, { method: 'POST', headers: { Authorization: `Bearer ${hqToken}`, 'Content-Type': 'text/csv' }, body: csv });
      if (!up.ok) throw new Error(`support list upload: ${up.status} ${await up.text()}`);
    }
    for (let i = 0; i < 400; i++) {
      const s = (await (await fetch(`${base}/api/public/status.json`)).json()) as { shelters: unknown[] };
      if (s.shelters.length === SHELTERS) break;
      await sleep(50);
    }

    // Tablets: three per shelter, each with the shelter's token.
    const t0 = performance.now();
    const tablets: Tablet[] = [];
    // With two instances a shelter's tablets sit on both (its changes cross through PostgreSQL).
    for (const id of shelterIds) for (let k = 0; k < PER_SHELTER; k++) tablets.push(new Tablet(id, syncUrl(`ws://127.0.0.1:${ports[k % ports.length]}/sync`, shelterDocName(id)), staff.get(id)!));
    for (let i = 0; i < tablets.length; i += 100) await Promise.all(tablets.slice(i, i + 100).map((t) => t.connect()));
    emit('tablets_connected', tablets.length, 'sockets', { seconds: Math.round((performance.now() - t0) / 100) / 10 });
    // Each shelter opens (one tablet writes it).
    for (let i = 0; i < tablets.length; i += PER_SHELTER) shelterMeta(tablets[i].doc).set('status', 'open');

    // Resident pages (their own process: bench/disaster-residents.ts) and HQ screens.
    const t1 = performance.now();
    residentsProc = fork(resolve(ROOT, 'bench/disaster-residents.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await nextMessage(residentsProc, 'ready');
    residentsProc.send({ type: 'open', ports, count: RESIDENTS });
    const opened = (await nextMessage(residentsProc, 'opened')).count as number;
    emit('resident_pages_open', opened, 'streams', { asked: RESIDENTS, seconds: Math.round((performance.now() - t1) / 100) / 10 });
    const closeHq: (() => void)[] = [];
    for (let i = 0; i < HQ_SCREENS; i++) closeHq.push(await openHqScreen(ports[i % ports.length], hqToken));

    // The surge: PEOPLE people in households of 1–4, spread over SURGE_S seconds.
    const households: number[] = [];
    for (let n = 0, k = 0; n < PEOPLE; k++) {
      const size = Math.min(PEOPLE - n, 1 + (k % 4));
      households.push(size);
      n += size;
    }
    const cpuAll = () => servers.reduce((n, s) => n + cpuSeconds(s.proc.pid!), 0);
    const cpu0 = cpuAll();
    const benchCpu0 = process.cpuUsage();
    const surgeStart = performance.now();
    surgeStartedAt = surgeStart;
    // The bench's own pauses delay what it measures: reported beside the server's.
    const benchLoop = monitorEventLoopDelay({ resolution: 10 });
    benchLoop.enable();
    const rssByStep: number[] = [];
    const rssStep = setInterval(() => TIMELINE && (rssByStep[step()] = Math.max(rssByStep[step()] ?? 0, server.rssMb())), 1_000);
    measuringForward = true;
    let next = 0;
    let people = 0;
    let levelSent = false;
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const elapsed = (performance.now() - surgeStart) / 1000;
        const due = Math.min(households.length, Math.ceil((elapsed / SURGE_S) * households.length));
        for (; next < due; next++) {
          const t = tablets[(next * 7919) % tablets.length];
          t.checkIn(households[next], people);
          people += households[next];
          if (next % 25 === 0) for (const p of pendingOverview) if (!p.has(t.shelterId)) p.set(t.shelterId, performance.now());
        }
        if (!levelSent && elapsed >= SURGE_S / 2) {
          levelSent = true;
          // A level-4 order for every district, from HQ, in the middle of the surge.
          residentsProc!.send({ type: 'level', at: performance.timeOrigin + performance.now() });
          void writeDoc(target, HQ_DOC, (doc) => {
            for (let d = 0; d < DISTRICTS; d++) setDistrictLevel(doc, `d${d}`, 4, { by: 'bench', now: new Date() });
          });
        }
        if (next >= households.length) {
          clearInterval(tick);
          done();
        }
      }, 10);
    });
    const surgeSeconds = (performance.now() - surgeStart) / 1000;
    // Every tablet's frames durable (STORED covers all it sent), bounded.
    const settleStart = performance.now();
    while (tablets.some((t) => t.durable < t.sent) && performance.now() - settleStart < 60_000) await sleep(100);
    const cpu = cpuAll() - cpu0;
    const benchCpu = process.cpuUsage(benchCpu0);
    const wall = (performance.now() - surgeStart) / 1000;
    measuringForward = false;
    benchLoop.disable();
    clearInterval(rssStep);
    await sleep(3_000); // the last spread fetches and patches

    // Nothing lost: status.json counts every person checked in.
    await sleep(1_000);
    const status = (await (await fetch(`${base}/api/public/status.json`)).json()) as { shelters: { stay: { shelter: number; car: number; home: number } }[] };
    const counted = status.shelters.reduce((n, s) => n + s.stay.shelter + s.stay.car + s.stay.home, 0);

    forward.sort((a, b) => a - b);
    overviewLag.sort((a, b) => a - b);
    residentsProc.send({ type: 'report' });
    const report = (await nextMessage(residentsProc, 'report')) as { reach: (number | null)[]; fetches: number; notModified: number; inFlightPeak: number; refusals: Record<string, number>; cpuSeconds: number };
    for (const [what, n] of Object.entries(report.refusals)) refusals[`resident ${what}`] = n;
    const reach = report.reach.map((r) => (r === null ? Infinity : r)).sort((a, b) => a - b);
    const reached = reach.filter(Number.isFinite);
    const residents = { length: opened };
    const common = { listed: LISTED, instances: INSTANCES, store: pg ? 'PostgreSQL (shared)' : 'SQLite', shelters: SHELTERS, people: PEOPLE, tablets: tablets.length, residents: opened, hq_screens: HQ_SCREENS, surge_s: SURGE_S, machine: '2 cores, loopback, fsync per commit' };
    emit('surge_checkins_per_second', households.length / surgeSeconds, 'households/s', { people_per_second: Math.round(PEOPLE / surgeSeconds), ...common });
    if (pg) console.log(JSON.stringify({ bench: 'disaster', note: 'two instances: RSS and CPU are the sum of both servers (PostgreSQL not counted)' }));
    emit('tablet_forward_p50', percentile(forward, 50), 'ms', { samples: forward.length, target_p99: 100 });
    emit('tablet_forward_p99', percentile(forward, 99), 'ms', { samples: forward.length, target: 100, ok: percentile(forward, 99) < 100 });
    emit('level_reaches_pages_p50', percentile(reach, 50), 'ms', { reached: reached.length, of: residents.length });
    emit('level_reaches_pages_p99', percentile(reach, 99), 'ms', { reached: reached.length, of: residents.length });
    emit('level_reaches_pages_max', reach[reach.length - 1], 'ms', { reached: reached.length, of: residents.length, target: 2000, ok: reached.length === residents.length && reach[reach.length - 1] < 2000 });
    emit('hq_overview_lag_p50', percentile(overviewLag, 50), 'ms', { samples: overviewLag.length });
    emit('hq_overview_lag_p99', percentile(overviewLag, 99), 'ms', { samples: overviewLag.length, target: 1000, ok: percentile(overviewLag, 99) < 1000 });
    emit('server_rss_peak', rssPeak, 'MB', { target: 1536, ok: rssPeak < 1536 });
    emit('server_cpu', (cpu / wall) * 100, '% of one core', { cpu_seconds: Math.round(cpu * 10) / 10, wall_seconds: Math.round(wall * 10) / 10 });
    // The load generators share the machine's two cores with the server: what they took.
    emit('load_generators_cpu', ((benchCpu.user + benchCpu.system) / 1e6 / wall) * 100, '% of one core', { tablets_and_hq: Math.round((benchCpu.user + benchCpu.system) / 1e5) / 10, pages_whole_run: Math.round(report.cpuSeconds * 10) / 10, unit_of_parts: 'cpu seconds' });
    emit('status_json_fetches', report.fetches, 'requests', { not_modified: report.notModified, in_flight_peak: report.inFlightPeak, spread_ms: 20_000 });
    emit('refused', Object.values(refusals).reduce((a, b) => a + b, 0), 'events', { ...refusals });
    if (LISTED > 0) {
      // Everyone on the list who checked in is found in a shelter (matched as the check-ins came).
      await sleep(1_000);
      const list = (await (await fetch(`${base}/api/hq/support-list/status?counts=1`, { headers: { Authorization: `Bearer ${hqToken}` } })).json()) as { districts: { inShelter: number }[] };
      const found = list.districts.reduce((n, d) => n + d.inShelter, 0);
      const expected = Math.min(LISTED, Math.ceil(PEOPLE / 40));
      emit('support_list_in_shelter', found, 'people', { listed: LISTED, expected, ok: found === expected });
    }
    const metrics = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${hqToken}` } })).text();
    const loop = (q: string) => Number(new RegExp(`hinanjo_event_loop_delay_seconds${q} ([0-9.e-]+)`).exec(metrics)?.[1] ?? NaN) * 1000;
    emit('server_event_loop_delay_p99', loop('\\{quantile="0.99"\\}'), 'ms', { p999: Math.round(loop('\\{quantile="0.999"\\}')), max: Math.round(loop('_max')), since: 'server start' });
    emit('bench_event_loop_delay_p99', Math.max(0, benchLoop.percentile(99) / 1e6 - 10), 'ms', { max: Math.round(Math.max(0, benchLoop.max / 1e6 - 10)), note: 'the load generator itself, during the surge' });
    if (TIMELINE) {
      for (let i = 0; i < Math.max(forwardByStep.length, lagByStep.length); i++) {
        const f = (forwardByStep[i] ?? []).sort((a, b) => a - b);
        const l = (lagByStep[i] ?? []).sort((a, b) => a - b);
        console.log(JSON.stringify({ bench: 'disaster', timeline_s: i * TIMELINE_S, forward_p50: Math.round(percentile(f, 50)), forward_p99: Math.round(percentile(f, 99)), forward_max: Math.round(f[f.length - 1] ?? 0), overview_lag_p99: Math.round(percentile(l, 99)), rss_mb: Math.round(rssByStep[i] ?? 0) }));
      }
    }
    emit('people_counted', counted, 'people', { checked_in: PEOPLE, lost: PEOPLE - counted, ok: counted === PEOPLE });

    for (const t of tablets) t.close();
    for (const c of closeHq) c();
  } finally {
    clearInterval(rssTimer);
    residentsProc?.send({ type: 'stop' });
    for (const s of servers) await s.stop();
    await pg?.stop();
  }
}

await main();
process.exit(0);
