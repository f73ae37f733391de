// A level change reaches an open resident page within seconds (the confirmation dialog at HQ
// promises 直ちに), not at the page's next poll: the server rings a doorbell (the ETags of
// status.json and the closures, and the changed levels, over Server-Sent Events); the page shows
// the level from the event at once and fetches status.json at a random moment within 20 s, so
// a city's open pages do not all ask in the same second.
import { describe, expect, it } from 'vitest';
import { openPage, phoneContext, setLevel, startSeededServer } from './resident-support';
import { useBrowserAndServer } from './support';

describe('resident page: level changes are pushed', () => {
  const e2e = useBrowserAndServer(startSeededServer);

  it('an open page shows a raised level within 3 s although it polls only every 10 minutes', async () => {
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'kawabe', switchLevel: 4 }, checkEveryMs: 600_000 });
    await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    const page = await openPage(context, e2e.server.url);
    await page.locator('.level-card').waitFor();
    await expect.poll(() => page.locator('.level-card').textContent()).toContain('レベル2');
    let fetches = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/public/status.json')) fetches++;
    });
    const t0 = Date.now();
    await setLevel(e2e.server, 'kawabe', 4);
    await expect.poll(() => page.locator('.level-card').textContent(), { timeout: 3_000, interval: 50 }).toContain('レベル4');
    const elapsed = Date.now() - t0;
    expect(elapsed, `shown after ${elapsed} ms`).toBeLessThan(3_000);
    expect(await page.getByTestId('evacuate-now').count()).toBe(1);
    // …and the whole status follows within the spread window, once.
    await expect.poll(() => fetches, { timeout: 25_000, interval: 200 }).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(500);
    expect(fetches).toBe(1);
    await expect.poll(() => page.locator('.level-card').textContent()).toContain('レベル4');
    await context.close();
  }, 60_000);

  it('a page whose change stream opens only after the change catches up from its first event', async () => {
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'yamate', switchLevel: 4 }, checkEveryMs: 600_000 });
    await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    // The stream is held back until the level has changed: the page's status.json is the old one.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    await context.route('**/api/public/changes', async (route) => {
      await released;
      await route.continue();
    });
    const page = await openPage(context, e2e.server.url);
    await expect.poll(() => page.locator('.level-card').textContent()).toContain('レベル1');
    await setLevel(e2e.server, 'yamate', 4);
    await new Promise((r) => setTimeout(r, 500)); // status.json follows within 150 ms
    release();
    await expect.poll(() => page.locator('.level-card').textContent(), { timeout: 5_000, interval: 100 }).toContain('レベル4');
    await setLevel(e2e.server, 'yamate', 1);
    await context.close();
  }, 60_000);
});
