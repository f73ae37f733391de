// Hazard lookup on a phone: a 20,000-polygon flood layer (the size of a large river's 国土数値情報
// file), built and compacted as HQ's worker does, served by the real server, then fetched,
// decoded and looked up in Chromium with the CPU slowed four times (CDP), as an old phone would.
// Reports the layer's size on the wire, the time to decode it once, and a lookup (target < 50 ms).
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { buildHazardLayer } from '../domain/hazard-layers';
import { launchChromium } from '../test/helpers/browser';
import { ROOT, startTestServer } from '../test/helpers/server';

const BENCH = 'hazards';
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 10) / 10, unit, ...extra }));

const N = 20_000;
const features: unknown[] = [];
const side = Math.ceil(Math.sqrt(N));
for (let i = 0; i < N; i++) {
  // Irregular 12-vertex polygons in a grid over a city-sized area.
  const cx = 130.5 + (i % side) * 0.0015;
  const cy = 32.4 + Math.floor(i / side) * 0.0015;
  const ring: [number, number][] = [];
  for (let k = 0; k < 12; k++) {
    const a = (k / 12) * 2 * Math.PI;
    const r = 0.0006 + ((i * 7 + k * 13) % 5) * 0.00004;
    ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  ring.push(ring[0]);
  features.push({ type: 'Feature', properties: { rank: i % 5 }, geometry: { type: 'Polygon', coordinates: [ring] } });
}
const t0 = performance.now();
const { layer } = buildHazardLayer(features, { kind: 'flood', property: 'rank', values: { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4 } }, { id: 'bench-flood', name: 'bench', source: 'bench', importedAt: new Date().toISOString() });
emit('build-20k', performance.now() - t0, 'ms', { zones: layer.zones.length, note: 'Node, HQ worker equivalent' });

const bundle = await build({ entryPoints: [resolve(ROOT, 'domain/hazard-layers.ts')], bundle: true, write: false, format: 'iife', globalName: 'hazards', platform: 'browser' });
const server = await startTestServer({});
const browser = await launchChromium();
try {
  await server.server.evacuation!.hazards.put([layer]);
  const list = (await (await fetch(`${server.url}/api/public/hazards.json`)).json()) as { layers: { url: string; bytes: number; gzipBytes: number }[] };
  emit('layer-size', list.layers[0].bytes / 1e6, 'MB', { gzipMb: Math.round(list.layers[0].gzipBytes / 1e4) / 100 });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/`);
  await page.evaluate(`${bundle.outputFiles[0].text}\nwindow.hazards = hazards;`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const r = await page.evaluate(async (url) => {
    const h = (window as unknown as { hazards: typeof import('../domain/hazard-layers') }).hazards;
    const t0 = performance.now();
    const json = await (await fetch(url)).json();
    const t1 = performance.now();
    const ix = h.indexHazardLayer(json);
    const t2 = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      h.valueAt(ix, 32.4 + Math.random() * 0.21, 130.5 + Math.random() * 0.21);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const s = performance.now();
    h.hazardAt([ix], 32.45, 130.55);
    const one = performance.now() - s;
    return { fetchParse: t1 - t0, index: t2 - t1, p50: times[100], max: times[199], one };
  }, list.layers[0].url);
  emit('fetch-and-parse-4x', r.fetchParse, 'ms', { cpuThrottle: 4 });
  emit('decode-once-4x', r.index, 'ms', { cpuThrottle: 4, note: 'once per page load, after the layers are read' });
  emit('lookup-4x', r.max, 'ms', { cpuThrottle: 4, p50: Math.round(r.p50 * 1000) / 1000, target: 50, ok: r.max < 50 });
} finally {
  await browser.close();
  await server.stop();
}
