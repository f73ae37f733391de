// The support list at HQ's desk: a CSV uploaded after a preview, sealed (counts only) until it
// is opened with a reason, a check-in at a shelter turning a listed person green within seconds,
// a confirmation typed in, the door-to-door sheet printed by address, and the board and the wall
// showing counts and never a name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { shelterDocName } from '../../domain/schema';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';
import { DIST, hqTab, openHq } from './hq-support';
import { axeSerious } from './resident-support';

const CSV = [
  '\ufeff氏名,ふりがな,生年月日,性別,住所,電話,避難支援を要する事由,地区,避難支援等関係者,平常時提供同意',
  '名簿 花子,めいぼ はなこ,昭和15年5月5日,女,本町1-10,090-1111-2222,要介護3（車いす）,本町地区,民生委員 佐藤,有',
  '名簿 太郎,めいぼ たろう,1950/1/2,男,本町1-2,090-3333-4444,視覚障害,本町地区,,無',
  '港 三郎,みなと さぶろう,S5.5.5,男,港町5-5,,寝たきり,港町地区,,無',
  '生年 不明,せいねん ふめい,令和99年1月1日,男,港町1,,,港町地区,,無',
].join('\r\n');

describe('HQ support list and evacuation board', () => {
  let browser: Browser;
  let server: TestServer;
  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedHq(server, {
      region: '八代市',
      districts: [{ id: 'd1', name: '本町地区', level: 4, issuedAt: new Date().toISOString() }, { id: 'd2', name: '港町地区' }],
      shelters: [{ id: 's1', name: '本町小学校', districtId: 'd1', lat: 32.5, lon: 130.6 }, { id: 's2', name: '港町公民館', districtId: 'd2', lat: 32.51, lon: 130.58 }],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads with a preview, opens with a reason, turns a person green on a check-in, records a confirmation and prints the door-to-door sheet', async () => {
    const hq = await openHq(browser, server);
    const { page } = hq;
    await hqTab(page, 'support');
    await page.getByTestId('support-none').waitFor();
    const path = join(mkdtempSync(join(tmpdir(), 'hinanjo-support-')), '避難行動要支援者名簿.csv');
    writeFileSync(path, CSV);
    await page.getByTestId('support-file').setInputFiles(path);
    const preview = page.getByTestId('support-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('3 人(追加 3');
    expect(await page.getByTestId('support-bad-rows').textContent()).toContain('5 行目: 生年月日が読めません');
    await page.getByTestId('support-apply').click();
    await expect.poll(() => page.getByTestId('support-message').textContent()).toContain('3 人を取り込みました');
    // sealed: counts only
    expect(await page.getByTestId('support-seal').getAttribute('data-sealed')).toBe('true');
    expect(await page.locator('.hq-support').textContent()).not.toContain('名簿 花子');
    expect(await page.getByTestId('support-open').isDisabled()).toBe(true);
    await page.getByTestId('support-reason').fill('大雨特別警報');
    await page.getByTestId('support-open').click();
    await expect.poll(() => page.getByTestId('support-seal').getAttribute('data-sealed')).toBe('false');
    await page.getByTestId('support-filter').selectOption('');
    const row = (name: string) => page.locator('[data-testid=support-people] tr', { hasText: name });
    await expect.poll(() => row('名簿 花子').getAttribute('data-status')).toBe('unaccounted');

    // a check-in at the shelter (a tablet's write) turns her green within seconds
    const tablet = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName('s1'), token: await server.token({ role: 'staff', shelter: 's1' }) });
    await tablet.whenSynced();
    checkInHousehold(tablet.doc, [{ ...emptyPersonInput(), name: 'メイボ ハナコ', kana: 'めいぼ はなこ', birthYear: 1940 }], { now: new Date(), newId: () => `p-${Math.random()}` });
    await tablet.whenStored();
    await tablet.destroy();
    await expect.poll(() => row('名簿 花子').getAttribute('data-status'), { timeout: 10_000 }).toBe('in-shelter');
    expect(await row('名簿 花子').textContent()).toContain('本町小学校');

    // a phone call confirms 太郎
    await row('名簿 太郎').getByTestId('support-confirm').click();
    await row('名簿 太郎').getByTestId('support-confirm-where').fill('長女宅');
    await row('名簿 太郎').getByTestId('support-confirm-save').click();
    await expect.poll(() => row('名簿 太郎').getAttribute('data-status')).toBe('confirmed');

    // the door-to-door sheet of 港町: the unaccounted, by address
    await page.getByTestId('support-district').selectOption('d2');
    await page.getByTestId('support-print').click();
    await page.emulateMedia({ media: 'print' });
    const sheet = page.getByTestId('support-print-sheet');
    await sheet.waitFor();
    expect(await page.getByTestId('support-people').isVisible()).toBe(false); // only the sheet is printed
    expect(await sheet.textContent()).toContain('港町5-5');
    expect(await sheet.textContent()).toContain('寝たきり');
    expect(await sheet.textContent()).not.toContain('名簿 花子');
    await page.emulateMedia({ media: 'screen' });
    expect(await axeSerious(page)).toEqual([]);

    // the board and the wall: counts, never a name
    await page.evaluate(() => (location.hash = '#/board'));
    const board = page.getByTestId('board');
    await board.waitFor();
    await expect.poll(() => board.locator('tr[data-district=d1] [data-testid=board-support]').textContent(), { timeout: 15_000 }).toContain('2 人確認・0 人未確認 / 2 人');
    expect(await board.textContent()).not.toContain('名簿');
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const token = await server.token({ role: 'hq' });
    await wall.goto(`${server.url}/hq/?wall&board&token=${token}`);
    await wall.getByTestId('wall-board').waitFor();
    await expect.poll(() => wall.locator('tr[data-district=d2] [data-testid=board-support]').textContent(), { timeout: 15_000 }).toContain('0 人確認・1 人未確認');
    expect(await wall.getByTestId('wall-board').textContent()).not.toContain('名簿');
    await wall.close();
    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
