// npm run bench -- basemap: the tablet's offline map in real Chromium, on the demo region's
// vector basemap (served by the real server from a PMTiles file):
//   area_bytes_3km        what the tablet stores for a 3 km radius around its shelter, per
//                         choice of detail (zoom 10 to 14, 15), with the tile count;
//   first_paint_offline   with the server stopped, from a reload of the map screen (served by
//                         the service worker) to the first basemap tile drawn from IndexedDB.
// The demo basemap is small and plain; a city's OpenStreetMap extract has more in each tile, so
// `average_tile_bytes` is printed too, to scale the figures. Needs dist/ (npm run build).
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDemoBasemap } from '../sync-server/features/basemap/demo-basemap';
import { launchChromium } from '../test/helpers/browser';
import { ROOT, startTestServer, tempDataDir } from '../test/helpers/server';
import { seedHq } from '../test/helpers/seed';

const BENCH = 'basemap';
const DIST = process.env.HINANJO_DIST ?? 'dist';
const SHELTER = 'bench-shelter';
const emit = (metric: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: BENCH, metric, value: Math.round(value * 100) / 100, unit, ...extra }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!existsSync(resolve(ROOT, DIST, 'index.html'))) throw new Error(`no built app in ${DIST}: npm run build`);
  const archive = buildDemoBasemap();
  const file = join(tempDataDir(), 'city.pmtiles');
  writeFileSync(file, archive);
  const server = await startTestServer({ distDir: DIST, basemap: file });
  await seedHq(server, {
    region: 'ベンチ市',
    districts: [{ id: 'd1', name: '本町地区' }],
    shelters: [{ id: SHELTER, name: 'ベンチ小学校', capacity: 300, districtId: 'd1', lat: 32.507, lon: 130.603 }],
  });
  const info = (await (await fetch(`${server.url}/api/public/basemap.json`)).json()) as { averageTileBytes: number };
  emit('archive_bytes', archive.byteLength, 'bytes', { average_tile_bytes: info.averageTileBytes, zooms: '10-15', note: 'the demo region, generated' });

  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const token = await server.token({ role: 'staff', shelter: SHELTER });
  const mapUrl = `${server.url}/shelter/#/map`;
  await page.goto(`${server.url}/shelter/?token=${token}#/map`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.getByTestId('basemap-save').waitFor({ timeout: 30_000 });
  const stored = () =>
    page.evaluate(
      () =>
        new Promise<{ bytes: number; tiles: number }>((ok, fail) => {
          const open = indexedDB.open('hinanjo-maps');
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('areas').objectStore('areas').get('area');
            get.onsuccess = () => ok({ bytes: (get.result.archive as Blob).size, tiles: get.result.tiles as number });
            open.result.close();
          };
        }),
    );
  for (const zoom of [14, 15]) {
    await page.getByTestId('basemap-radius').selectOption('3');
    await page.getByTestId('basemap-detail').selectOption(String(zoom));
    const before = await page.getByTestId('basemap-saved').textContent();
    const t0 = performance.now();
    await page.getByTestId('basemap-save').click();
    await page.waitForFunction((b) => document.querySelector('[data-testid=basemap-saved]')?.textContent !== b, before, { timeout: 60_000 });
    const ms = performance.now() - t0;
    const s = await stored();
    emit('area_bytes_3km', s.bytes, 'bytes', { zooms: `10-${zoom}`, tiles: s.tiles, save_ms: Math.round(ms) });
  }

  await server.stop();
  const paints: number[] = [];
  await page.goto(mapUrl);
  for (let i = 0; i < 7; i++) {
    await page.reload();
    const handle = await page.waitForFunction(
      () => performance.getEntriesByName('hinanjo:basemap:first-tile:device')[0]?.startTime ?? null,
      null,
      { timeout: 30_000 },
    );
    paints.push((await handle.jsonValue()) as number);
  }
  emit('first_paint_offline', median(paints), 'ms', { runs: paints.length, max: Math.round(Math.max(...paints)), from: 'navigation start (service worker) to the first tile from IndexedDB' });
  await browser.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
