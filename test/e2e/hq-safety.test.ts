// The inquiry desk at HQ: a tablet checks in a family with their consent, and the desk answers a
// caller according to it (family told, an acquaintance not), logs each question, and downloads the
// log; the tab passes axe's checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enrolTablet, go, startShelterServer } from './shelter-support';
import { hqTab, openHq } from './hq-support';
import { useBrowserAndServer } from './support';
import { axeSerious } from './resident-support';
import { PFIF_XSD, schemaProblems } from '../helpers/cap-schema';

describe('HQ safety inquiries', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('answers a family caller, not an acquaintance, as the person consented, and logs both', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server);
    await go(tablet.page, '#/check-in');
    await tablet.page.fill('#p0-name', '照会 太郎');
    await tablet.page.fill('#p0-kana', 'しょうかい たろう');
    await tablet.page.fill('#p0-birthYear', '１９５２'); // full-width digits, as a Japanese IME types them
    expect(await tablet.page.inputValue('#p0-birthYear')).toBe('1952');
    await tablet.page.locator('#p0-consent [data-value=family]').click();
    await tablet.page.getByTestId('check-in-save').click();
    await expect.poll(() => tablet.page.inputValue('#p0-name'), { timeout: 10_000 }).toBe('');

    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'safety');
    await page.fill('[data-testid=safety-name]', 'しょうかいたろう');
    await page.getByTestId('safety-relation-family').check();
    await page.fill('[data-testid=safety-asked-by]', '照会 花子(妻)');
    await page.fill('[data-testid=safety-birth-year]', '1952');
    await expect
      .poll(
        async () => {
          await page.getByTestId('safety-ask').click();
          return page.getByTestId('safety-result').textContent();
        },
        { timeout: 15_000 },
      )
      .toContain('川辺小学校');
    expect(await page.getByTestId('safety-answer').textContent()).toContain('照会 太郎');
    expect(await axeSerious(page)).toEqual([]);

    await page.getByTestId('safety-relation-other').check();
    await page.getByTestId('safety-ask').click();
    await expect.poll(() => page.getByTestId('safety-result').textContent()).toContain('お答えできる情報はありません');

    const download = page.waitForEvent('download');
    await page.getByTestId('safety-audit').click();
    const csv = readFileSync((await (await download).path()) as string, 'utf8');
    expect(csv).toContain('照会 花子(妻)');
    expect(csv.match(/しょうかいたろう/g)?.length).toBeGreaterThanOrEqual(2);
    // The PFIF feed for aggregators: the record-id domain is set first, once
    await page.getByTestId('safety-pfif').click();
    await expect.poll(() => page.locator('.flash--error').textContent()).toContain('ドメインを設定');
    await page.getByTestId('pfif-domain').fill('localhost');
    await page.getByTestId('pfif-domain-save').click();
    await expect.poll(() => page.locator('#pfif-domain-hint').textContent()).toContain('ドメインの形');
    await page.getByTestId('pfif-domain').fill('city.example.jp');
    await page.getByTestId('pfif-domain-save').click();
    await expect.poll(() => page.getByTestId('pfif-domain-save').isDisabled()).toBe(true);
    // valid, and without this person (family only may be told)
    const pfifDownload = page.waitForEvent('download');
    await page.getByTestId('safety-pfif').click();
    const xml = readFileSync((await (await pfifDownload).path()) as string, 'utf8');
    expect(schemaProblems(xml, PFIF_XSD)).toBeNull();
    expect(xml).not.toContain('照会 太郎');
    expect(hq.errors).toEqual([]);
    await hq.context.close();
    await tablet.context.close();
  });
});
