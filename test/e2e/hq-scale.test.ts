// 300 shelters on one wall: one WebSocket (the hq document) and one event stream, never one
// connection or one full document per shelter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';
import { shelterDocName } from '../../domain/schema';
import { seedShelterDoc } from './hq-scenario';
import { DIST, blockTiles, hqTab, rowHeadcount } from './hq-support';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { v7 } from 'uuid';

const N = 300;
const OPEN = 60;

describe('HQ at scale', () => {
  let browser: Browser;
  let server: TestServer;
  const shelters = Array.from({ length: N }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`,
    name: `避難所${i + 1}`,
    lat: 32.35 + (i % 20) * 0.015,
    lon: 130.5 + Math.floor(i / 20) * 0.02,
    capacity: 100,
    districtId: `d${Math.floor(i / 30)}`,
  }));

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedHq(server, { region: 'スケール試験市', districts: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, name: `第${i + 1}地区` })), shelters });
    for (const s of shelters.slice(0, OPEN)) await seedShelterDoc(server, s.id, { shelter: 5 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(`shows ${N} shelters over one WebSocket and one event stream, and stays live`, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await blockTiles(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
    const streams: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/hq/overview')) streams.push(new URL(r.url()).pathname);
    });
    await page.goto(`${server.url}/hq/?token=${await server.token({ role: 'hq' })}&wall`);
    await expect.poll(() => page.locator('.hj-shelter-marker').count(), { timeout: 20_000 }).toBe(N);
    await expect.poll(() => page.getByTestId('total-shelter').textContent()).toContain(String(OPEN * 5));

    // a change in one shelter reaches the wall through the same stream
    await writeDoc(server, shelterDocName('s000'), (doc) => {
      checkInHousehold(doc, [{ ...emptyPersonInput(), name: '追加 一郎' }], { now: new Date(), newId: v7 });
    });
    await expect.poll(() => page.getByTestId('total-shelter').textContent(), { timeout: 5_000 }).toContain(String(OPEN * 5 + 1));
    expect(await rowHeadcount(page, 's000')).toBe(6);
    // the wall's list covers every shelter, a page at a time (it turns by itself)
    const more = page.getByTestId('table-more');
    const perPage = Number(await page.getByTestId('wall-panel').getAttribute('data-rows'));
    expect(perPage).toBeGreaterThanOrEqual(10);
    expect(await more.getAttribute('data-pages')).toBe(String(Math.ceil(N / perPage)));
    expect(await more.textContent()).toContain(`全 ${N}か所`);

    expect(sockets).toEqual(['/sync/hq']);
    expect(streams).toEqual(['/api/hq/overview/events']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it(`the registry tab with ${N} shelters: a page of 100 in name order, a filter, more on request, and a typed capacity kept while filtered out`, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo' });
    await blockTiles(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/hq/?token=${await server.token({ role: 'hq' })}`);
    await hqTab(page, 'registry');
    const rows = page.locator('[data-testid=registry-table] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(100);
    expect(await page.getByTestId('registry-showing').textContent()).toBe(`${N} か所中 100 か所を表示`);
    await page.getByTestId('registry-more').click();
    await expect.poll(() => rows.count()).toBe(200);

    // a capacity typed for 避難所7, then filtered away and back: still there, unsaved
    await page.getByTestId('registry-filter').fill('避難所7');
    await expect.poll(() => rows.count()).toBe(11); // 避難所7, 避難所70–79
    const row7 = page.locator('[data-testid=registry-table] tr[data-shelter-id=s006]');
    await row7.getByTestId('capacity-input').fill('321');
    await page.getByTestId('registry-filter').fill('避難所12');
    await expect.poll(() => row7.count()).toBe(0);
    await page.getByTestId('registry-filter').fill('避難所7');
    expect(await row7.getByTestId('capacity-input').inputValue()).toBe('321');
    await page.getByTestId('registry-filter').fill('見つからない名前');
    await expect.poll(() => rows.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
