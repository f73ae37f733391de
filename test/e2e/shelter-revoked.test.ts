// A lost or stolen tablet: when HQ revokes it, the tablet erases its local store and its token at
// its next contact with the server, and says so — whether it was connected at that moment or
// opened later. The server tells "revoked" (4410) apart from "expired" (4401): an expired
// token never wipes anything (the roster stays usable offline until a new link arrives).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { checkIn, enrolTablet, localData, peopleNames, SHELTER_ID, startShelterServer, TABLET, waitForConnection } from './shelter-support';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/browser';
import { filesContaining } from '../helpers/files';
import { useBrowserAndServer } from './support';

async function revoke(server: { url: string; token: (r: { role: 'hq' }) => Promise<string> }, jti: string) {
  const hq = await server.token({ role: 'hq' });
  const res = await fetch(`${server.url}/api/hq/revoke`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ jti }),
  });
  expect(res.status).toBe(200);
}

async function tabletJti(page: Page): Promise<string> {
  return page.evaluate(() => {
    const token = localStorage.getItem('hinanjo:shelter:token') ?? '';
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).jti as string;
  });
}

describe('a revoked tablet wipes itself', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('no byte of a name stays in the browser profile, though the browser restarted since the names were written', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'hinanjo-profile-'));
    const launch = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, viewport: TABLET });
    let context = await launch();
    try {
      let page = context.pages()[0] ?? (await context.newPage());
      const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, device: 'disk-tablet' });
      await page.goto(`${e2e.server.url}/shelter/?token=${token}`);
      await waitForConnection(page, 'connected');
      await checkIn(page, [{ name: '円盤残太郎', kana: 'エンバンザンタロウ' }]);
      await expect.poll(() => peopleNames(page)).toEqual(['円盤残太郎']);
      await context.close();
      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${e2e.server.url}/shelter/`);
      await waitForConnection(page, 'connected');
      expect(filesContaining(profile, '円盤残太郎').length).toBeGreaterThan(0);

      await revoke(e2e.server, await tabletJti(page));
      await page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]', { timeout: 10_000 });
      await expect.poll(() => page.evaluate(() => localStorage.getItem('hinanjo:erase-pending'))).toBeNull();
      expect(await page.evaluate(() => localStorage.getItem('hinanjo:wipedAt'))).toBeTruthy();
      await context.close();
      for (const name of ['円盤残太郎', 'エンバンザンタロウ']) expect(filesContaining(profile, name), name).toEqual([]);
    } finally {
      await context.close().catch(() => undefined);
    }
  });

  it('the erase answer is refused to a request another site could send', async () => {
    const plain = await fetch(`${e2e.server.url}/api/device/erase`, { method: 'POST' });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('clear-site-data')).toBeNull();
    const cross = await fetch(`${e2e.server.url}/api/device/erase`, { method: 'POST', headers: { 'X-Hinanjo-Erase': 'storage', 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(400);
    const own = await fetch(`${e2e.server.url}/api/device/erase`, { method: 'POST', headers: { 'X-Hinanjo-Erase': 'storage', 'Sec-Fetch-Site': 'same-origin' } });
    expect(own.status).toBe(204);
    expect(own.headers.get('clear-site-data')).toBe('"storage"');
  });

  it('while connected: the roster and the token are erased at once and the tablet says so, also after a reload', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server, 'lost-tablet');
    await checkIn(tablet.page, [{ name: '消去対象太郎', kana: 'ショウキョタイショウタロウ' }]);
    await expect.poll(() => peopleNames(tablet.page)).toContain('消去対象太郎');
    expect((await localData(tablet.page, '消去対象太郎')).found).toBe(true);

    await revoke(e2e.server, await tabletJti(tablet.page));
    const page = tablet.page.getByTestId('enrolment-page');
    await tablet.page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]', { timeout: 10_000 });
    expect(await page.textContent()).toContain('消去しました');
    await expect.poll(async () => (await localData(tablet.page, '消去対象太郎')).found, { timeout: 10_000 }).toBe(false);
    expect(await tablet.page.evaluate(() => localStorage.getItem('hinanjo:shelter:token'))).toBeNull();

    await tablet.page.reload();
    await tablet.page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]');
    expect((await localData(tablet.page, '消去対象太郎')).found).toBe(false);
    expect(tablet.errors).toEqual([]);
    await tablet.context.close();
  });

  it('revoked while closed: wiped at the next start, when the server refuses it', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server, 'drawer-tablet');
    await checkIn(tablet.page, [{ name: '引出花子', kana: 'ヒキダシハナコ' }]);
    await expect.poll(() => peopleNames(tablet.page)).toContain('引出花子');
    const jti = await tabletJti(tablet.page);
    const origin = e2e.server.url;
    await tablet.page.goto('about:blank');
    await revoke(e2e.server, jti);

    await tablet.page.goto(`${origin}/shelter/`);
    await tablet.page.waitForSelector('[data-testid=enrolment-page][data-reason=wiped]', { timeout: 15_000 });
    await expect.poll(async () => (await localData(tablet.page, '引出花子')).found, { timeout: 10_000 }).toBe(false);
    await tablet.context.close();
  });

  it('an expired token is refused with 4401 and wipes nothing', async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server, 'short-lived');
    await checkIn(tablet.page, [{ name: '期限切子', kana: 'キゲンキリコ' }]);
    await expect.poll(() => peopleNames(tablet.page)).toContain('期限切子');
    // The server's clock cannot be moved here; a token with a 1-second life stands in.
    const shortToken = await e2e.server.token({ role: 'staff', shelter: 'kawabe-school', ttlSeconds: 1, device: 'short' });
    await tablet.page.evaluate((t) => localStorage.setItem('hinanjo:shelter:token', t), shortToken);
    await new Promise((r) => setTimeout(r, 1_500));
    await tablet.page.reload();
    await waitForConnection(tablet.page, 'refused', 15_000);
    expect(await tablet.page.getByTestId('sync-indicator').getAttribute('data-connection')).toBe('refused');
    expect(await tablet.page.getByTestId('sync-indicator').textContent()).toContain('期限切れ');
    expect(await peopleNames(tablet.page)).toContain('期限切子');
    expect((await localData(tablet.page, '期限切子')).found).toBe(true);
    await tablet.context.close();
  });
});
