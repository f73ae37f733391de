// A lost tablet: HQ revokes it from the device list and the tablet is refused at once (and wipes
// itself: shelter-revoked.test.ts).
import { describe, expect, it } from 'vitest';
import { enrolTablet, startShelterServer } from './shelter-support';
import { hqTab, openHq } from './hq-support';
import { useBrowserAndServer } from './support';

describe('HQ device list', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('lists enrolled devices; a device revoked at HQ is refused at once and shown as revoked', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server, '体育館タブレット1');
    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'devices');
    const row = page.locator('[data-testid=devices-table] tr', { hasText: '体育館タブレット1' });
    await row.waitFor();
    expect(await row.textContent()).toContain('川辺小学校');
    expect(await row.getByTestId('device-state').textContent()).toBe('有効');
    // HQ's own device cannot be revoked from itself
    expect(await page.locator('[data-testid=devices-table] tr', { hasText: 'この端末' }).getByTestId('device-revoke').count()).toBe(0);

    await row.getByTestId('device-revoke').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => row.getByTestId('device-state').textContent(), { timeout: 5_000 }).toContain('無効');
    await tablet.page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]', { timeout: 10_000 });

    expect(hq.errors).toEqual([]);
    await hq.context.close();
    await tablet.context.close();
  });
});
