// What staff see when something is wrong: bad input is marked next to its field, nothing is
// saved and nothing typed is lost; a device without a usable token gets a page that says why;
// a revoked device is told so. And the roster export that Excel opens in Japanese.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  SHELTER_ID, TABLET, checkIn, enrolTablet, go, onHand, pendingChanges, recordStock, startShelterServer, syncIndicator,
  waitForConnection,
} from './shelter-support';
import { useBrowserAndServer } from './support';
import { injectAxe } from './resident-support';

const e2e = useBrowserAndServer(startShelterServer);

/** How many people the document holds, present or not (read from the page's own store). */
async function peopleInDoc(page: import('playwright-core').Page): Promise<number> {
  await go(page, '#/people');
  await page.locator('[data-presence=all]').click();
  return Number(await page.getByTestId('people-count').getAttribute('data-total'));
}

describe('bad input', () => {
  it('an empty name or kana with latin letters is marked at the field, saves nothing and keeps what was typed', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'forms');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    const before = await peopleInDoc(page);

    await go(page, '#/check-in');
    await page.fill('#p0-kana', 'やまだ たろう');
    await page.locator('#p0-needs [data-need=wheelchair]').click();
    await page.getByTestId('check-in-save').click();
    await expect.poll(() => page.getByTestId('p0-name-error').textContent()).toBe('入力してください');
    expect(await page.inputValue('#p0-kana')).toBe('やまだ たろう');
    expect(await page.locator('#p0-needs [data-need=wheelchair]').getAttribute('aria-pressed')).toBe('true');

    await page.fill('#p0-name', '山田 太郎');
    await page.fill('#p0-kana', 'yamada taro');
    await page.getByTestId('check-in-save').click();
    await expect.poll(() => page.getByTestId('p0-kana-error').isVisible()).toBe(true);
    expect(await page.getByTestId('p0-kana-error').textContent()).toContain('ひらがな・カタカナ');
    expect(await page.getByTestId('p0-name-error').count()).toBe(0);
    expect(await page.inputValue('#p0-name')).toBe('山田 太郎');
    expect(await page.inputValue('#p0-kana')).toBe('yamada taro');

    expect(await pendingChanges(page)).toBe(0);
    expect(await peopleInDoc(page)).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the action is chosen anew for each item and the entry reads with its sign; water typed in 2 L bottles is stored in litres', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'forms-supplies');
    await recordStock(page, 'blanket', 'received', '30');
    const blankets = await onHand(page, 'blanket');
    const food = await onHand(page, 'food');
    // 配布 of 毛布, then 食料 is tapped: nothing is selected for it
    await page.locator('tr[data-item=blanket]').click();
    await page.locator('[data-action=distributed]').click();
    await page.fill('#ledger-qty', '2');
    await expect.poll(() => page.getByTestId('ledger-preview').textContent()).toContain('−2');
    expect(await page.getByTestId('ledger-record').textContent()).toContain('配布');
    await page.getByTestId('ledger-record').click();
    await page.getByTestId('ledger-flash').waitFor();
    await page.locator('tr[data-item=food]').click();
    expect(await page.locator('[data-action][aria-checked=true]').count()).toBe(0);
    expect(await page.inputValue('#ledger-qty')).toBe('');
    await page.fill('#ledger-qty', '40');
    await page.getByTestId('ledger-record').click();
    await expect.poll(() => page.getByTestId('ledger-qty-error').textContent()).toContain('選んでください');
    expect(await onHand(page, 'food')).toBe(food);
    expect(await onHand(page, 'blanket')).toBe(blankets - 2);

    // 水 2L × 120本: typed as 120 bottles, stored as 240 L
    const water = await onHand(page, 'water');
    await page.locator('tr[data-item=water]').click();
    await page.locator('[data-action=received]').click();
    await page.getByTestId('ledger-pack').selectOption({ label: '本 (2 L)' });
    await page.fill('#ledger-qty', '120');
    await expect.poll(() => page.getByTestId('ledger-preview').textContent()).toContain('+240 L');
    expect(await page.getByTestId('ledger-preview').textContent()).toContain('120 本 × 2 L');
    await page.getByTestId('ledger-record').click();
    await expect.poll(() => page.getByTestId('ledger-flash').textContent()).toContain('+240 L');
    expect(await onHand(page, 'water')).toBe(water + 240);

    // an item of the shelter's own, with a pack: 紙皿 in 箱 of 100
    await page.locator('.add-item summary').click();
    await page.fill('#item-name', '紙皿');
    await page.fill('#item-unit', '枚');
    await page.fill('#item-pack-unit', '箱');
    await page.fill('#item-pack-size', 'たくさん');
    await page.getByTestId('add-item-save').click();
    await expect.poll(() => page.getByTestId('item-pack-unit-error').textContent()).toContain('1 以上の整数');
    await page.fill('#item-pack-size', '100');
    await page.getByTestId('add-item-save').click();
    await expect.poll(() => page.getByTestId('ledger-item').textContent()).toBe('紙皿');
    await page.locator('[data-action=received]').click();
    await page.getByTestId('ledger-pack').selectOption({ index: 1 });
    await page.fill('#ledger-qty', '3');
    await expect.poll(() => page.getByTestId('ledger-preview').textContent()).toContain('+300 枚');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a quantity that is not a number is marked at the field and records nothing', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'forms-2');
    const water = await onHand(page, 'water');
    await page.locator('tr[data-item=water]').click();
    await page.locator('[data-action=received]').click();
    await page.fill('#ledger-qty', '十本');
    await page.getByTestId('ledger-record').click();
    await expect.poll(() => page.getByTestId('ledger-qty-error').textContent()).toBe('数字で入力してください');
    expect(await page.inputValue('#ledger-qty')).toBe('十本');
    expect(await onHand(page, 'water')).toBe(water);

    await go(page, '#/requests');
    await page.fill('#request-qty', 'abc');
    await page.fill('#request-note', '至急');
    await page.getByTestId('request-create').click();
    await expect.poll(() => page.getByTestId('request-qty-error').textContent()).toBe('数字で入力してください');
    expect(await page.inputValue('#request-note')).toBe('至急');
    expect(await page.getByTestId('requests-table').count()).toBe(0);
    expect(await pendingChanges(page)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a device that cannot store', () => {
  it('never says saved when IndexedDB refuses a write, says so, and stores it with the next write', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'full-disk');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    // Fault injection: the browser's storage refuses writes, as it does when the disk is full.
    await page.evaluate(() => {
      const w = window as unknown as { realAdd?: typeof IDBObjectStore.prototype.add };
      w.realAdd = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function () {
        throw new DOMException('the disk is full', 'QuotaExceededError');
      };
    });
    await go(page, '#/check-in');
    await page.fill('#p0-name', '池田 葵');
    await page.getByTestId('check-in-save').click();
    await expect.poll(() => page.getByTestId('check-in-message').textContent()).toContain('この端末に保存できませんでした');
    expect(await page.getByTestId('check-in-message').getAttribute('role')).toBe('alert');
    await page.getByTestId('store-failed').waitFor();
    expect(await page.inputValue('#p0-name')).toBe('池田 葵');

    await page.evaluate(() => {
      const w = window as unknown as { realAdd: typeof IDBObjectStore.prototype.add };
      IDBObjectStore.prototype.add = w.realAdd;
    });
    await page.getByTestId('check-in-save').click();
    await page.getByTestId('confirm-ok').click(); // the first attempt is in memory: a likely duplicate
    await expect.poll(() => page.getByTestId('check-in-message').getAttribute('role')).toBe('status');
    await expect.poll(() => page.getByTestId('store-failed').count()).toBe(0);

    // The change that could not be stored was written with the next one: after a reload both are there.
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    await page.reload();
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', '池田');
    await expect.poll(() => page.getByTestId('people-count').getAttribute('data-total'), { timeout: 10_000 }).toBe('2');
    await context.close();
  });
});

