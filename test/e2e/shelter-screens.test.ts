// The tablet's everyday screens end to end: the overview counts a check-in, a person is edited
// and a household checked out together, HQ's answer to a supply request reaches the tablet, and
// the language chosen is remembered.
import { describe, expect, it } from 'vitest';
import { readRequests, setRequestStatus } from '../../domain/requests';
import { hqShelters, shelterDocName } from '../../domain/schema';
import { writeDoc } from '../helpers/seed';
import { SHELTER_ID, checkIn, enrolTablet, go, pendingChanges, startShelterServer } from './shelter-support';
import { useBrowserAndServer } from './support';

const e2e = useBrowserAndServer(startShelterServer);

describe('everyday screens', () => {
  it('the overview counts a household by stay type and need, two taps from check-in', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'overview');
    await page.getByTestId('overview-check-in').click();
    expect(page.url()).toContain('#/check-in');
    await checkIn(page, [
      { name: '森 誠', kana: 'もり まこと', stay: 'car' },
      { name: '森 葵', kana: 'もり あおい', stay: 'car', needs: ['infant-care'] },
    ]);
    await go(page, '#/');
    const present = page.getByTestId('overview-present');
    await expect.poll(() => present.locator('[data-stay=car] .mid-number').textContent(), { timeout: 10_000 }).toBe('2');
    expect(await present.locator('.big-number').textContent()).toBe('2');
    expect(await page.locator('.area-needs').textContent()).toContain('乳幼児の世話 1');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('edits a person (bad kana refused, then saved) and checks out the whole household', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'edit');
    await checkIn(page, [
      { name: '橋本 蓮', kana: 'はしもと れん' },
      { name: '橋本 結衣', kana: 'はしもと ゆい' },
    ]);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'はしもと れ');
    await page.locator('[data-testid=person-row] .person-row__name').click();
    await page.getByTestId('edit-person-form').waitFor();

    await page.fill('#edit-kana', 'hashimoto');
    await page.fill('#edit-note', '夜間は車で待機');
    await page.getByTestId('edit-save').click();
    await expect.poll(() => page.getByTestId('edit-kana-error').isVisible()).toBe(true);
    expect(await page.inputValue('#edit-note')).toBe('夜間は車で待機');

    await page.fill('#edit-kana', 'ハシモト レン');
    await page.locator('#edit-stay [data-value=car]').click();
    await page.getByTestId('edit-save').click();
    await expect.poll(() => page.getByTestId('edit-kana-error').count()).toBe(0);
    await expect.poll(() => page.locator('.edit-person .person-row .tag--car').count()).toBe(1);

    await page.locator('.edit-person [data-testid=household-check-out]').click();
    expect(await page.locator('.edit-person [data-testid=check-out-household]').count()).toBe(0); // once above the members, not on every row
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('.edit-person .person-row--left').count()).toBe(2);
    // a check-out can be undone from its message
    await page.getByTestId('flash-action').click();
    await expect.poll(() => page.locator('.edit-person .person-row--left').count()).toBe(0);
    await page.locator('.edit-person [data-testid=household-check-out]').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('.edit-person .person-row--left').count()).toBe(2);
    await go(page, '#/people');
    await page.fill('[data-testid=people-search]', 'はしもと');
    // the search stays when staff open a person and come back
    await page.locator('[data-presence=left]').click();
    await page.locator('[data-testid=person-row] a').first().click();
    await page.getByTestId('edit-save').waitFor();
    await page.goBack();
    await expect.poll(() => page.inputValue('[data-testid=people-search]')).toBe('はしもと');
    await page.locator('[data-presence=present]').click();
    await expect.poll(() => page.getByTestId('people-count').getAttribute('data-total')).toBe('0');
    await page.locator('[data-presence=left]').click();
    await expect.poll(() => page.getByTestId('people-count').getAttribute('data-total')).toBe('2');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the status HQ gives a supply request', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'requests');
    await go(page, '#/requests');
    await page.locator('#request-item').selectOption('diaper');
    await page.fill('#request-qty', '３００');
    await page.getByTestId('request-create').click();
    const row = page.locator('[data-testid=requests-table] tr', { hasText: 'おむつ' });
    await expect.poll(() => row.textContent()).toContain('依頼中');
    expect(await row.textContent()).toContain('300');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);

    await writeDoc(e2e.server, shelterDocName(SHELTER_ID), (doc) => {
      const request = readRequests(doc).find((r) => r.item === 'diaper');
      if (!request) throw new Error('the request did not reach the server');
      setRequestStatus(doc, request.id, 'acknowledged', new Date());
    });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('受付済み');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('remembers the language chosen on the device', async () => {
    const { context, page } = await enrolTablet(e2e.browser, e2e.server, 'lang');
    await page.locator('[data-testid=topbar-more] > summary').click(); // the header's settings menu
    await page.locator('.topbar .lang-switch button[lang=en]').click();
    expect(await page.locator('.tabs .tab').first().textContent()).toBe('Overview');
    await page.reload();
    await page.getByTestId('shelter-name').waitFor();
    expect(await page.locator('.tabs .tab').first().textContent()).toBe('Overview');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });

  it('marks the shelter full after a confirmation, and the public status shows it', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'status');
    await page.locator('[data-testid=shelter-status] [data-status=full]').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-testid=shelter-status] [aria-checked=true]').getAttribute('data-status')).toBe('full');
    await expect
      .poll(
        async () => {
          const status = (await (await fetch(`${e2e.server.url}/api/public/status.json`)).json()) as {
            shelters: { id: string; status: string }[];
          };
          return status.shelters.find((x) => x.id === SHELTER_ID)?.status;
        },
        { timeout: 15_000 },
      )
      .toBe('full');
    await page.locator('[data-testid=shelter-status] [data-status=open]').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-testid=shelter-status] [aria-checked=true]').getAttribute('data-status')).toBe('open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a shelter with no capacity on record reads as room unknown; opening it asks staff for one, and then the public page has its crowding', async () => {
    // an imported 指定避難所 whose 定員 was blank
    await writeDoc(e2e.server, 'hq', (doc) => hqShelters(doc).get(SHELTER_ID)!.set('capacity', 0));
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'capacity');
    const publicShelter = async () =>
      ((await (await fetch(`${e2e.server.url}/api/public/status.json`)).json()) as { shelters: { id: string; capacity: number; crowding: string }[] }).shelters.find((x) => x.id === SHELTER_ID);
    await page.locator('[data-testid=shelter-status] [data-status=closed]').click();
    await page.getByTestId('confirm-ok').click();
    await page.locator('[data-testid=shelter-status] [data-status=open]').click();
    await page.getByTestId('capacity-ask').waitFor();
    await expect.poll(async () => (await publicShelter())?.crowding, { timeout: 15_000 }).toBe('unknown');
    await page.fill('#reported-capacity', '0');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('reported-capacity-error').textContent()).toContain('1 以上');
    await page.fill('#reported-capacity', '１５０');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.locator('[data-testid=shelter-status] [aria-checked=true]').getAttribute('data-status')).toBe('open');
    await expect.poll(async () => await publicShelter(), { timeout: 15_000 }).toMatchObject({ capacity: 150, crowding: 'available' });
    expect(await page.locator('.capacity').textContent()).toContain('/ 150');
    await writeDoc(e2e.server, 'hq', (doc) => hqShelters(doc).get(SHELTER_ID)!.set('capacity', 200));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds an item to the catalog (a bad daily ration is refused) and records its stock', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'catalog');
    await go(page, '#/supplies');
    await page.locator('.add-item summary').click();
    await page.fill('#item-name', 'ブルーシート');
    await page.fill('#item-unit', '枚');
    await page.fill('#item-rate', 'たくさん');
    await page.getByTestId('add-item-save').click();
    await expect.poll(() => page.getByTestId('item-rate-error').isVisible()).toBe(true);
    expect(await page.inputValue('#item-name')).toBe('ブルーシート');
    expect(await page.locator('tr', { hasText: 'ブルーシート' }).count()).toBe(0);

    await page.fill('#item-rate', '');
    await page.getByTestId('add-item-save').click();
    const row = page.locator('tr', { hasText: 'ブルーシート' });
    await expect.poll(() => row.count()).toBe(1);
    // Once it is stored, the new item is the one selected for the next ledger entry.
    await expect.poll(() => page.getByTestId('ledger-item').textContent(), { timeout: 10_000 }).toBe('ブルーシート');
    await page.locator('[data-action=received]').click();
    await page.fill('#ledger-qty', '12');
    await page.getByTestId('ledger-record').click();
    await expect.poll(() => row.locator('td.num').first().textContent()).toContain('12');
    expect(errors).toEqual([]);
    await context.close();
  });
});
