// The worker's day, as a worker meets it: a stock that two offline tablets drove below zero, an
// accidental check-out, the same person registered twice (or two people who only share a name),
// a tablet with a wrong clock, a request that HQ has not received yet, a family member who
// arrives late, and the pending count that counts people, not internal changes.
import { describe, expect, it } from 'vitest';
import { shelterDocName } from '../../domain/schema';
import { appendLedgerEntry, seedDefaultItems } from '../../domain/stock';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { writeDoc } from '../helpers/seed';
import {
  SHELTER_ID, checkIn, enrolTablet, go, pendingChanges, peopleNames, readOnServer, startShelterServer, waitForConnection,
} from './shelter-support';
import { useBrowserAndServer } from './support';
import { readPeople } from '../../domain/people';

describe('the worker’s day', () => {
  const e2e = useBrowserAndServer(startShelterServer);
  const staff = () => e2e.server.token({ role: 'staff', shelter: SHELTER_ID });

  it('stock below zero is flagged on its row and on the overview', async () => {
    // two tablets that each handed out the last 5 blankets while offline
    await writeDoc(e2e.server, shelterDocName(SHELTER_ID), (doc) => {
      seedDefaultItems(doc);
      appendLedgerEntry(doc, { item: 'blanket', delta: 5, reason: 'received', by: 'a' }, { now: new Date(), newId: () => crypto.randomUUID() });
      appendLedgerEntry(doc, { item: 'blanket', delta: -5, reason: 'distributed', by: 'a' }, { now: new Date(), newId: () => crypto.randomUUID() });
      appendLedgerEntry(doc, { item: 'blanket', delta: -5, reason: 'distributed', by: 'b' }, { now: new Date(), newId: () => crypto.randomUUID() });
    }, await staff());
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'stock');
    await go(page, '#/supplies');
    await page.getByTestId('negative-blanket').waitFor();
    expect(await page.locator('tr[data-item=blanket]').getAttribute('class')).toContain('row--negative');
    await go(page, '#/');
    const warning = page.getByTestId('low-blanket');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('マイナス(-5)');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an accidental check-out is taken back with 再入所, and the history says so', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'readmit');
    await checkIn(page, [{ name: '戻田 進', kana: 'もどりた すすむ' }]);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'もどりた');
    await page.getByTestId('check-out').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('check-out').count()).toBe(0);
    await page.locator('[data-presence=left]').click();
    await page.getByTestId('readmit').click();
    await page.locator('[data-presence=present]').click();
    await expect.poll(() => page.getByTestId('check-out').count()).toBe(1);
    const onServer = await readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '戻田 進'));
    await expect.poll(async () => (await readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '戻田 進')))?.checkedOutAt).toBeNull();
    await go(page, `#/people/${onServer!.id}`);
    await page.getByTestId('person-history').waitFor();
    expect(await page.getByTestId('person-history').textContent()).toContain('再入所');
    // ふりがな typed in hiragana is stored as katakana
    expect(onServer!.kana).toBe('モドリタ ススム');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('duplicates: "same person — merge" keeps one record and is not a departure; "not the same person" stops the flag', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'duplicates');
    await checkIn(page, [{ name: '重複 一郎', kana: 'ちょうふく いちろう', needs: ['allergy'] }]);
    await checkIn(page, [{ name: '重複一郎', kana: 'チョウフク イチロウ', needs: ['wheelchair'] }], { confirmDuplicate: true });
    await checkIn(page, [{ name: '同名 花子', kana: 'どうめい はなこ' }]);
    await checkIn(page, [{ name: '同名 花子', kana: 'どうめい はなこ' }], { confirmDuplicate: true });
    await go(page, '#/people/duplicates');
    await expect.poll(() => page.getByTestId('duplicate-group').count()).toBe(2);

    const merge = page.getByTestId('duplicate-group').filter({ hasText: '重複' });
    await merge.getByTestId('dup-merge').click();
    await page.getByTestId('confirm-ok').click();
    const dismiss = page.getByTestId('duplicate-group').filter({ hasText: '同名' });
    await dismiss.getByTestId('dup-not-same').click();
    await expect.poll(() => page.getByTestId('duplicate-group').count()).toBe(0);
    await page.getByTestId('no-duplicates').waitFor();

    const names = await peopleNames(page);
    expect(names.filter((n) => n.replace(/\s/g, '') === '重複一郎')).toHaveLength(1);
    expect(names.filter((n) => n === '同名 花子')).toHaveLength(2);
    await expect.poll(() =>
      readOnServer(e2e.server, (doc) => {
        const p = readPeople(doc).filter((x) => x.name.replace(/\s/g, '') === '重複一郎');
        return p.length === 1 ? [...p[0].needs].sort().join(',') + (p[0].checkedOutAt === null ? ':present' : ':left') : `${p.length}`;
      }),
    ).toBe('allergy,wheelchair:present');
    // a merge is not a departure: the overview's departures today stay at zero
    await go(page, '#/');
    expect(await page.getByTestId('departures-today').textContent()).toMatch(/0/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a check-in time in the future (wrong tablet clock) is flagged with its year and can be corrected', async () => {
    const next = new Date();
    next.setFullYear(next.getFullYear() + 1);
    await writeDoc(e2e.server, shelterDocName(SHELTER_ID), (doc) => {
      const r = checkInHousehold(doc, [{ ...emptyPersonInput(), name: '時計 狂子', kana: 'トケイ クルコ' }], { now: next, newId: () => crypto.randomUUID() });
      if (!r.ok) throw new Error('check-in failed');
    }, await staff());
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'clock');
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'とけい');
    const when = page.getByTestId('person-when');
    await expect.poll(() => when.textContent()).toContain(`${next.getFullYear()}/`);
    expect(await when.getAttribute('class')).toContain('person-row__when--future');
    await page.locator('.person-row__name', { hasText: '時計 狂子' }).click();
    await page.getByTestId('check-in-future').waitFor();
    await page.getByTestId('check-in-time').fill(`${new Date().getFullYear() + 1}-01-01T09:00`);
    await page.getByTestId('check-in-time-save').click();
    await expect.poll(() => page.locator('[data-testid=check-in-time-form]').textContent()).toContain('未来の日時にはできません');
    const earlier = new Date(Date.now() - 3600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    await page.getByTestId('check-in-time').fill(`${earlier.getFullYear()}-${p(earlier.getMonth() + 1)}-${p(earlier.getDate())}T${p(earlier.getHours())}:${p(earlier.getMinutes())}`);
    await page.getByTestId('check-in-time-save').click();
    await expect.poll(() => page.getByTestId('check-in-future').count()).toBe(0);
    expect(await page.getByTestId('person-history').textContent()).toContain('受付日時を');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a family member who arrives late joins the household already checked in', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'family');
    await checkIn(page, [{ name: '遅参 父', kana: 'ちさん ちち', stay: 'car' }]);
    const father = await readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '遅参 父'));
    await go(page, `#/people/${father!.id}`);
    await page.getByTestId('add-family').click();
    await page.getByTestId('adding-to-household').waitFor();
    expect(await page.getByTestId('adding-to-household').textContent()).toContain('遅参 父');
    await page.fill('#p0-name', '遅参 娘');
    await page.getByTestId('check-in-save').click();
    await expect.poll(() => page.getByTestId('check-in-message').getAttribute('role')).toBe('status');
    await expect.poll(() =>
      readOnServer(e2e.server, (doc) => readPeople(doc).find((p) => p.name === '遅参 娘')),
    ).toMatchObject({ householdId: father!.householdId, stay: 'car' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offline: a household of three counts as 3 unconfirmed, and a request reads 未送信 until HQ can see it', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'offline');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    await context.setOffline(true);
    await waitForConnection(page, 'offline');
    await checkIn(page, [
      { name: '三人 一', kana: 'みたり はじめ' },
      { name: '三人 二', kana: 'みたり ふたば' },
      { name: '三人 三', kana: 'みたり みつる' },
    ]);
    await expect.poll(() => pendingChanges(page)).toBe(3);
    await go(page, '#/requests');
    await page.locator('#request-item').selectOption('water');
    await page.fill('#request-qty', '120');
    await page.getByTestId('request-create').click();
    const status = page.locator('[data-testid=requests-table] tr', { hasText: '120' }).getByTestId('request-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('unsent');
    expect(await status.textContent()).toBe('未送信');
    await expect.poll(() => pendingChanges(page)).toBe(4);

    await context.setOffline(false);
    await waitForConnection(page, 'connected');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 20_000 }).toBe('open');
    expect(await status.textContent()).toBe('依頼中');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    // after a reload the tablet still knows the request reached the server
    await page.reload();
    await go(page, '#/requests');
    await expect.poll(() => page.locator('[data-testid=requests-table] tr', { hasText: '120' }).getByTestId('request-status').getAttribute('data-status')).toBe('open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a memo that is too long is shown next to the field, scrolled into view', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'memo');
    await page.setViewportSize({ width: 800, height: 600 });
    await go(page, '#/check-in');
    await page.fill('#p0-name', 'メモ 長子');
    await page.fill('#p0-note', 'あ'.repeat(1001));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('check-in-save').click();
    const error = page.getByTestId('p0-note-error');
    await error.waitFor();
    await expect.poll(() => error.isVisible()).toBe(true);
    const box = await error.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(600);
    await context.close();
  });

  it('large text is a per-device setting that survives a reload; portrait rows keep the check-in time and a long ふりがな stays in its row', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'large-text');
    await checkIn(page, [{ name: '長名 太郎', kana: 'ながなが'.repeat(12) }]);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'ながなが');
    const row = page.getByTestId('person-row').first();
    const normal = (await row.boundingBox())!.height;
    await page.locator('[data-testid=topbar-more] > summary').click(); // the header's settings menu
    await page.getByTestId('text-size').click();
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('22.5px');
    await expect.poll(async () => (await row.boundingBox())!.height).toBeGreaterThan(normal);
    // the header stays one compact line, even with large text (more roster rows on screen)
    await page.locator('[data-testid=topbar-more] > summary').click();
    expect((await page.locator('.topbar').boundingBox())!.height).toBeLessThan(90);
    await page.reload();
    await page.getByTestId('people-list').waitFor();
    expect(await page.getByTestId('text-size').getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('22.5px');
    await page.locator('[data-testid=topbar-more] > summary').click();
    await page.getByTestId('text-size').click();

    await page.setViewportSize({ width: 800, height: 1280 });
    await page.fill('[data-testid=people-search]', 'ながなが');
    const when = page.getByTestId('person-when').first();
    expect(await when.isVisible()).toBe(true);
    expect(await when.textContent()).toMatch(/受付 \d+\/\d+ \d\d:\d\d/);
    for (const width of [800, 600]) {
      await page.setViewportSize({ width, height: 1000 });
      const overflow = await row.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return [...el.querySelectorAll('*')].some((c) => c.getBoundingClientRect().right > r.right + 1);
      });
      expect(overflow, `a child overflows the row at ${width} px`).toBe(false);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('needs are never hidden: a phone shows each tag in short form on its own line, with a legend of what the short forms mean', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'short-tags');
    await checkIn(page, [{ name: '車椅 花子', kana: 'くるまいす', needs: ['wheelchair', 'dialysis'] }]);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'くるまいす');
    const row = page.getByTestId('person-row').first();
    const facts = row.getByTestId('person-facts');
    await expect.poll(() => facts.locator('.tag__full').first().isVisible()).toBe(true);
    expect(await page.getByTestId('tag-legend').isVisible()).toBe(false);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => facts.isVisible()).toBe(true);
    const shown = await facts.locator('.tag__short').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.textContent));
    expect(shown).toEqual(expect.arrayContaining(['車い', '透析']));
    // nothing in the row overlaps: tags below the kana, the time below the tags
    const boxes = await row.evaluate((el) =>
      ['.person-row__kana', '[data-testid=person-facts]', '[data-testid=person-when]'].map((s) => {
        const r = el.querySelector(s)!.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, rowBottom: el.getBoundingClientRect().bottom };
      }),
    );
    expect(boxes[1].top).toBeGreaterThanOrEqual(boxes[0].bottom - 1);
    expect(boxes[2].top).toBeGreaterThanOrEqual(boxes[1].bottom - 1);
    expect(boxes[2].bottom).toBeLessThanOrEqual(boxes[2].rowBottom + 1);
    await page.getByTestId('tag-legend').locator('summary').click();
    expect(await page.getByTestId('tag-legend').textContent()).toContain('車い = 車いす');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('every screen fits a 360–390 px phone, in English too (no page wider than the screen)', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'phone');
    await checkIn(page, [{ name: '幅広 一郎', needs: ['wheelchair'] }]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid=topbar-more] > summary').click();
    await page.locator('.topbar .lang-switch button', { hasText: 'English' }).click();
    await page.locator('[data-testid=topbar-more] > summary').click();
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 800 });
      for (const screen of ['#/', '#/check-in', '#/people', '#/supplies', '#/requests', '#/export', '#/map']) {
        await go(page, screen);
        await page.waitForTimeout(300);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `${screen} at ${width} px`).toBeLessThanOrEqual(width);
      }
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
