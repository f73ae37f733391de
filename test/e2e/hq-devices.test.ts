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

  it('HQ makes a tablet enrolment link shown as a QR code; the link enrols a tablet with its shelter box', async () => {
    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'devices');
    await page.getByTestId('enrol-issue').click();
    expect(await page.getByTestId('enrol-error').textContent()).toContain('避難所を選んでください');
    await page.getByTestId('enrol-shelter').selectOption('kawabe-school');
    await page.getByTestId('enrol-device').fill('体育館タブレット9');
    // a loopback port stands in for the shelter's LAN (nothing listens there: tests never leave the machine)
    await page.getByTestId('enrol-box').fill('ws://127.0.0.1:9');
    await page.getByTestId('enrol-issue').click();
    const qr = page.getByTestId('enrol-qr');
    await qr.waitFor();
    expect((await qr.boundingBox())!.width).toBeGreaterThan(100);
    expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    const link = (await page.getByTestId('enrol-link').textContent())!;
    expect(link).toMatch(/\/shelter\/\?token=.+&box=ws%3A%2F%2F127\.0\.0\.1%3A9$/);
    await expect.poll(() => page.locator('[data-testid=devices-table] tr', { hasText: '体育館タブレット9' }).count()).toBe(1);

    // the link as a tablet opens it: enrolled for the shelter, the box address kept
    const tablet = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tp = await tablet.newPage();
    await tp.goto(link);
    await expect.poll(() => tp.getByTestId('shelter-name').textContent(), { timeout: 20_000 }).toBe('川辺小学校');
    expect(await tp.evaluate(() => localStorage.getItem('hinanjo:shelter:box'))).toBe('ws://127.0.0.1:9');
    await tablet.close();
    await hq.context.close();
  });
});
