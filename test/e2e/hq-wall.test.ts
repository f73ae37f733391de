// The HQ wall: live from the overview stream, fast, and still there across a server restart.
import { describe, expect, it } from 'vitest';
import { startTestServer, tempDataDir } from '../helpers/server';
import { checkIn, enrolTablet, go, startShelterServer, waitForConnection, SHELTER_ID, SHELTER_NAME } from './shelter-support';
import { DIST, openHq, rowHeadcount } from './hq-support';
import { useBrowserAndServer } from './support';

describe('HQ wall', () => {
  const dataDir = tempDataDir();
  const e2e = useBrowserAndServer(() =>
    startShelterServer({
      dataDir,
      shelters: [
        { id: SHELTER_ID, name: SHELTER_NAME, capacity: 200, districtId: 'kawabe', lat: 32.5, lon: 130.6 },
        { id: 'yamate-hall', name: '山手公民館', capacity: 50, districtId: 'kawabe', lat: 32.52, lon: 130.62 },
      ],
    }),
  );

  it('a check-in on a tablet appears on the HQ wall within 2 s, and the wall survives a server restart', async () => {
    const wall = await openHq(e2e.browser, e2e.server, { wall: true });
    const { page } = wall;
    await expect.poll(() => rowHeadcount(page, SHELTER_ID)).toBe(0);
    // every registered shelter is on the map, even with no tiles, and the map says why it is plain
    await expect.poll(() => page.locator('.hj-shelter-marker').count()).toBe(2);
    await expect.poll(() => page.locator('.hj-map--no-tiles').count()).toBe(1);

    const tablet = await enrolTablet(e2e.browser, e2e.server);
    // The clock starts at the tap on "save", as a person at the wall would count.
    await go(tablet.page, '#/check-in');
    await tablet.page.fill('#p0-name', '山田 太郎');
    await tablet.page.locator('#p0-needs [data-need=wheelchair]').click();
    await tablet.page.getByTestId('add-person').click();
    await tablet.page.fill('#p1-name', '山田 花子');
    const t0 = Date.now();
    await tablet.page.getByTestId('check-in-save').click();
    await expect.poll(() => rowHeadcount(page, SHELTER_ID), { interval: 50, timeout: 5_000 }).toBe(2);
    const elapsed = Date.now() - t0;
    expect(elapsed, `the check-in reached the wall after ${elapsed} ms`).toBeLessThan(2_000);
    await expect.poll(() => page.getByTestId('total-needs').textContent()).toContain('1');

    // The server goes away: the wall says so and keeps showing what it last knew.
    const port = e2e.server.port;
    await e2e.server.stop();
    await expect.poll(() => page.getByTestId('feed-status').getAttribute('data-connection'), { timeout: 15_000 }).toBe('offline');
    expect(await rowHeadcount(page, SHELTER_ID)).toBe(2);

    // Same data, same port: the wall reconnects by itself and is live again.
    e2e.server = await startTestServer({ dataDir, distDir: DIST, port });
    await expect.poll(() => page.getByTestId('feed-status').getAttribute('data-connection'), { timeout: 20_000 }).toBe('live');
    await waitForConnection(tablet.page, 'connected');
    await checkIn(tablet.page, [{ name: '佐藤 一郎', stay: 'car' }]);
    await expect.poll(() => page.getByTestId('total-car').textContent(), { timeout: 5_000 }).toContain('1');
    expect(await rowHeadcount(page, SHELTER_ID)).toBe(2);

    expect(wall.errors).toEqual([]);
    expect(tablet.errors).toEqual([]);
    await wall.context.close();
    await tablet.context.close();
  });

  it('the wall scales to its screen: at 720p, 1080p and 4K the list, its page line and the legend are all on screen, with type in proportion', async () => {
    const wall = await openHq(e2e.browser, e2e.server, { wall: true });
    const { page } = wall;
    await expect.poll(() => rowHeadcount(page, SHELTER_ID)).not.toBeNull();
    const sizes: Record<number, number> = {};
    for (const [width, height] of [[1280, 720], [1920, 1080], [3840, 2160]] as const) {
      await page.setViewportSize({ width, height });
      await expect
        .poll(() =>
          page.evaluate(() => {
            const panel = document.querySelector('[data-testid=wall-panel]')!;
            const legend = panel.lastElementChild!.getBoundingClientRect();
            return legend.bottom <= innerHeight + 1 && panel.scrollHeight <= panel.clientHeight + 1;
          }),
        )
        .toBe(true);
      sizes[height] = await page.locator('[data-shelter-id] th').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      // the level chips and the clock stay in the header, not over the map
      const header = (await page.locator('.hq-wall-header').boundingBox())!;
      expect(header.height / height).toBeLessThan(0.12);
    }
    expect(sizes[2160] / sizes[1080]).toBeCloseTo(2, 1);
    expect(sizes[720] / sizes[1080]).toBeCloseTo(2 / 3, 1);
    expect(wall.errors).toEqual([]);
    await wall.context.close();
  });
});
