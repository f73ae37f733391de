// Retention, as the city and the tablets live it: a shelter closed long ago shows on HQ's
// retention tab with its purge date and a roster export; the server purges it; a tablet that was
// open at the time and one that was closed both drop their copy when they next connect, say
// why, keep working on the purged document (counts and supplies), and no name is left in their
// IndexedDB.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkIn, enrolTablet, localData, peopleNames, SHELTER_ID, startShelterServer, TABLET, waitForConnection } from './shelter-support';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/browser';
import { filesContaining } from '../helpers/files';
import { hqTab, openHq } from './hq-support';
import { useBrowserAndServer } from './support';
import { axeSerious } from './resident-support';
import { YClient } from '../helpers/yclient';
import { setShelterStatus } from '../../domain/shelter-status';
import { shelterDocName } from '../../domain/schema';

const DAY = 86_400_000;

/**
 * The server records a closure when it sees it (not from the tablet's closedAt), so these tests
 * move the server's clock past the retention after the shelter closed; tokens are issued to
 * outlive that jump.
 */
let skewMs = 0;
async function startSkewableServer() {
  skewMs = 0;
  const server = await startShelterServer({ clock: () => new Date(Date.now() + skewMs) });
  const issue = server.token;
  server.token = (req) => issue({ ttlSeconds: 365 * 86_400, ...req });
  return server;
}

