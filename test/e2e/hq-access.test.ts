// HQ for everyone at a desk: WCAG checks with axe-core on every tab and on the wall, in Japanese
// and in English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { axeSerious } from './resident-support';
import { seedCity } from './hq-scenario';
import { DIST, openHq } from './hq-support';

describe('HQ accessibility', () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedCity(server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of ['ja', 'en'] as const) {
    it(`has no serious or critical axe-core violations on any tab or the wall (${lang})`, async () => {
      const hq = await openHq(browser, server, { lang });
      const { page } = hq;
      await page.locator('[data-testid=shelter-table] tbody tr').first().waitFor();
      for (const tab of ['map', 'levels', 'closures', 'registry', 'requests', 'devices']) {
        await page.evaluate((t) => (location.hash = `#/${t}`), tab);
        await page.waitForTimeout(300);
        expect(await axeSerious(page), tab).toEqual([]);
      }
      await page.goto(`${server.url}/hq/?wall`);
      await page.locator('[data-testid=shelter-table] tbody tr').first().waitFor();
      expect(await axeSerious(page), 'wall').toEqual([]);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(hq.errors).toEqual([]);
      await hq.context.close();
    });
  }

  it('without an HQ token /hq/ says why and how to get one; a staff token does not open HQ', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/hq/`);
    await expect.poll(() => page.getByTestId('hq-not-enrolled').getAttribute('data-reason')).toBe('missing');
    expect(await page.getByTestId('hq-not-enrolled').textContent()).toContain('npm run token -- --role hq');
    const staff = await server.token({ role: 'staff', shelter: 'dai1-sho' });
    await page.goto(`${server.url}/hq/?token=${staff}`);
    await expect.poll(() => page.getByTestId('hq-not-enrolled').getAttribute('data-reason')).toBe('wrong-role');
    expect(page.url()).not.toContain('token=');
    expect(await axeSerious(page)).toEqual([]);
    await context.close();
  });
});
