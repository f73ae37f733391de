// HQ offline: it starts from the service worker with the last overview it received (and says
// how old it is), and a level set while cut off reaches the server when the network returns.
import { describe, expect, it } from 'vitest';
import type { PublicStatus } from '../../domain/public-status';
import { checkIn, enrolTablet, startShelterServer, waitForServiceWorker, SHELTER_ID } from './shelter-support';
import { hqTab, openHq, rowHeadcount } from './hq-support';
import { useBrowserAndServer } from './support';

describe('HQ offline', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('starts with no network showing the last state and its time; a level set offline syncs later', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server);
    await checkIn(tablet.page, [{ name: '山田 太郎' }, { name: '山田 花子' }, { name: '山田 次郎' }]);

    const hq = await openHq(e2e.browser, e2e.server);
    const { page, context } = hq;
    await expect.poll(() => rowHeadcount(page, SHELTER_ID)).toBe(3);
    await waitForServiceWorker(page);
    // the overview cache is written at most every 2 s: wait until it holds what the screen shows
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('hinanjo:hq:overview') ?? ''), { timeout: 10_000 })
      .toContain('"shelter":3');

    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('feed-status').getAttribute('data-connection'), { timeout: 20_000 }).toBe('offline');
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await expect.poll(() => rowHeadcount(page, SHELTER_ID)).toBe(3);
    expect(await page.getByTestId('feed-status').getAttribute('data-connection')).not.toBe('live');
    expect(await page.getByTestId('feed-status').textContent()).toMatch(/最終受信 \d\d:\d\d:\d\d/);

    await hqTab(page, 'levels');
    const row = page.locator('[data-testid=levels-table] tr[data-district-id=kawabe]');
    await row.getByTestId('level-select').selectOption('3');
    await row.getByTestId('level-apply').click();
    await expect.poll(() => row.getByTestId('current-level').getAttribute('data-level')).toBe('3');
    await expect.poll(async () => Number(await page.getByTestId('sync-indicator').getAttribute('data-pending'))).toBeGreaterThan(0);

    await context.setOffline(false);
    const level = async () =>
      ((await (await fetch(`${e2e.server.url}/api/public/status.json`)).json()) as PublicStatus).districts.find((d) => d.id === 'kawabe')?.level;
    await expect.poll(level, { timeout: 20_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('feed-status').getAttribute('data-connection'), { timeout: 20_000 }).toBe('live');

    expect(hq.errors).toEqual([]);
    await hq.context.close();
    await tablet.context.close();
  });
});
