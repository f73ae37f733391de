// The tablet keeps the map around its shelter: it sees the size first, saves the area from the
// server's basemap, and when the server is gone and the page is reloaded from the service worker
// the map draws its background from the archive in IndexedDB (read counts on the map, no request
// for the server's archive, and real pixels: land, water and roads, not a blank background). A
// device without room is told why nothing was saved.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildDemoBasemap } from '../../sync-server/features/basemap/demo-basemap';
import { startTestServer, tempDataDir } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { DIST, useBrowserAndServer } from './support';
import { SHELTER_ID, SHELTER_NAME, enrolTablet, go, waitForServiceWorker } from './shelter-support';

const e2e = useBrowserAndServer(async () => {
  const file = join(tempDataDir(), 'city.pmtiles');
  writeFileSync(file, buildDemoBasemap());
  const server = await startTestServer({ distDir: DIST, basemap: file });
  // 本町地区 of the demo basemap
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'honmachi', name: '本町地区' }],
    shelters: [{ id: SHELTER_ID, name: SHELTER_NAME, capacity: 200, districtId: 'honmachi', lat: 32.507, lon: 130.603 }],
  });
  return server;
});

const map = (page: Page) => page.locator('.shelter-map .hj-map');

/** Distinct colours drawn on the map's basemap tiles (canvas pixels, sampled). */
function tileColours(page: Page): Promise<number> {
  return page.evaluate(() => {
    const colours = new Set<string>();
    for (const c of document.querySelectorAll<HTMLCanvasElement>('.shelter-map canvas.leaflet-tile')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0) continue;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      for (let i = 0; i < data.length; i += 4 * 97) colours.add(`${data[i] >> 3},${data[i + 1] >> 3},${data[i + 2] >> 3},${data[i + 3] >> 6}`);
    }
    return colours.size;
  });
}

describe('the tablet’s offline map', () => {
  it('saves the area around the shelter, and draws it from local storage with the server gone', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server);
    await waitForServiceWorker(page);
    await go(page, '#/map');
    await expect.poll(() => map(page).getAttribute('data-basemap'), { timeout: 15_000 }).toBe('server');
    expect(await page.locator('.hj-map__source').textContent()).toBe('背景地図: 市のサーバー');
    await expect.poll(() => page.getByTestId('basemap-saved').textContent()).toBe('まだ保存していません。');
    // what is kept shows above the fold of the side column, without a scroll
    const state = (await page.getByTestId('basemap-saved').boundingBox())!;
    expect(state.y + state.height).toBeLessThan(page.viewportSize()!.height);

    await page.getByTestId('offline-map').locator('summary').click();
    await page.getByTestId('basemap-radius').selectOption('3');
    await page.getByTestId('basemap-detail').selectOption('15');
    await expect.poll(() => page.getByTestId('basemap-estimate').textContent()).toMatch(/^約 \d+ KB\(\d+ タイル\)/);
    // the estimate is read from the archive's directory, and it is what the save then takes
    await expect.poll(() => page.getByTestId('basemap-estimate').getAttribute('data-measured')).toBe('true');
    const estimated = Number(await page.getByTestId('basemap-estimate').getAttribute('data-bytes'));
    await page.getByTestId('basemap-save').click();
    await expect.poll(() => page.getByTestId('basemap-saved').textContent(), { timeout: 30_000 }).toMatch(/保存済み: 半径 3km・ズーム 10–15・\d+ KB/);
    const savedKb = Number(/・(\d+) KB/.exec((await page.getByTestId('basemap-saved').textContent()) ?? '')![1]);
    expect(Math.abs(estimated / 1024 - savedKb) / savedKb, `estimated ${estimated} B, saved ${savedKb} KB`).toBeLessThan(0.25);

    await e2e.server.stop();
    const archiveRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/basemap/')) archiveRequests.push(r.url());
    });
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await go(page, '#/map');
    await expect.poll(() => map(page).getAttribute('data-basemap'), { timeout: 15_000 }).toBe('device');
    expect(await page.locator('.hj-map__source').textContent()).toBe('背景地図: この端末に保存した地図');
    await expect.poll(async () => Number(await map(page).getAttribute('data-basemap-reads')), { timeout: 15_000 }).toBeGreaterThan(1);
    // Land, water, roads and labels: many colours, where a blank background has one or two.
    await expect.poll(() => tileColours(page), { timeout: 15_000 }).toBeGreaterThan(5);
    expect(archiveRequests).toEqual([]);
    await page.screenshot({ path: join(tempDataDir('hinanjo-shot-'), 'offline-map.png') });

    // folded again after the reload, yet what is kept reads without opening it
    expect(await page.getByTestId('basemap-saved').textContent()).toMatch(/保存済み: 半径 3km/);
    await page.getByTestId('offline-map').locator('summary').click();
    await page.getByTestId('basemap-delete').click();
    await expect.poll(() => page.getByTestId('basemap-saved').textContent()).toBe('まだ保存していません。');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a device without room', () => {
  const full = useBrowserAndServer(async () => {
    const file = join(tempDataDir(), 'city.pmtiles');
    writeFileSync(file, buildDemoBasemap());
    const server = await startTestServer({ distDir: DIST, basemap: file });
    await seedHq(server, { region: 'テスト市', districts: [{ id: 'honmachi', name: '本町地区' }], shelters: [{ id: SHELTER_ID, name: SHELTER_NAME, capacity: 200, districtId: 'honmachi' }] });
    return server;
  });

  it('is told that the space ran out, and keeps nothing', async () => {
    const { context, page, errors } = await enrolTablet(full.browser, full.server);
    // The browser reports 10 kB left for this site.
    await page.addInitScript(() => {
      Object.defineProperty(navigator.storage, 'estimate', { value: async () => ({ quota: 10_000_000, usage: 9_990_000 }) });
    });
    await page.reload();
    await go(page, '#/map');
    await page.getByTestId('offline-map').locator('summary').click();
    await expect.poll(() => page.getByTestId('basemap-estimate').textContent()).toContain('端末の空き: 約 10 KB');
    await page.getByTestId('basemap-save').click();
    await expect.poll(() => page.getByTestId('basemap-message').textContent()).toContain('端末の空き容量が足りません');
    expect(await page.getByTestId('basemap-saved').textContent()).toBe('まだ保存していません。');
    expect(errors).toEqual([]);
    await context.close();
  });
});
