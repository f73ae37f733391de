// Shared set-up of the HQ browser tests: an HQ device (its own storage) enrolled with an hq
// token, tiles blocked (tests never leave this machine; the map must stay readable without them).
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/server';
import { DIST } from './support';

export { DIST };
export const WALL = { width: 1920, height: 1080 };

export interface HqDevice {
  context: BrowserContext;
  page: Page;
  errors: string[];
  token: string;
}

export async function openHq(
  browser: Browser,
  server: { url: string; token: TestServer['token'] },
  opts: { wall?: boolean; device?: string; lang?: 'ja' | 'en' } = {},
): Promise<HqDevice> {
  const context = await browser.newContext({ viewport: WALL, timezoneId: 'Asia/Tokyo', acceptDownloads: true });
  await blockTiles(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const token = await server.token({ role: 'hq', device: opts.device ?? 'hq-desk-1' });
  if (opts.lang) {
    await page.goto(`${server.url}/hq/`);
    await page.evaluate((l) => localStorage.setItem('hinanjo:lang', l), opts.lang);
  }
  await page.goto(`${server.url}/hq/?token=${token}${opts.wall ? '&wall' : ''}`);
  await page.getByTestId('feed-status').waitFor();
  await expect.poll(() => page.getByTestId('feed-status').getAttribute('data-connection'), { timeout: 15_000 }).toBe('live');
  return { context, page, errors, token };
}

/** Tile requests fail at once, as they do offline. */
export async function blockTiles(context: BrowserContext): Promise<void> {
  await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (route) => route.abort());
}

/** The headcount shown in a shelter's row of the shelter table. */
export async function rowHeadcount(page: Page, shelterId: string): Promise<number | null> {
  const cell = page.locator(`[data-testid=shelter-table] tr[data-shelter-id="${shelterId}"] [data-testid=row-headcount]`);
  if ((await cell.count()) === 0) return null;
  const text = (await cell.textContent()) ?? '';
  return Number(text.split('/')[0].replace(/[^\d]/g, ''));
}

export async function hqTab(page: Page, tab: 'map' | 'board' | 'levels' | 'sos' | 'support' | 'hazards' | 'closures' | 'registry' | 'requests' | 'safety' | 'retention' | 'devices'): Promise<void> {
  await page.getByTestId(`tab-${tab}`).click();
}
