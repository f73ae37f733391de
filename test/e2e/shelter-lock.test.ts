// The tablet's PIN lock: staff set a PIN and an idle time; the tablet locks after that idle time
// or at once, stays locked across a reload, hides everything behind the lock screen, keeps
// syncing while locked, refuses a wrong PIN and makes the sixth try wait.
import { describe, expect, it } from 'vitest';
import { readPeople } from '../../domain/people';
import { useBrowserAndServer } from './support';
import { checkIn, enrolTablet, go, readOnServer, startShelterServer } from './shelter-support';

const e2e = useBrowserAndServer(startShelterServer);

async function setPin(page: import('playwright-core').Page, pin: string, repeat = pin) {
  await go(page, '#/');
  await page.getByTestId('pin-settings').locator('summary').click();
  await page.fill('[data-testid=pin-new]', pin);
  await page.fill('[data-testid=pin-repeat]', repeat);
  await page.getByTestId('pin-set').click();
}

describe('the PIN lock', () => {
  it('locks on demand and across a reload, hides the app, keeps syncing, and wants the right PIN', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server);
    await checkIn(page, [{ name: '鍵 一郎', kana: 'かぎ いちろう' }]);

    await setPin(page, '12a4');
    await expect.poll(() => page.getByTestId('pin-message').textContent()).toContain('数字 4〜8 桁');
    await page.fill('[data-testid=pin-new]', '2468');
    await page.fill('[data-testid=pin-repeat]', '2469');
    await page.getByTestId('pin-set').click();
    await expect.poll(() => page.getByTestId('pin-message').textContent()).toContain('一致しません');
    await page.fill('[data-testid=pin-new]', '2468');
    await page.fill('[data-testid=pin-repeat]', '2468');
    await page.selectOption('[data-testid=pin-idle]', '5');
    await page.getByTestId('pin-set').click();
    await expect.poll(() => page.getByTestId('pin-status').textContent()).toBe('5 分操作がないとロックします。');
    // the PIN itself is nowhere in the page's storage
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('2468');

    await page.getByTestId('pin-lock-now').click();
    await page.getByTestId('pin-lock').waitFor();
    await expect.poll(() => page.getByTestId('shelter-name').isVisible()).toBe(false);
    await page.reload();
    await page.getByTestId('pin-lock').waitFor();
    expect(await page.getByTestId('shelter-name').isVisible()).toBe(false);

    // A change made by another tablet arrives while this one is locked.
    const other = await enrolTablet(e2e.browser, e2e.server, 'tablet-2');
    await checkIn(other.page, [{ name: '鍵 次郎', kana: 'かぎ じろう' }]);
    await expect.poll(() => readOnServer(e2e.server, (doc) => readPeople(doc).length)).toBe(2);

    await page.fill('[data-testid=pin-lock-pin]', '1111');
    await page.getByTestId('pin-lock-unlock').click();
    await expect.poll(() => page.getByTestId('pin-lock-error').textContent()).toBe('PIN が違います。');
    await page.fill('[data-testid=pin-lock-pin]', '2468');
    await page.getByTestId('pin-lock-unlock').click();
    await expect.poll(() => page.getByTestId('pin-lock').count()).toBe(0);
    await go(page, '#/people');
    await expect.poll(() => page.locator('.person-row__name').allTextContents()).toEqual(expect.arrayContaining(['鍵 一郎', '鍵 次郎']));

    // Five wrong PINs make the next try wait, and a reload does not reset that.
    await go(page, '#/');
    await page.getByTestId('pin-lock-now').click();
    for (let i = 0; i < 5; i++) {
      await page.fill('[data-testid=pin-lock-pin]', '0000');
      await page.getByTestId('pin-lock-unlock').click();
      await expect.poll(() => page.getByTestId('pin-lock-pin').inputValue()).toBe('');
    }
    await expect.poll(() => page.getByTestId('pin-lock-error').textContent()).toMatch(/\d+ 秒待って/);
    expect(await page.getByTestId('pin-lock-unlock').isDisabled()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('pin-lock-error').textContent()).toMatch(/\d+ 秒待って/);
    expect(await page.getByTestId('pin-lock-unlock').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await other.context.close();
    await context.close();
  });

  it('locks by itself after the idle time', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'tablet-idle');
    await page.clock.install();
    await setPin(page, '8642');
    await expect.poll(() => page.getByTestId('pin-status').textContent()).toContain('10 分');
    await page.selectOption('[data-testid=pin-idle]', '5');
    await expect.poll(() => page.getByTestId('pin-status').textContent()).toContain('5 分');
    await page.clock.runFor(4 * 60_000);
    expect(await page.getByTestId('pin-lock').count()).toBe(0);
    await page.clock.runFor(70_000);
    await page.getByTestId('pin-lock').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
