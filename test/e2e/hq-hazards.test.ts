// HQ imports a hazard map as cities have it: a 国土数値情報-style GeoJSON with coded Japanese
// attributes, read in a worker (the page stays responsive), a mapping preview with the guesses,
// progress, the features left out with reasons in Japanese, the layer published for residents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { DIST, hqTab, openHq } from './hq-support';
import { axeSerious } from './resident-support';

const RANKS = ['0.5m未満', '0.5m以上3.0m未満', '3.0m以上5.0m未満', '5.0m以上10.0m未満'];

/** A flood file of `n` small polygons in a grid, each with an A31-style depth text, and three broken features. */
function floodFile(n: number): Buffer {
  const features: unknown[] = [];
  const side = Math.ceil(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    const lon = 130.55 + (i % side) * 0.0012;
    const lat = 32.45 + Math.floor(i / side) * 0.0012;
    const ring = [[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.0008], [lon + 0.0004, lat + 0.001], [lon, lat + 0.001], [lon, lat]];
    features.push({ type: 'Feature', properties: { A31_101: '球磨川', A31_201: RANKS[i % RANKS.length] }, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  features.push({ type: 'Feature', properties: { A31_101: '球磨川', A31_201: '不明' }, geometry: { type: 'Polygon', coordinates: [[[130.5, 32.4], [130.51, 32.4], [130.51, 32.41], [130.5, 32.4]]] } });
  features.push({ type: 'Feature', properties: { A31_101: '球磨川', A31_201: RANKS[1] }, geometry: null });
  features.push({ type: 'Feature', properties: { A31_101: '球磨川', A31_201: RANKS[1] }, geometry: { type: 'Point', coordinates: [130.5, 32.4] } });
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', name: 'A31-20_43_kumagawa', features }));
}

describe('HQ hazard maps', () => {
  let browser: Browser;
  let server: TestServer;
  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedHq(server, { region: '八代市', districts: [{ id: 'd1', name: '本町地区' }], shelters: [] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('imports 20,000 polygons with a mapping preview and progress, lists what it left out, and the page never freezes', async () => {
    const hq = await openHq(browser, server);
    const { page } = hq;
    await hqTab(page, 'hazards');
    await page.getByTestId('hazards-none').waitFor();
    // not GeoJSON: a clear message, nothing imported
    await page.getByTestId('hazard-file').setInputFiles({ name: 'x.geojson', mimeType: 'application/geo+json', buffer: Buffer.from('{"type":"Feature"}') });
    await expect.poll(() => page.getByTestId('hazard-message').textContent()).toContain('FeatureCollection ではありません');

    await page.evaluate(() => {
      (window as unknown as { longest: number }).longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) (window as unknown as { longest: number }).longest = Math.max((window as unknown as { longest: number }).longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    // From a file on disk, as a browser reads it (a buffer handed in by the test driver is decoded
    // on the page's main thread by the driver itself, which is not the app's work).
    const path = join(mkdtempSync(join(tmpdir(), 'hinanjo-hazard-')), 'A31-20_43_kumagawa.geojson');
    writeFileSync(path, floodFile(20_000));
    await page.getByTestId('hazard-file').setInputFiles(path);
    const preview = page.getByTestId('hazard-preview');
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.textContent()).toContain('20003 件の地物');
    expect(await page.getByTestId('hazard-kind').inputValue()).toBe('flood');
    expect(await page.getByTestId('hazard-property').inputValue()).toBe('A31_201');
    const values = page.getByTestId('hazard-values');
    expect(await values.textContent()).toContain('3.0m以上5.0m未満');
    expect(await values.locator('tr', { hasText: '3.0m以上5.0m未満' }).locator('select').inputValue()).toBe('2');
    expect(await values.locator('tr', { hasText: '不明' }).locator('select').inputValue()).toBe('');
    await page.getByTestId('hazard-name').fill('球磨川 洪水浸水想定区域（想定最大規模）');
    await page.getByTestId('hazard-apply').click();
    await expect.poll(() => page.getByTestId('hazard-message').textContent(), { timeout: 60_000 }).toContain('20000 区域を取り込みました');
    const skipped = await page.getByTestId('hazard-skipped').textContent();
    expect(skipped).toContain('取り込まなかった地物 3 件');
    expect(skipped).toContain('この値の意味が決められていません');
    expect(skipped).toContain('形(geometry)がありません');
    expect(skipped).toContain('面(Polygon / MultiPolygon)ではありません');
    // the page stayed responsive: no task on the main thread took long
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    expect(longest, `longest main-thread task ${longest} ms`).toBeLessThan(500);
    await expect.poll(() => page.getByTestId('hazards-table').locator('tr[data-layer]').count()).toBe(1);
    const list = (await (await fetch(`${server.url}/api/public/hazards.json`)).json()) as { layers: { kind: string; zones: number; gzipBytes: number }[] };
    expect(list.layers).toEqual([expect.objectContaining({ kind: 'flood', zones: 20_000 })]);
    expect(await axeSerious(page)).toEqual([]);
    await page.getByTestId('hazard-delete').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('hazards-none').waitFor();
    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
