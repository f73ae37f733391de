// The digital evacuation switch on a phone: home marked with no network, the hazard there in
// plain words and a recommended switch with its reason, nothing of the home point in any
// request, the printed sheet; an alert delivered to the service worker; a report and an SOS made
// with no server, sent when it is back, and seen at HQ.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildHazardLayer } from '../../domain/hazard-layers';
import { startTestServer, type TestServer } from '../helpers/server';
import { DIST, openPage, pageErrors, phoneContext, setLevel, startSeededServer, axeSerious } from './resident-support';
import { useBrowserAndServer } from './support';
import { hqTab, openHq } from './hq-support';

const HOME = { latitude: 32.5047, longitude: 130.6043 };

async function seededWithHazards(): Promise<TestServer> {
  const server = await startSeededServer();
  const square = (lon: number, lat: number, size: number) => [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]];
  const flood = buildHazardLayer(
    [
      { type: 'Feature', properties: { 浸水深: '0.5m以上3.0m未満' }, geometry: { type: 'Polygon', coordinates: square(130.59, 32.49, 0.03) } },
      { type: 'Feature', properties: { 浸水深: '3.0m以上5.0m未満' }, geometry: { type: 'Polygon', coordinates: square(130.6, 32.5, 0.008) } },
    ],
    { kind: 'flood', property: '浸水深', values: { '0.5m以上3.0m未満': 1, '3.0m以上5.0m未満': 2 } },
    { id: 'kawabe-flood', name: '川辺川 洪水浸水想定区域', source: 'テスト', importedAt: new Date().toISOString() },
  ).layer;
  await server.server.evacuation!.hazards.put([flood]);
  return server;
}

