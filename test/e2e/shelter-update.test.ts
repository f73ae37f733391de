// A new version of the app is announced on the tablet, never forced: what staff are typing stays
// on screen until they choose to reload.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { ROOT, startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { DIST, SHELTER_ID, SHELTER_NAME, enrolTablet, go, waitForServiceWorker } from './shelter-support';

let browser: Browser;
let work: string;
let server: TestServer | null = null;

beforeAll(async () => {
  browser = await launchChromium();
  work = mkdtempSync(join(tmpdir(), 'hinanjo-update-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A copy of the built PWA; `version` changes the service worker's bytes, as a new build would. */
function copyOfDist(name: string, version?: string): string {
  const dir = join(work, name);
  cpSync(resolve(ROOT, DIST), dir, { recursive: true });
  if (version) appendFileSync(join(dir, 'sw.js'), `\n// ${version}\n`);
  return dir;
}

describe('a new version', () => {
  it('is announced with a banner and applied only when staff choose to reload', async () => {
    const dataDir = tempDataDir();
    server = await startTestServer({ dataDir, distDir: copyOfDist('v1') });
    await seedHq(server, { shelters: [{ id: SHELTER_ID, name: SHELTER_NAME }] });
    const { context, page, errors } = await enrolTablet(browser, server, 'update');
    await waitForServiceWorker(page);
    // The second visit is controlled by the installed service worker, as every later one is.
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 10_000 }).toBe(true);

    await go(page, '#/check-in');
    await page.fill('#p0-name', '入力途中の名前');

    // The same server comes back on the same port with a new build.
    const port = server.port;
    await server.stop();
    server = await startTestServer({ dataDir, port, distDir: copyOfDist('v2', 'v2') });
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });

    await page.getByTestId('update-banner').waitFor({ timeout: 30_000 });
    const waiting = () => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null);
    expect(await waiting()).toBe(true);
    expect(await page.inputValue('#p0-name')).toBe('入力途中の名前');
    await page.waitForTimeout(1_000);
    expect(await page.inputValue('#p0-name')).toBe('入力途中の名前');

    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
    await page.getByTestId('shelter-name').waitFor();
    expect(await page.getByTestId('update-banner').count()).toBe(0);
    // The waiting version took over.
    expect(await waiting()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
