// A tablet that syncs with a shelter box and with the city at once (loopback ports stand in for
// the shelter's LAN). The sync indicator walks through the three tiers as the city and then the
// box go away and come back: saved at the city → saved in the shelter box → saved on this tablet
// only → in the box again → at the city again, with nothing lost on the way.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readPeople } from '../../domain/people';
import { startTestServer } from '../helpers/server';
import { startTestBox, type TestBox } from '../helpers/box';
import { SHELTER_ID, SHELTER_NAME, TABLET, checkIn, readOnServer, startShelterServer } from './shelter-support';
import { DIST, useBrowserAndServer } from './support';
import { openHq } from './hq-support';

const indicator = (page: Page) => page.getByTestId('sync-indicator');
const attr = (page: Page, name: string) => indicator(page).getAttribute(name);

describe('shelter box on the tablet', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('the indicator tells the tablet, the box and the city apart as each goes away and comes back', { timeout: 120_000 }, async () => {
    const city = { port: e2e.server.port, dataDir: e2e.server.dataDir };
    let box: TestBox = await startTestBox({ upstream: e2e.server.url, token: await e2e.server.token({ role: 'box', shelter: SHELTER_ID }) });
    const boxAddress = `ws://127.0.0.1:${box.port}`;
    try {
      const context = await e2e.browser.newContext({ viewport: TABLET });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, device: 'box tablet' });
      await page.goto(`${e2e.server.url}/shelter/?token=${token}&box=${encodeURIComponent(boxAddress)}`);
      await expect.poll(() => page.getByTestId('shelter-name').textContent(), { timeout: 20_000 }).toBe(SHELTER_NAME);
      expect(page.url()).not.toContain('box=');
      await expect.poll(() => attr(page, 'data-box-connection'), { timeout: 15_000 }).toBe('connected');
      await expect.poll(() => attr(page, 'data-connection'), { timeout: 15_000 }).toBe('connected');

      // 1. both reachable: saved at the city
      await checkIn(page, [{ name: '一番 さん', kana: 'イチバン' }]);
      await expect.poll(() => attr(page, 'data-tier'), { timeout: 15_000 }).toBe('city');
      expect(await indicator(page).textContent()).toContain('すべて市のサーバーに保存済み');

      // 2. the city goes away: the next check-in is saved in the shelter box
      await e2e.server.stop();
      await expect.poll(() => attr(page, 'data-connection'), { timeout: 20_000 }).not.toBe('connected');
      await checkIn(page, [{ name: '二番 さん', kana: 'ニバン' }]);
      await expect.poll(() => attr(page, 'data-tier'), { timeout: 15_000 }).toBe('box');
      expect(await attr(page, 'data-pending')).toBe('1');
      expect(await attr(page, 'data-pending-local')).toBe('0');
      expect(await page.getByTestId('tier-box').textContent()).toContain('避難所ボックスに保存 1 件');
      if (process.env.HINANJO_SHOTS) await page.screenshot({ path: `${process.env.HINANJO_SHOTS}/tier-box.png`, clip: { x: 0, y: 0, width: 1280, height: 160 } });

      // 3. the box goes away too: the next one is only on this tablet
      await box.stop();
      await expect.poll(() => attr(page, 'data-box-connection'), { timeout: 20_000 }).not.toBe('connected');
      await checkIn(page, [{ name: '三番 さん', kana: 'サンバン' }]);
      await expect.poll(() => attr(page, 'data-tier')).toBe('device');
      expect(await attr(page, 'data-pending-local')).toBe('1');
      expect(await page.getByTestId('tier-device').textContent()).toContain('この端末にのみ保存 1 件');
      if (process.env.HINANJO_SHOTS) await page.screenshot({ path: `${process.env.HINANJO_SHOTS}/tier-device.png`, clip: { x: 0, y: 0, width: 1280, height: 160 } });

      // 4. the box comes back (the city still away): everything is in the box again
      box = await startTestBox({ upstream: e2e.server.url, token: box.token, dataDir: box.dataDir, port: box.port });
      await expect.poll(() => attr(page, 'data-box-connection'), { timeout: 20_000 }).toBe('connected');
      await expect.poll(() => attr(page, 'data-tier'), { timeout: 15_000 }).toBe('box');
      expect(await attr(page, 'data-pending')).toBe('2');

      // 5. the city comes back: everything is saved at the city, and the city has all three
      e2e.server = await startTestServer({ dataDir: city.dataDir, port: city.port, distDir: DIST });
      await expect.poll(() => attr(page, 'data-tier'), { timeout: 30_000 }).toBe('city');
      expect(await attr(page, 'data-pending')).toBe('0');
      const names = await readOnServer(e2e.server, (doc) => readPeople(doc).map((p) => p.name).sort());
      expect(names).toEqual(['一番 さん', '三番 さん', '二番 さん']);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await box.stop().catch(() => undefined);
    }
  });

  it('staff enter the box address once; a wrong one is refused with the reason', async () => {
    const context = await e2e.browser.newContext({ viewport: TABLET });
    const page = await context.newPage();
    const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, device: 'settings tablet' });
    await page.goto(`${e2e.server.url}/shelter/?token=${token}`);
    await page.getByTestId('box-settings').locator('summary').click();
    await page.getByTestId('box-address').fill('http://box.example:8443');
    await page.getByTestId('box-save').click();
    expect(await page.getByTestId('box-error').textContent()).toContain('wss://');
    // a box for another shelter
    const other = await startTestBox({ upstream: e2e.server.url, token: await e2e.server.token({ role: 'box', shelter: 'yamate-school' }) });
    try {
      await page.getByTestId('box-address').fill(`ws://127.0.0.1:${other.port}`);
      await page.getByTestId('box-save').click();
      await expect.poll(() => page.getByTestId('box-error').textContent()).toContain('別の避難所');
      // the right box is kept, and the tablet syncs with it after the reload
      const ours = await startTestBox({ upstream: e2e.server.url, token: await e2e.server.token({ role: 'box', shelter: SHELTER_ID }) });
      try {
        await page.getByTestId('box-address').fill(`ws://127.0.0.1:${ours.port}`);
        await page.getByTestId('box-save').click();
        await expect.poll(() => attr(page, 'data-box-connection'), { timeout: 20_000 }).toBe('connected');
      } finally {
        await ours.stop();
      }
    } finally {
      await other.stop();
    }
    await context.close();
  });

  it('HQ’s shelter table says the shelter is reached through a box', async () => {
    const box = await startTestBox({ upstream: e2e.server.url, token: await e2e.server.token({ role: 'box', shelter: SHELTER_ID }) });
    try {
      const hq = await openHq(e2e.browser, e2e.server, { device: 'hq links' });
      const note = hq.page.locator(`[data-testid=shelter-table] tr[data-shelter-id="${SHELTER_ID}"] [data-testid=row-link]`);
      await expect.poll(() => note.getAttribute('data-via'), { timeout: 30_000 }).toBe('box');
      expect(await note.textContent()).toContain('ボックス経由');
      await hq.context.close();
    } finally {
      await box.stop();
    }
  });
});