describe('purge after the retention period', () => {
  const e2e = useBrowserAndServer(startSkewableServer);

  it('HQ sees the schedule and exports the roster; the server purges; tablets open or closed drop their copy and say so', async () => {
    const open = await enrolTablet(e2e.browser, e2e.server, 'open-tablet');
    await checkIn(open.page, [{ name: '保存期限太郎', kana: 'ホゾンキゲンタロウ' }, { name: '保存期限花子', kana: 'ホゾンキゲンハナコ' }]);
    await expect.poll(() => peopleNames(open.page)).toHaveLength(2);
    const closed = await enrolTablet(e2e.browser, e2e.server, 'drawer-tablet');
    await expect.poll(() => peopleNames(closed.page)).toHaveLength(2);
    expect((await localData(closed.page, '保存期限太郎')).found).toBe(true);
    await closed.page.goto('about:blank');

    // A desk closes the shelter; HQ sees when its roster goes.
    const staff = await YClient.connect({ wsUrl: e2e.server.wsUrl, docName: shelterDocName(SHELTER_ID), token: await e2e.server.token({ role: 'staff', shelter: SHELTER_ID }) });
    await staff.whenSynced();
    setShelterStatus(staff.doc, 'closed', new Date());
    await staff.whenStored();
    await staff.destroy();

    const hq = await openHq(e2e.browser, e2e.server);
    await hqTab(hq.page, 'retention');
    const row = hq.page.locator(`[data-testid=retention-table] tr[data-shelter="${SHELTER_ID}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/あと (89|90) 日/);
    expect(await row.textContent()).toContain('2'); // people on record
    expect(await hq.page.inputValue('[data-testid=retention-days]')).toBe('90');
    const [download] = await Promise.all([hq.page.waitForEvent('download'), row.getByTestId('retention-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('保存期限太郎');
    expect(csv).toContain('保存期限花子');
    // the export opened the roster on HQ's device: it is in HQ's IndexedDB now
    await expect.poll(async () => (await localData(hq.page, '保存期限太郎')).found, { timeout: 10_000 }).toBe(true);
    expect(await axeSerious(hq.page)).toEqual([]);
    // a bad setting is refused with a reason and changes nothing
    await hq.page.fill('[data-testid=retention-days]', '0');
    await hq.page.getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(() => hq.page.locator('.flash--error').textContent()).toContain('1〜3650');

    // 100 days later on the server
    skewMs = 100 * DAY;
    const [outcome] = await e2e.server.server.purger.runDue();
    expect(outcome).toMatchObject({ shelterId: SHELTER_ID, people: 2 });

    // The open tablet: refused at its reconnection, drops its copy, reloads and says why.
    await open.page.getByTestId('purged-notice').waitFor({ timeout: 20_000 });
    expect(await open.page.getByTestId('purged-notice').textContent()).toContain('保存期間');
    await waitForConnection(open.page, 'connected');
    expect(await peopleNames(open.page)).toEqual([]);
    await expect.poll(async () => (await localData(open.page, '保存期限太郎')).found).toBe(false);
    expect((await localData(open.page, 'ホゾンキゲンハナコ')).found).toBe(false);

    // The tablet that was closed: the same at its next start.
    await closed.page.goto(`${e2e.server.url}/shelter/`);
    await closed.page.getByTestId('purged-notice').waitFor({ timeout: 20_000 });
    await waitForConnection(closed.page, 'connected');
    expect(await peopleNames(closed.page)).toEqual([]);
    expect((await localData(closed.page, '保存期限太郎')).found).toBe(false);
    // a reload later is an ordinary start: no notice, no second drop
    await closed.page.reload();
    await waitForConnection(closed.page, 'connected');
    expect(await closed.page.getByTestId('purged-notice').count()).toBe(0);

    // HQ: the row says deleted, with no export, and HQ's own copy of the roster is gone too
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('削除済み');
    expect(await row.textContent()).toContain('集計として 2 人・1 世帯を保存');
    await expect.poll(async () => (await localData(hq.page, '保存期限太郎')).found, { timeout: 10_000 }).toBe(false);
    expect(await row.getByTestId('retention-export').count()).toBe(0);
    for (const d of [open, closed, hq]) expect(d.errors).toEqual([]);
    for (const d of [open, closed, hq]) await d.context.close();
  });
});

describe('purge on the tablet\'s disk', () => {
  const e2e = useBrowserAndServer(startSkewableServer);

  it('after the purge, a byte search of the tablet\'s browser profile finds no purged name, though the browser restarted since the names were written', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'hinanjo-profile-'));
    const launch = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, viewport: TABLET });
    let context = await launch();
    try {
      let page = context.pages()[0] ?? (await context.newPage());
      const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, device: 'profile-tablet' });
      await page.goto(`${e2e.server.url}/shelter/?token=${token}`);
      await waitForConnection(page, 'connected');
      await checkIn(page, [{ name: 'ディスク上太郎', kana: 'ディスクジョウタロウ' }]);
      await expect.poll(() => peopleNames(page)).toEqual(['ディスク上太郎']);
      await expect.poll(() => filesContaining(profile, 'ディスク上太郎').length, { timeout: 15_000 }).toBeGreaterThan(0);
      // The browser restarts (LevelDB writes the names into its table files).
      await context.close();
      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${e2e.server.url}/shelter/`);
      await waitForConnection(page, 'connected');
      expect(await peopleNames(page)).toEqual(['ディスク上太郎']);

      const staff = await YClient.connect({ wsUrl: e2e.server.wsUrl, docName: shelterDocName(SHELTER_ID), token: await e2e.server.token({ role: 'staff', shelter: SHELTER_ID }) });
      await staff.whenSynced();
      setShelterStatus(staff.doc, 'closed', new Date());
      await staff.whenStored();
      await staff.destroy();
      await e2e.server.server.derived.refresh(shelterDocName(SHELTER_ID));
      skewMs = 100 * DAY;
      expect(await e2e.server.server.purger.runDue()).toHaveLength(1);

      await page.getByTestId('purged-notice').waitFor({ timeout: 20_000 });
      await waitForConnection(page, 'connected');
      expect(await peopleNames(page)).toEqual([]);
      // still enrolled after the browser erased the origin's storage
      expect(await page.evaluate(() => localStorage.getItem('hinanjo:shelter:token'))).toBeTruthy();
      await context.close();
      for (const name of ['ディスク上太郎', 'ディスクジョウタロウ']) expect(filesContaining(profile, name), name).toEqual([]);
    } finally {
      await context.close().catch(() => undefined);
    }
  });
});
