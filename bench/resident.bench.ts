// The resident page's weight and speed on a phone: the gzipped JavaScript of its first load
// (the entry chunk named in dist/index.html and everything it imports statically, never what it
// imports dynamically: Leaflet and the service-worker helper come later), against the 50 kB
// target of issue 5; then the time to the first paint and to the district's level in Chromium
// against the real server. Prints JSON lines (scripts/bench.mjs). HINANJO_DIST overrides dist/.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/helpers/browser';
import { ROOT, startTestServer } from '../test/helpers/server';
import { seedHq } from '../test/helpers/seed';

const BENCH = 'resident';
const TARGET_BYTES = 50_000;
const dist = resolve(ROOT, process.env.HINANJO_DIST ?? 'dist');
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 10) / 10, unit, ...extra }));

/** Static imports of an ES chunk as Rolldown writes them: `import … from "./x.js"` and `import "./x.js"`. */
function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\s}])import\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"']+)["']/g;
  for (let m; (m = re.exec(code)); ) out.push(m[1]);
  return out;
}

function firstLoadScripts(): { file: string; raw: number; gzip: number }[] {
  const html = readFileSync(resolve(dist, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
  if (entries.length === 0) throw new Error(`no module script in ${dist}/index.html`);
  const seen = new Map<string, { file: string; raw: number; gzip: number }>();
  const visit = (urlPath: string) => {
    const file = urlPath.replace(/^\//, '');
    if (seen.has(file)) return;
    const code = readFileSync(resolve(dist, file));
    seen.set(file, { file, raw: code.length, gzip: gzipSync(code, { level: 6 }).length });
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const spec of staticImports(code.toString('utf8'))) {
      if (spec.startsWith('./') || spec.startsWith('../')) visit(new URL(spec, `http://x/${dir}`).pathname);
      else if (spec.startsWith('/')) visit(spec);
    }
  };
  for (const u of [...entries, ...preloads]) visit(u);
  return [...seen.values()];
}

const files = firstLoadScripts();
const total = files.reduce((s, f) => s + f.gzip, 0);
emit('first-load-js-gzip', total, 'bytes', {
  target: TARGET_BYTES,
  ok: total < TARGET_BYTES,
  files: files.map((f) => `${f.file} ${f.raw}B raw ${f.gzip}B gz`),
});

// First render in Chromium at phone size, against the real server, cold (no cache, no worker).
const server = await startTestServer({ distDir: dist });
const browser = await launchChromium();
try {
  await seedHq(server, {
    region: 'ベンチ市',
    districts: [{ id: 'd1', name: '一丁目', level: 3 }],
    shelters: Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, name: `避難所${i}`, districtId: 'd1', lat: 32.5 + i / 1000, lon: 130.6 })),
  });
  const fcp: number[] = [];
  const levelShown: number[] = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
    await context.addInitScript(() =>
      localStorage.setItem('hinanjo.resident.prefs.v1', JSON.stringify({ lang: 'ja', districtId: 'd1', switchLevel: 4 })),
    );
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.level-card').waitFor();
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      level: performance.now(),
    }));
    fcp.push(t.fcp);
    levelShown.push(t.level);
    await context.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  emit('first-contentful-paint', median(fcp), 'ms', { runs: fcp.length, note: 'localhost, no throttling' });
  emit('level-on-screen', median(levelShown), 'ms', { runs: levelShown.length, note: 'navigation start to the district level rendered (includes status.json)' });
} finally {
  await browser.close();
  await server.stop();
}

// Cold load of the resident page on emulated slow 3G (400 kbps both ways, 400 ms round trip) with
// a prefecture's 800 shelters in status.json: from navigation to a district list one can choose
// from (the select enabled with every district). Measured as the server sends it (compressed)
// and, side by side, as it would be sent uncompressed (the page asking for identity encoding).
{
  const SHELTERS = 800;
  const DISTRICTS = 40;
  const big = await startTestServer({ distDir: dist });
  const browser2 = await launchChromium();
  try {
    await seedHq(big, {
      region: 'ベンチ県',
      districts: Array.from({ length: DISTRICTS }, (_, i) => ({ id: `d${i}`, name: `${i + 1}地区`, level: 0 as const })),
      shelters: Array.from({ length: SHELTERS }, (_, i) => ({
        id: `s${i}`, name: `県立避難所${i}`, address: `ベンチ県ベンチ市${i}番地`, capacity: 300, districtId: `d${i % DISTRICTS}`,
        lat: 32 + (i % 40) / 40, lon: 130 + Math.floor(i / 40) / 40, hazards: ['flood', 'landslide'],
      })),
    });
    for (let i = 0; i < 400; i++) {
      const s = (await (await fetch(`${big.url}/api/public/status.json`)).json()) as { shelters: unknown[] };
      if (s.shelters.length === SHELTERS) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const statusBytes = (await (await fetch(`${big.url}/api/public/status.json`, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer()).byteLength;
    for (const encoding of ['compressed', 'identity'] as const) {
      const times: number[] = [];
      const transferred: number[] = [];
      for (let run = 0; run < 3; run++) {
        const context = await browser2.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 });
        if (encoding === 'identity') await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
        let bytes = 0;
        cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
        await page.goto(big.url, { waitUntil: 'commit', timeout: 120_000 });
        await page.locator('section.district select:enabled option').nth(DISTRICTS - 1).waitFor({ state: 'attached', timeout: 120_000 });
        times.push(await page.evaluate(() => performance.now()));
        transferred.push(bytes);
        await context.close();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      emit('slow-3g-cold-load-to-district-list', median(times), 'ms', {
        encoding, shelters: SHELTERS, runs: times.length, target: 3000, ok: median(times) < 3000,
        transferred_bytes: median(transferred), status_json_raw_bytes: statusBytes,
        note: 'Chromium, 390x844, 400 kbps / 400 ms RTT emulated (CDP), cold: no cache, no service worker',
      });
    }
  } finally {
    await browser2.close();
    await big.stop();
  }
}