/** Every request the phone makes (page and service worker), with its body. */
function recordRequests(context: BrowserContext): string[] {
  const seen: string[] = [];
  context.on('request', (r) => seen.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
  return seen;
}

async function workerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

describe('the evacuation switch on a phone', () => {
  const e2e = useBrowserAndServer(seededWithHazards);

  it('marks home with no network, says the hazard there in plain words, recommends a switch with its reason, and no request carries the home', async () => {
    const server = await seededWithHazards();
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'kawabe', switchLevel: 4 } });
    await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation(HOME);
    const requests = recordRequests(context);
    const page = await openPage(context, server.url);
    await workerReady(page);
    // the hazard maps are kept on the phone after the first visit
    await expect.poll(() => page.evaluate(async () => (await (await caches.open('hinanjo-hazards-v1')).keys()).length), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('home-privacy').textContent()).toContain('どこにも送信されません');

    await server.stop(); // no network path to the app at all
    await page.reload();
    await page.getByTestId('home-locate').click();
    await expect.poll(() => page.getByTestId('home-hazard').textContent(), { timeout: 10_000 }).toContain('3〜5 m: 2階の床まで水につかる');
    const rec = page.getByTestId('recommendation');
    expect(await rec.getAttribute('data-level')).toBe('3');
    expect(await rec.textContent()).toContain('3 m 以上');
    expect(await page.getByTestId('upstairs').textContent()).toContain('おすすめできません');
    expect(await page.getByTestId('plan-upstairs').count()).toBe(0);
    expect(await page.getByTestId('nearest-shelter').textContent()).toMatch(/洪水に対応した近くの開設中の避難所: 川辺小学校（(南西|西|南)へ約\d+ m）/);
    // someone needs help: the reason says so
    await page.getByTestId('home-needs-help').check();
    await expect.poll(() => rec.textContent()).toContain('避難に時間がかかる人');
    await page.getByTestId('recommendation-accept').click();
    await page.getByTestId('recommendation-accepted').waitFor();
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('hinanjo.resident.prefs.v1')!).switchLevel)).toBe(3);
    await page.getByTestId('plan-shelter').check();
    const sheet = await page.locator('.print-sheet').textContent();
    expect(sheet).toContain('家の危険: 洪水（川の氾濫）: 浸水の深さ 3〜5 m');
    expect(sheet).toContain('避難スイッチ: レベル3になったら避難する');
    expect(sheet).toContain('避難先: 避難所へ行く — 川辺小学校');

    // a point tapped on the map (the plain background: no tiles offline) replaces it
    await page.getByTestId('home-pick').click();
    const map = page.getByTestId('home-map');
    await page.locator('[data-testid=home-map].leaflet-container').waitFor();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.getByTestId('home-done').click();
    await page.getByTestId('home-hazard').waitFor();
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('hinanjo.resident.home.v1')))!).home).not.toEqual({ lat: HOME.latitude, lon: HOME.longitude });

    // Not one request carried the home point.
    const home = JSON.parse((await page.evaluate(() => localStorage.getItem('hinanjo.resident.home.v1')))!).home as { lat: number; lon: number };
    for (const r of requests) {
      for (const v of [HOME.latitude, HOME.longitude, home.lat, home.lon]) expect(r, r).not.toContain(String(v));
    }
    expect(await axeSerious(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  });

  it('an alert pushed to the service worker is shown as a notification; where the browser cannot subscribe the page says so', async () => {
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'kawabe', switchLevel: 4 } });
    await context.grantPermissions(['notifications']);
    const page = await openPage(context, e2e.server.url);
    await workerReady(page);
    // this headless Chromium has no push service: subscribing fails, and the page says so
    await page.getByTestId('push-on').click();
    await page.getByTestId('push-failed').waitFor({ timeout: 15_000 });
    const cdp = await context.newCDPSession(page);
    const registrations = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => {
        const r = e.registrations.find((x) => x.scopeURL.startsWith(e2e.server.url));
        if (r) resolve(r.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registrations;
    const payload = { district: 'kawabe', districtName: '川辺地区', level: 4, kind: 'evacuate', title: '【今すぐ避難】川辺地区 警戒レベル4', body: 'あなたの避難スイッチに達しました。今すぐ避難してください。', url: '/', at: new Date().toISOString() };
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: new URL(e2e.server.url).origin, registrationId, data: JSON.stringify(payload) });
    await expect
      .poll(() => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.title}|${n.body}|${n.tag}`)), { timeout: 10_000 })
      .toEqual([`${payload.title}|${payload.body}|hinanjo-kawabe`]);
    await context.close();
  });

  it('a report and an SOS made with no server wait on the phone, go when it is back, and HQ sees the SOS', async () => {
    const own = await seededWithHazards();
    await setLevel(own, 'kawabe', 4);
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'kawabe', switchLevel: 4 } });
    await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    await context.addInitScript(() => localStorage.setItem('hinanjo.resident.home.v1', JSON.stringify({ home: { lat: 32.5047, lon: 130.6043 }, needsHelp: true, plan: 'shelter' })));
    const page = await openPage(context, own.url);
    await page.getByTestId('evacuate-now').waitFor();
    await workerReady(page);

    await own.stop();
    await page.reload();
    await page.getByTestId('report-evacuated-shelter').click();
    await expect.poll(() => page.getByTestId('report-state').getAttribute('data-sent')).toBe('false');
    expect(await page.getByTestId('report-state').textContent()).toContain('未送信');
    await page.getByTestId('sos-open').click();
    await page.getByTestId('sos-send').click();
    await expect.poll(() => page.getByTestId('sos-error').textContent()).toContain('理由');
    await page.getByTestId('sos-people').fill('2');
    await page.getByTestId('sos-reason-wheelchair').check();
    await page.getByTestId('sos-phone').fill('090-0000-1111');
    await page.getByTestId('sos-send').click();
    await expect.poll(() => page.getByTestId('sos-error').textContent()).toContain('同意');
    await page.getByTestId('sos-consent').check();
    await page.getByTestId('sos-send').click();
    await expect.poll(() => page.getByTestId('sos-state').getAttribute('data-state')).toBe('queued');
    expect(await page.getByTestId('sos-card').textContent()).toContain('119');
    // a reload keeps what waits
    await page.reload();
    await expect.poll(() => page.getByTestId('sos-state').getAttribute('data-state')).toBe('queued');

    const back = await startTestServer({ dataDir: own.dataDir, port: own.port, distDir: DIST });
    try {
      await page.getByRole('button', { name: '今すぐ確認する' }).click();
      await expect.poll(() => page.getByTestId('report-state').getAttribute('data-sent'), { timeout: 15_000 }).toBe('true');
      await expect.poll(() => page.getByTestId('sos-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('received');
      await back.server.evacuation!.reports.refresh();
      back.server.derived.flushNow();
      const status = (await (await fetch(`${back.url}/api/public/status.json`)).json()) as { districts: { id: string; reports?: { evacuated: number; where: { shelter: number } } }[] };
      expect(status.districts.find((d) => d.id === 'kawabe')!.reports).toMatchObject({ evacuated: 1, where: { shelter: 1 } });

      // HQ sees it, takes it; the resident sees 対応中
      const hq = await openHq(e2e.browser, back);
      await hqTab(hq.page, 'sos');
      const row = hq.page.locator('[data-testid=sos-table] tr[data-sos-id]');
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      expect(await row.textContent()).toContain('車いす');
      expect(await row.textContent()).toContain('090-0000-1111');
      await row.getByTestId('sos-take').click();
      await expect.poll(() => row.getAttribute('data-state')).toBe('in-progress');
      await page.reload();
      await expect.poll(() => page.getByTestId('sos-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('in-progress');
      // a new SOS while HQ watches raises the alert
      await fetch(`${back.url}/api/public/sos`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ people: 1, reasons: ['isolated'], lat: 32.51, lon: 130.61, consent: true }),
      });
      await hq.page.getByTestId('sos-alert').waitFor({ timeout: 10_000 });
      expect(await axeSerious(hq.page)).toEqual([]);
      expect(hq.errors).toEqual([]);
      await hq.context.close();
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
      await back.stop();
    }
  });
});