describe('enrolment', () => {
  async function enrolmentReason(link: string): Promise<string | null> {
    const context = await e2e.browser.newContext({ viewport: TABLET });
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}${link}`);
    const reason = await page.getByTestId('enrolment-page').getAttribute('data-reason');
    expect(page.url()).not.toContain('token=');
    await context.close();
    return reason;
  }

  it('explains a missing, malformed, expired or HQ token instead of opening the app', async () => {
    expect(await enrolmentReason('/shelter/')).toBe('missing');
    expect(await enrolmentReason('/shelter/?token=not-a-token')).toBe('malformed');
    const shortLived = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await enrolmentReason(`/shelter/?token=${shortLived}`)).toBe('expired');
    expect(await enrolmentReason(`/shelter/?token=${await e2e.server.token({ role: 'hq' })}`)).toBe('wrong-role');
  });

  it('keeps the token, not in the address bar, and opens the shelter it names', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'enrol');
    expect(page.url()).toBe(`${e2e.server.url}/shelter/`);
    await page.goto(`${e2e.server.url}/shelter/`);
    await waitForConnection(page, 'connected');
    await context.close();
  });

  it('a device whose token expired still opens its own data, and says the token expired', async () => {
    const context = await e2e.browser.newContext({ viewport: TABLET });
    const page = await context.newPage();
    const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, ttlSeconds: 6, device: 'expiring' });
    await page.goto(`${e2e.server.url}/shelter/?token=${token}`);
    await waitForConnection(page, 'connected');
    await checkIn(page, [{ name: '林 悠真', kana: 'はやし ゆうま' }]);
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);

    await waitForConnection(page, 'refused', 20_000);
    expect(await syncIndicator(page).textContent()).toContain('期限切れか無効');
    await page.reload();
    await page.getByTestId('shelter-name').waitFor();
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'はやし');
    await expect.poll(() => page.getByTestId('people-count').getAttribute('data-total'), { timeout: 10_000 }).toBe('1');
    await waitForConnection(page, 'refused');
    await context.close();
  });

  it('a revoked device stops reconnecting, erases itself and says why', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'lost-tablet');
    const token = await page.evaluate(() => localStorage.getItem('hinanjo:shelter:token'));
    const { jti } = decodeJwt(token as string);
    const res = await fetch(`${e2e.server.url}/api/hq/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await e2e.server.token({ role: 'hq' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jti }),
    });
    expect(res.status).toBe(200);
    await page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]', { timeout: 10_000 });
    expect(await page.getByTestId('enrolment-page').textContent()).toContain('本部から新しい登録リンクを受け取ってください');
    await context.close();
  });
});

