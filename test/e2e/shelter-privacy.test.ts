// People's data on the tablet: the consent tier chosen at check-in reaches the server; a
// protected person (DV, stalking) is listed without a name, is not found by typing the name, is
// left out of the roster export (and the screen says so), and taking the protection off asks
// first, saying why it matters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPeople } from '../../domain/people';
import { useBrowserAndServer } from './support';
import { checkIn, enrolTablet, go, readOnServer, startShelterServer } from './shelter-support';

const e2e = useBrowserAndServer(startShelterServer);

describe('consent and protection on the tablet', () => {
  it('keeps a protected person’s name off lists, search and exports until the protection is knowingly removed', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server);
    await checkIn(page, [{ name: '公開 太郎', kana: 'こうかい たろう' }]);

    await go(page, '#/check-in');
    await page.fill('#p0-name', '秘匿 花子');
    await page.fill('#p0-kana', 'ひとく はなこ');
    await page.locator('#p0-consent [data-value=family]').click();
    await page.locator('#p0-protected').check();
    await page.getByTestId('check-in-save').click();
    await expect.poll(() => page.inputValue('#p0-name'), { timeout: 10_000 }).toBe('');

    await expect
      .poll(() => readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '秘匿 花子')), { timeout: 10_000 })
      .toMatchObject({ consent: 'family', protected: true });

    await go(page, '#/people');
    await page.getByTestId('people-list').waitFor();
    await expect.poll(() => page.locator('.person-row__name').allTextContents()).toEqual(['公開 太郎', '保護対象の方(氏名非表示)']);
    expect(await page.locator('[data-testid=people-list]').textContent()).not.toContain('ひとく');
    await page.fill('[data-testid=people-search]', 'ひとく');
    await expect.poll(() => page.locator('[data-testid=person-row]').count()).toBe(0);
    await page.fill('[data-testid=people-search]', '');

    await go(page, '#/export');
    await page.locator('[data-scope=everyone]').click();
    expect(await page.getByTestId('export-protected').textContent()).toContain('保護対象の 1 人');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv).toContain('公開 太郎');
    expect(csv).not.toContain('秘匿');

    // Someone at the desk checking in under the same name is not told she is already here.
    await checkIn(page, [{ name: '秘匿 花子', kana: 'ひとく はなこ' }]);
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);

    // On the person's own record staff see the name; unticking asks, and cancel keeps it.
    await go(page, '#/people');
    await page.locator('.person-row__name', { hasText: '保護対象の方' }).click();
    await expect.poll(() => page.inputValue('#edit-name')).toBe('秘匿 花子');
    await page.locator('#edit-protected').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain('命にかかわる');
    await page.getByTestId('confirm-cancel').click();
    expect(await page.locator('#edit-protected').isChecked()).toBe(true);
    await page.locator('#edit-protected').click();
    await page.getByTestId('confirm-ok').click();
    expect(await page.locator('#edit-protected').isChecked()).toBe(false);
    await page.getByTestId('edit-save').click();
    await expect
      .poll(() => readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '秘匿 花子')?.protected), { timeout: 10_000 })
      .toBe(false);
    await go(page, '#/people');
    await expect.poll(() => page.locator('.person-row__name').allTextContents()).toContain('秘匿 花子');
    expect(errors).toEqual([]);
    await context.close();
  });
});
