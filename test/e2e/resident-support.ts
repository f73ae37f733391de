// Shared set-up of the resident page's browser tests: a real server with a small seeded region,
// real Chromium at phone size, and the page's own localStorage keys.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HQ_DOC, shelterDocName, shelterMeta, type Level } from '../../domain/schema';
import { setDistrictLevel } from '../../domain/levels';
import { launchChromium } from '../helpers/browser';
import { ROOT, startTestServer, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';
import { DIST } from './support';

export { DIST };
export const PHONE = { width: 360, height: 740 };
export const PREFS_KEY = 'hinanjo.resident.prefs.v1';
export const CHECK_EVERY_KEY = 'hinanjo.resident.checkEveryMs';

export async function startSeededServer(): Promise<TestServer> {
  const server = await startTestServer({ distDir: DIST });
  await seedHq(server, {
    region: 'テスト市',
    districts: [
      { id: 'kawabe', name: '川辺地区', level: 2, issuedAt: '2026-11-22T00:00:00.000Z' },
      { id: 'yamate', name: '山手地区', level: 1, issuedAt: '2026-11-22T00:00:00.000Z' },
    ],
    shelters: [
      { id: 'kawabe-school', name: '川辺小学校', lat: 32.5, lon: 130.6, capacity: 300, districtId: 'kawabe', hazards: ['flood', 'earthquake'] },
      { id: 'kawabe-hall', name: '川辺公民館', lat: 32.505, lon: 130.605, capacity: 80, districtId: 'kawabe', hazards: ['earthquake'] },
      { id: 'kawabe-gym', name: '川辺体育館', lat: 32.51, lon: 130.61, capacity: 400, districtId: 'kawabe', hazards: ['flood'] },
      { id: 'yamate-school', name: '山手中学校', lat: 32.53, lon: 130.64, capacity: 500, districtId: 'yamate', hazards: ['flood', 'landslide'] },
    ],
  });
  // A shelter is open once its staff open it; one never opened shows as closed.
  await setShelterStatus(server, 'kawabe-school', 'open');
  await setShelterStatus(server, 'yamate-school', 'open');
  await setShelterStatus(server, 'kawabe-gym', 'closed');
  await setShelterStatus(server, 'kawabe-hall', 'full');
  // Ready once status.json says so (the public layers follow the shelters' documents within a
  // second): a phone that opens the page before would be told of the openings by the change
  // stream and fetch them at a random moment within 20 s, as every open page does.
  for (let i = 0; i < 200; i++) {
    const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { shelters: { id: string; status: string }[] };
    const of = (id: string) => status.shelters.find((s) => s.id === id)?.status;
    if (of('kawabe-school') === 'open' && of('yamate-school') === 'open' && of('kawabe-hall') === 'full') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return server;
}

export async function setShelterStatus(server: TestServer, id: string, status: 'open' | 'closed' | 'full') {
  await writeDoc(server, shelterDocName(id), (doc) => shelterMeta(doc).set('status', status));
}

/** Raises or lowers a level the way HQ does: setDistrictLevel on the hq document over WebSocket. */
/**
 * Sets a district's level as HQ does, and returns once status.json says so (it is derived within
 * a moment of the change): a page opened right after must not be served the level before.
 */
export async function setLevel(server: TestServer, districtId: string, level: Level) {
  await writeDoc(server, HQ_DOC, (doc) => {
    const r = setDistrictLevel(doc, districtId, level, { by: 'e2e', now: new Date() });
    if (!r.ok) throw new Error(`setDistrictLevel: ${r.error}`);
  });
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const status = (await (await fetch(`${server.url}/api/public/status.json`)).json()) as { districts: { id: string; level: number }[] };
    if (status.districts.find((d) => d.id === districtId)?.level === level) return;
  }
  throw new Error(`status.json did not show level ${level} for ${districtId} within 5 s`);
}

export async function phoneContext(browser: Browser, init?: { prefs?: object; checkEveryMs?: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  if (init)
    await context.addInitScript(
      ([prefsKey, prefs, checkKey, every]) => {
        // Only on the first load of the context: later reloads must see what the page saved.
        if (sessionStorage.getItem('e2e-init')) return;
        sessionStorage.setItem('e2e-init', '1');
        if (prefs) localStorage.setItem(prefsKey as string, JSON.stringify(prefs));
        if (every) localStorage.setItem(checkKey as string, String(every));
      },
      [PREFS_KEY, init.prefs ?? null, CHECK_EVERY_KEY, init.checkEveryMs ?? null] as const,
    );
  return context;
}

export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(url);
  await page.locator('header h1').waitFor();
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

const AXE = readFileSync(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Loads axe-core into the page. The app's Content-Security-Policy refuses inline scripts (a
 * script tag would be blocked, as it should be), so axe goes in through the DevTools protocol.
 */
export async function injectAxe(page: Page): Promise<void> {
  if ((await page.evaluate(() => typeof (window as { axe?: unknown }).axe)) !== 'undefined') return;
  await page.evaluate(AXE);
}

/** axe-core against WCAG 2.x A/AA; returns the serious and critical violations only. */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await injectAxe(page);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

export { launchChromium };
