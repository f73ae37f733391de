// Shared set-up of the staff tablet's browser tests: a real server with a seeded hq document,
// real Chromium at the size of a 10-inch tablet, and the steps a staff member takes on screen.
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq, type SeedDistrict, type SeedShelter } from '../helpers/seed';
import { YClient } from '../helpers/yclient';
import type * as Y from 'yjs';
import { shelterDocName } from '../../domain/schema';
import { DIST } from './support';

export { DIST };
export const TABLET = { width: 1280, height: 800 };
export const SHELTER_ID = 'kawabe-school';
export const SHELTER_NAME = '川辺小学校';

/**
 * A server with the hq document seeded: region テスト市, district 川辺地区 and its shelter
 * 川辺小学校 (capacity 200), unless a test gives its own districts or shelters.
 */
export async function startShelterServer(
  opts: { dataDir?: string; districts?: SeedDistrict[]; shelters?: SeedShelter[]; clock?: () => Date } = {},
): Promise<TestServer> {
  const server = await startTestServer({ dataDir: opts.dataDir, distDir: DIST, clock: opts.clock });
  await seedHq(server, {
    region: 'テスト市',
    districts: opts.districts ?? [{ id: 'kawabe', name: '川辺地区' }],
    shelters: opts.shelters ?? [{ id: SHELTER_ID, name: SHELTER_NAME, capacity: 200, districtId: 'kawabe' }],
  });
  return server;
}

export interface Tablet {
  context: BrowserContext;
  page: Page;
  /** Problems the page reported (uncaught errors); a test asserts there are none. */
  errors: string[];
}

/** A new device (own storage) enrolled through the link `npm run token` prints. */
export async function enrolTablet(browser: Browser, server: TestServer, device = 'tablet-1'): Promise<Tablet> {
  const context = await browser.newContext({ viewport: TABLET, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const token = await server.token({ role: 'staff', shelter: SHELTER_ID, device });
  await page.goto(`${server.url}/shelter/?token=${token}`);
  await expect.poll(() => page.getByTestId('shelter-name').textContent(), { timeout: 20_000 }).toBe(SHELTER_NAME);
  await waitForConnection(page, 'connected');
  return { context, page, errors };
}

export function syncIndicator(page: Page) {
  return page.getByTestId('sync-indicator');
}

export async function waitForConnection(page: Page, connection: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`[data-testid=sync-indicator][data-connection=${connection}]`, { timeout });
}

export async function pendingChanges(page: Page): Promise<number> {
  return Number(await syncIndicator(page).getAttribute('data-pending'));
}

export async function go(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    location.hash = r;
  }, route);
}

export interface MemberInput {
  name: string;
  kana?: string;
  needs?: string[];
  stay?: 'shelter' | 'car' | 'home';
}

/** Fills the check-in form for a household and saves it; resolves once "saved" is shown. */
export async function checkIn(page: Page, members: MemberInput[], { confirmDuplicate = false } = {}): Promise<void> {
  await go(page, '#/check-in');
  for (let i = 0; i < members.length; i++) {
    if (i > 0) await page.getByTestId('add-person').click();
    const m = members[i];
    await page.fill(`#p${i}-name`, m.name);
    if (m.kana) await page.fill(`#p${i}-kana`, m.kana);
    if (m.stay) await page.locator(`#p${i}-stay [data-value=${m.stay}]`).click();
    for (const n of m.needs ?? []) await page.locator(`#p${i}-needs [data-need=${n}]`).click();
  }
  await page.getByTestId('check-in-save').click();
  if (confirmDuplicate) await page.getByTestId('confirm-ok').click();
  await expect.poll(() => page.getByTestId('check-in-message').getAttribute('role'), { timeout: 10_000 }).toBe('status');
  // The message of the previous check-in may still be on screen: the form being emptied is what
  // says this one was saved (typing the next household before that would be wiped by the reset).
  await expect.poll(() => page.inputValue('#p0-name'), { timeout: 10_000 }).toBe('');
}

/** Records a ledger entry on the supplies screen (received: +, distributed: handed out). */
export async function recordStock(
  page: Page,
  item: string,
  action: 'received' | 'distributed' | 'adjusted',
  qty: string,
  { confirmOverdraw = false } = {},
) {
  await go(page, '#/supplies');
  await page.locator(`tr[data-item=${item}]`).click();
  await page.locator(`[data-action=${action}]`).click();
  await page.fill('#ledger-qty', qty);
  await page.getByTestId('ledger-record').click();
  if (confirmOverdraw) await page.getByTestId('confirm-ok').click();
  await page.getByTestId('ledger-flash').waitFor();
}

export async function onHand(page: Page, item: string): Promise<number> {
  await go(page, '#/supplies');
  const text = await page.getByTestId(`on-hand-${item}`).textContent();
  return Number((text ?? '').replace(/[^\d-]/g, ''));
}

/** Names in the people list (present, all filters cleared), sorted. */
export async function peopleNames(page: Page): Promise<string[]> {
  await go(page, '#/people');
  await page.getByTestId('people-list').waitFor();
  const names = await page.locator('[data-testid=person-row] .person-row__name').allTextContents();
  return names.sort();
}

/**
 * The service worker has installed and activated, and the surface's own code is in its cache
 * (web/lib/surface-cache.ts), so the next load can come from the device.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => document.documentElement.dataset.surfaceCached === 'true', undefined, { timeout: 15_000 });
}

/** Reads what the server has durably stored for a shelter, through a separate hq client. */
export async function readOnServer<T>(server: TestServer, read: (doc: Y.Doc) => T, shelterId = SHELTER_ID): Promise<T> {
  const client = await YClient.connect({
    wsUrl: server.wsUrl,
    docName: shelterDocName(shelterId),
    token: await server.token({ role: 'hq' }),
  });
  try {
    await client.whenSynced();
    return read(client.doc);
  } finally {
    await client.destroy();
  }
}

/** Every IndexedDB database of the page's origin with the number of records it holds, and whether `needle` occurs in any. */
export async function localData(page: Page, needle: string): Promise<{ dbs: string[]; records: number; found: boolean }> {
  return page.evaluate(async (needle) => {
    const dbs = (await indexedDB.databases()).map((d) => d.name ?? '');
    let records = 0;
    let found = false;
    for (const name of dbs) {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((ok, fail) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        records += all.length;
        for (const row of all) {
          const bytes = (row as { update?: Uint8Array }).update;
          const text = bytes ? new TextDecoder().decode(bytes) : JSON.stringify(row);
          if (text.includes(needle)) found = true;
        }
      }
      db.close();
    }
    return { dbs, records, found };
  }, needle);
}
