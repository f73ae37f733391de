// Supply requests: every open one across shelters in one HQ list (from the overview stream);
// HQ acknowledges and marks delivered, and the tablet that asked sees the status change.
import { describe, expect, it } from 'vitest';
import { enrolTablet, go, startShelterServer } from './shelter-support';
import { hqTab, openHq } from './hq-support';
import { useBrowserAndServer } from './support';

describe('HQ supply requests', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('a request from a tablet shows at HQ; acknowledged and delivered at HQ, the tablet sees both', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server);
    await go(tablet.page, '#/requests');
    await tablet.page.locator('#request-item').selectOption('water');
    await tablet.page.fill('#request-qty', '120');
    await tablet.page.fill('#request-note', '2Lボトル');
    await tablet.page.getByTestId('request-create').click();
    const tabletBadge = tablet.page.locator('[data-testid=requests-table] .badge');
    await expect.poll(() => tabletBadge.getAttribute('class')).toContain('badge--open');

    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    // picking the shelter in the table opens its popup: people against capacity, requests, last sync
    await page.locator('[data-testid=shelter-table] .hq-row__name', { hasText: '川辺小学校' }).click();
    const popup = page.locator('.hq-popup');
    await expect.poll(() => popup.textContent()).toContain('避難所内 0 / 200人');
    expect(await popup.textContent()).toContain('飲料水 120 L (依頼中)');
    expect(await popup.textContent()).toContain('最終同期: たった今');

    await hqTab(page, 'requests');
    const row = page.locator('[data-testid=requests-table] tbody tr').first();
    await expect.poll(() => row.textContent(), { timeout: 5_000 }).toContain('川辺小学校');
    expect(await row.textContent()).toContain('飲料水');
    expect(await row.textContent()).toContain('120');
    expect(await row.textContent()).toContain('2Lボトル');

    await row.getByTestId('request-ack').click();
    await expect.poll(() => tabletBadge.getAttribute('class'), { timeout: 10_000 }).toContain('badge--acknowledged');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 5_000 }).toBe('acknowledged');

    await row.getByTestId('request-deliver').click();
    await expect.poll(() => tabletBadge.getAttribute('class'), { timeout: 10_000 }).toContain('badge--delivered');
    await expect.poll(() => page.getByTestId('requests-none').count(), { timeout: 5_000 }).toBe(1);

    expect(hq.errors).toEqual([]);
    expect(tablet.errors).toEqual([]);
    await hq.context.close();
    await tablet.context.close();
  });
});
