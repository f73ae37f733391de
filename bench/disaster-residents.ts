// The resident pages of bench/disaster.bench.ts, in a process of their own (a process may hold
// 20,000 descriptors here, and 10,000 pages with their fetches need most of them): each holds
// /api/public/changes and behaves as web/resident/main.tsx does — a level on the event is shown
// at once; status.json is fetched when and within the window web/resident/change-policy.ts says
// (If-None-Match, brotli) unless a fetch meanwhile brought it. Talks to the bench over IPC; times are absolute
// (performance.timeOrigin + now) so the two processes compare them.
import { request, type IncomingMessage } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import { bringsLevels, statusFetchWithin } from '../web/resident/change-policy';
import type { ChangeEvent } from '../web/resident/public-layers';

const DECODE_EVERY = 50;
const SOURCES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 10}`);
let sourceIndex = 0;
const nextSource = () => SOURCES[sourceIndex++ % SOURCES.length];
const now = () => performance.timeOrigin + performance.now();

interface Page {
  port: number;
  etag: string | null;
  checkedAt: number;
  soon: NodeJS.Timeout | null;
  levelAt: number | null;
  res: IncomingMessage | null;
}

const refusals: Record<string, number> = {};
const refuse = (what: string) => (refusals[what] = (refusals[what] ?? 0) + 1);
let levelWrittenAt = 0;
let fetches = 0;
let notModified = 0;
let inFlight = 0;
let inFlightPeak = 0;

function fetchStatus(port: number, page: Page): void {
  fetches++;
  inFlight++;
  inFlightPeak = Math.max(inFlightPeak, inFlight);
  const headers: Record<string, string> = { 'Accept-Encoding': 'br, gzip' };
  if (page.etag) headers['If-None-Match'] = page.etag;
  const done = () => inFlight--;
  const req = request({ host: '127.0.0.1', port, path: '/api/public/status.json', headers, localAddress: nextSource(), agent: false }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      done();
      page.checkedAt = now();
      if (res.statusCode === 304) notModified++;
      else if (res.statusCode === 200) {
        page.etag = String(res.headers.etag ?? '');
        // The server's work is the same whether the phone decodes or not; decoding every body here
        // would take a core from the server it measures. One in DECODE_EVERY is checked.
        if (res.headers['content-encoding'] === 'br' && fetches % DECODE_EVERY === 0) brotliDecompressSync(Buffer.concat(chunks));
      } else refuse(`status.json ${res.statusCode}`);
    });
    res.on('error', () => refuse('status.json cut'));
  });
  req.on('error', (e) => {
    done();
    refuse(`status.json ${(e as NodeJS.ErrnoException).code ?? e.message}`);
  });
  req.end();
}

function openPage(port: number): Promise<Page> {
  const page: Page = { port, etag: null, checkedAt: now(), soon: null, levelAt: null, res: null };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/public/changes', localAddress: nextSource(), agent: false }, (res) => {
      if (res.statusCode !== 200) {
        refuse(`changes ${res.statusCode}`);
        reject(new Error(`changes ${res.statusCode}`));
        return;
      }
      page.res = res;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        const events = buffered.split('\n\n');
        buffered = events.pop() ?? '';
        for (const e of events) {
          if (!e.startsWith('event: etags')) continue;
          const data = JSON.parse(e.slice(e.indexOf('data: ') + 6)) as ChangeEvent & { status: string };
          if (bringsLevels(data) && levelWrittenAt > 0 && page.levelAt === null && Object.values(data.levels!).some((l) => l.level === 4)) page.levelAt = now();
          // The first event: as if the page's preloaded status.json (web/index.html) brought this.
          if (page.etag === null) page.etag = data.status;
          else {
            const within = statusFetchWithin(data, page, false, now());
            if (within !== null && !page.soon) {
              page.soon = setTimeout(() => {
                page.soon = null;
                if (page.etag !== data.status) fetchStatus(port, page);
              }, Math.random() * within);
            }
          }
        }
      });
      res.on('error', () => refuse('changes stream cut'));
      resolve(page);
    });
    req.on('error', (e) => {
      refuse(`changes ${(e as NodeJS.ErrnoException).code ?? e.message}`);
      reject(e);
    });
    req.end();
  });
}

const pages: Page[] = [];
process.on('message', async (m: { type: string; ports?: number[]; count?: number; at?: number }) => {
  if (m.type === 'open') {
    // With several instances, pages are spread over them as a load balancer would.
    const ports = m.ports!;
    for (let i = 0; i < m.count!; i += 250) {
      const batch = await Promise.allSettled(Array.from({ length: Math.min(250, m.count! - i) }, (_, k) => openPage(ports[(i + k) % ports.length])));
      for (const b of batch) if (b.status === 'fulfilled') pages.push(b.value);
    }
    process.send!({ type: 'opened', count: pages.length });
  } else if (m.type === 'level') {
    levelWrittenAt = m.at!;
  } else if (m.type === 'report') {
    const reach = pages.map((p) => (p.levelAt === null ? null : p.levelAt - levelWrittenAt));
    const cpu = process.cpuUsage();
    process.send!({ type: 'report', reach, fetches, notModified, inFlightPeak, refusals, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  } else if (m.type === 'stop') {
    for (const p of pages) p.res?.destroy();
    process.exit(0);
  }
});
process.send!({ type: 'ready' });