describe('roster export', () => {
  it('downloads a CSV with a BOM that lists the household, present only or everyone', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'export');
    await checkIn(page, [
      { name: '川辺 太一', kana: 'かわべ たいち' },
      { name: '川辺 直子', kana: 'かわべ なおこ', needs: ['dialysis'] },
    ]);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'かわべ な');
    await page.getByTestId('check-out').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('people-count').getAttribute('data-total')).toBe('0');

    async function exportCsv(scope: 'present' | 'everyone'): Promise<string> {
      await go(page, '#/export');
      await page.locator(`[data-scope=${scope}]`).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      return readFileSync((await download.path()) as string, 'utf8');
    }
    const present = await exportCsv('present');
    expect(present.charCodeAt(0)).toBe(0xfeff);
    expect(present).toContain('川辺 太一');
    expect(present).not.toContain('川辺 直子');
    const everyone = await exportCsv('everyone');
    expect(everyone.charCodeAt(0)).toBe(0xfeff);
    expect(everyone).toContain('川辺 直子');
    expect(everyone).toContain('人工透析');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('accessibility', () => {
  it('every tablet screen passes the WCAG 2 A and AA checks of axe-core', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'a11y');
    await checkIn(page, [{ name: '高橋 誠', kana: 'たかはし まこと', needs: ['hearing'] }]);
    const found: Record<string, string[]> = {};
    for (const route of ['#/', '#/check-in', '#/people', '#/supplies', '#/requests', '#/export', '#/people/duplicates']) {
      await go(page, route);
      await page.waitForTimeout(300);
      await injectAxe(page);
      found[route] = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string }[] }> } }).axe;
        const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
        return result.violations.map((v) => v.id);
      });
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((r) => [r, []])));
    await context.close();
  });
});
