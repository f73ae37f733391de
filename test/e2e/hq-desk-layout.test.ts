// The HQ desk at 1280×800 with stale shelters: the name column stays readable (it once wrapped
// one character a line beside the "last sync … ⚠ 未同期" column).
import { describe, expect, it } from 'vitest';
import { shelterDocName, shelterMeta } from '../../domain/schema';
import { writeDoc } from '../helpers/seed';
import { blockTiles } from './hq-support';
import { startShelterServer } from './shelter-support';
import { useBrowserAndServer } from './support';
import { axeSerious } from './resident-support';

const NAMES = ['八代市立第一小学校体育館', '鏡町文化センター', '日奈久温泉地区公民館', '千丁町総合運動公園', '坂本町コミュニティセンター', '東陽町交流センター'];

describe('HQ desk layout', () => {
  const e2e = useBrowserAndServer(async () => {
    const server = await startShelterServer({
      districts: [{ id: 'd1', name: '本町地区' }],
      shelters: NAMES.map((name, i) => ({ id: `s${i}`, name, capacity: 100, districtId: 'd1', lat: 32.5 + i * 0.01, lon: 130.6 })),
    });
    for (let i = 0; i < NAMES.length; i++) await writeDoc(server, shelterDocName(`s${i}`), (doc) => shelterMeta(doc).set('status', 'open'));
    return server;
  });

  it('at 1280×800 with every shelter stale, names keep at least 8 characters a line', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo' });
    await blockTiles(context);
    const page = await context.newPage();
    // Three hours later: nothing has synced since, so every row is stale.
    await page.clock.install({ time: Date.now() + 3 * 3600_000 });
    const token = await e2e.server.token({ role: 'hq' });
    await page.goto(`${e2e.server.url}/hq/?token=${token}`);
    const rows = page.locator('[data-testid=shelter-table] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(NAMES.length);
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
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });
});
