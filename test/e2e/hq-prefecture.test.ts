// A prefecture's 800 shelters on HQ's map: grouped into counted circles where they would overlap,
// each circle coloured by its worst shelter, and every shelter back on its own when HQ zooms in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { DIST, blockTiles, hqTab } from './hq-support';

const N = 800;

describe('HQ with a prefecture of shelters', () => {
  let browser: Browser;
  let server: TestServer;
  // 40 × 20 shelters about 1.5 km apart: a prefecture-sized grid
  const shelters = Array.from({ length: N }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    name: `県避難所${i + 1}`,
    lat: 32.0 + (i % 20) * 0.015,
    lon: 130.3 + Math.floor(i / 20) * 0.015,
    capacity: 100,
    districtId: `d${Math.floor(i / 80)}`,
  }));

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedHq(server, { region: '試験県', districts: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, name: `第${i + 1}地域` })), shelters });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const drawn = (page: import('playwright-core').Page) =>
    page.evaluate(() => {
      const singles = document.querySelectorAll('.hj-shelter-marker').length;
      const clusters = [...document.querySelectorAll('[data-cluster-size]')].map((e) => Number(e.getAttribute('data-cluster-size')));
      return { singles, clusters: clusters.length, inClusters: clusters.reduce((a, n) => a + n, 0) };
    });

  for (const wall of [false, true]) {
    it(`${wall ? 'the wall' : 'the desk map'} groups ${N} shelters at a prefecture-wide zoom, and none is lost`, async () => {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Tokyo' });
      await blockTiles(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/hq/?token=${await server.token({ role: 'hq' })}${wall ? '&wall' : ''}`);
      if (!wall) await hqTab(page, 'map');
      await expect.poll(async () => (await drawn(page)).clusters, { timeout: 20_000 }).toBeGreaterThan(0);
      const d = await drawn(page);
      if (process.env.HINANJO_SHOTS) await page.screenshot({ path: `${process.env.HINANJO_SHOTS}/prefecture-${wall ? 'wall' : 'desk'}.png` });
      expect(d.singles + d.inClusters).toBe(N);
      expect(d.singles + d.clusters).toBeLessThan(N / 2);
      if (wall) {
        // names are written only for shelters drawn alone
        const names = await page.locator('.hj-name-label[data-shelter-id]').count();
        expect(names).toBeLessThanOrEqual(d.singles);
        // and no written name (shelter or district) sits on a counted circle
        const overlaps = await page.evaluate(() => {
          const circles = [...document.querySelectorAll('[data-cluster-size] span')].map((e) => e.getBoundingClientRect());
          const labels = [...document.querySelectorAll('.hj-name-labels > *')].map((e) => e.getBoundingClientRect());
          const hit = (a: DOMRect, b: DOMRect) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          return labels.filter((l) => circles.some((c) => hit(l, c))).length;
        });
        expect(overlaps).toBe(0);
      } else {
        // a click on a circle zooms in: its shelters are drawn alone
        await page.locator('[data-cluster-size]').first().click();
        await expect.poll(async () => (await drawn(page)).singles, { timeout: 10_000 }).toBeGreaterThan(d.singles);
        const after = await drawn(page);
        expect(after.singles + after.inClusters).toBe(N);
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
