// The HQ desk at 1280×800 with stale shelters: the name column stays readable (it once wrapped
// one character a line beside the "last sync … ⚠ 未同期" column).
import { describe, expect, it } from 'vitest';
import { shelterDocName, shelterMeta } from '../../domain/schema';
import { blockTiles } from './hq-support';
import { startTestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';
import { DIST, useBrowserAndServer } from './support';
import { axeSerious } from './resident-support';

const NAMES = ['八代市立第一小学校体育館', '鏡町文化センター', '日奈久温泉地区公民館', '千丁町総合運動公園', '坂本町コミュニティセンター', '東陽町交流センター'];

describe('HQ desk layout', () => {
  // The server's clock runs three hours behind: every shelter's last sync is three hours old
  // when HQ looks, so every row is stale (the browser's clock is left alone).
  const e2e = useBrowserAndServer(async () => {
    const server = await startTestServer({ distDir: DIST, clock: () => new Date(Date.now() - 3 * 3600_000) });
    await seedHq(server, {
      region: 'テスト市',
      districts: [{ id: 'd1', name: '本町地区', level: 5, issuedAt: new Date().toISOString() }],
      shelters: NAMES.map((name, i) => ({ id: `s${i}`, name, capacity: 100, districtId: 'd1', lat: 32.5 + i * 0.01, lon: 130.6 })),
    });
    for (let i = 0; i < NAMES.length; i++) await writeDoc(server, shelterDocName(`s${i}`), (doc) => shelterMeta(doc).set('status', 'open'));
    return server;
  });

  it('at 1280×800 with every shelter stale, names keep at least 8 characters a line', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo' });
    await blockTiles(context);
    const page = await context.newPage();
    const token = await e2e.server.token({ role: 'hq' });
    await page.goto(`${e2e.server.url}/hq/?token=${token}`);
    const rows = page.locator('[data-testid=shelter-table] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(NAMES.length);
    await expect.poll(() => page.locator('[data-testid=shelter-table] tbody th').first().textContent(), { timeout: 15_000 }).not.toMatch(/^s\d$/);
    await expect.poll(() => page.locator('[data-testid=shelter-table] .hq-stale__flag').count(), { timeout: 15_000 }).toBe(NAMES.length);
    const fontSize = await page.locator('[data-testid=shelter-table] tbody th').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    for (const th of await page.locator('[data-testid=shelter-table] tbody th').all()) {
      const box = (await th.boundingBox())!;
      expect(box.width, `name cell of ${await th.textContent()}`).toBeGreaterThanOrEqual(8 * fontSize);
    }
    // the table fits the side panel: no horizontal scrollbar on the page
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // and stale rows pass axe (contrast of the tinted rows)
    expect(await axeSerious(page)).toEqual([]);
    // the wall too, with every shelter stale: readable, and with a main landmark
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${e2e.server.url}/hq/?wall`);
    await expect.poll(() => page.locator('[data-testid=shelter-table] .hq-stale__flag').count(), { timeout: 15_000 }).toBe(NAMES.length);
    expect(await page.locator('main').count()).toBe(1);
    // the wall writes the shelters' names on the map, none over another, a marker or a district label
    await expect.poll(() => page.locator('.hj-name-label').count(), { timeout: 10_000 }).toBe(NAMES.length);
    const rects = await page.evaluate(() =>
      [...document.querySelectorAll('.hj-name-label, .hj-district-label, path.hj-shelter-marker')].map((e) => {
        const r = e.getBoundingClientRect();
        return { kind: e.classList.contains('hj-name-label') ? 'name' : 'other', text: e.textContent ?? '', x: r.left, y: r.top, w: r.width, h: r.height };
      }),
    );
    const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
    const names = rects.filter((r) => r.kind === 'name');
    expect(names.map((n) => n.text).sort()).toEqual([...NAMES].sort());
    for (const [i, a] of names.entries()) {
      for (const b of rects) if (b !== a && overlap(a, b)) throw new Error(`the label ${a.text} covers ${b.kind} ${b.text}`);
      expect(i).toBeGreaterThanOrEqual(0);
    }
    if (process.env.HINANJO_SHOTS) await page.screenshot({ path: `${process.env.HINANJO_SHOTS}/wall-names.png` });
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });

  for (const [width, height] of [[1280, 800], [1440, 900], [1920, 1080]]) {
    it(`at ${width}×${height} with stale shelters and a level-5 district: the last-sync column and the legend are on screen`, async () => {
      const context = await e2e.browser.newContext({ viewport: { width, height }, timezoneId: 'Asia/Tokyo' });
      await blockTiles(context);
      const page = await context.newPage();
      await page.goto(`${e2e.server.url}/hq/?token=${await e2e.server.token({ role: 'hq' })}`);
      await expect.poll(() => page.locator('[data-testid=shelter-table] .hq-stale__flag').count(), { timeout: 15_000 }).toBe(NAMES.length);
      await expect.poll(() => page.locator('[data-testid=shelter-table] tbody th').first().textContent(), { timeout: 15_000 }).not.toMatch(/^s\d$/);
      await expect.poll(() => page.locator('.hj-district-label').count(), { timeout: 15_000 }).toBe(1);
      if (process.env.HINANJO_SHOTS) await page.screenshot({ path: `${process.env.HINANJO_SHOTS}/desk-${width}.png` });
      const side = (await page.locator('.hq-side').first().boundingBox())!;
      for (const cell of await page.locator('[data-testid=shelter-table] tbody td:last-child').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, 'last-sync cell inside the side panel').toBeLessThanOrEqual(side.x + side.width + 1);
      }
      const fontSize = await page.locator('[data-testid=shelter-table] tbody th').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      for (const th of await page.locator('[data-testid=shelter-table] tbody th').all()) {
        expect((await th.boundingBox())!.width).toBeGreaterThanOrEqual(8 * fontSize);
      }
      const legend = page.locator('.hq-legend').first();
      await legend.scrollIntoViewIfNeeded();
      expect(await legend.isVisible()).toBe(true);
      const lb = (await legend.boundingBox())!;
      expect(lb.y + lb.height, 'legend within the window').toBeLessThanOrEqual(height);
      await context.close();
    });
  }
});
