// Names on maps are text, never markup. A shelter name or closure reason such as
// `<img src=x onerror=…>` — typed at HQ or arriving in an imported file — must show as those
// characters on every map (resident, HQ, tablet) and never run. Each feature is hovered so its
// tooltip is built; no image may appear inside a tooltip, no dialog may open, and the text must
// be shown literally.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HQ_DOC, shelterDocName, shelterMeta } from '../../domain/schema';
import { addClosure } from '../../domain/closures';
import { useBrowserAndServer } from './support';
import { startShelterServer, enrolTablet, go, SHELTER_ID } from './shelter-support';
import { openHq } from './hq-support';
import { writeDoc } from '../helpers/seed';
import { openPage, phoneContext } from './resident-support';

const PAYLOAD = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(1)">';

describe('map labels from documents are shown as text', () => {
  const e2e = useBrowserAndServer(async () => {
    const server = await startShelterServer({
      districts: [{ id: 'kawabe', name: `地区${PAYLOAD}` }],
      shelters: [
        { id: SHELTER_ID, name: '川辺小学校', capacity: 200, districtId: 'kawabe', lat: 32.5, lon: 130.6 },
        { id: 'evil', name: `避難所${PAYLOAD}`, capacity: 50, districtId: 'kawabe', lat: 32.503, lon: 130.603 },
      ],
    });
    await writeDoc(server, HQ_DOC, (doc) => {
      const r = addClosure(doc, {
        id: 'c-evil',
        geometry: { type: 'LineString', coordinates: [[130.62, 32.49], [130.63, 32.49]] },
        reason: `通行止め${PAYLOAD}`,
        since: new Date(Date.now() - 3600_000).toISOString(),
        until: null,
        source: 'test',
      });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    });
    for (const id of [SHELTER_ID, 'evil']) await writeDoc(server, shelterDocName(id), (doc) => shelterMeta(doc).set('status', 'open'));
    return server;
  });

  /** Hovers every shelter marker and closure on the page's map, then checks what the tooltips hold. */
  async function hoverAllAndCheck(page: Page, dialogs: string[]): Promise<string> {
    const features = page.locator('path.leaflet-interactive');
    await expect.poll(() => features.count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const n = await features.count();
    let seen = '';
    for (let i = 0; i < n; i++) {
      const f = features.nth(i);
      await f.scrollIntoViewIfNeeded();
      const box = await f.boundingBox();
      if (!box) continue;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForTimeout(80);
      seen += (await page.locator('.leaflet-tooltip').allTextContents()).join('\n');
    }
    seen += (await page.locator('.leaflet-marker-icon, .hj-district-label').allTextContents()).join('\n');
    expect(await page.locator('.leaflet-tooltip img, .leaflet-popup img, .hj-district-label img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0)).toBe(0);
    expect(dialogs).toEqual([]);
    return seen;
  }

  function watchDialogs(page: Page): string[] {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return dialogs;
  }

  it('on the resident map a shelter name and a closure reason with markup show as text', async () => {
    const context = await phoneContext(e2e.browser, { prefs: { lang: 'ja', districtId: 'kawabe', switchLevel: 4 } });
    await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    const page = await openPage(context, e2e.server.url);
    const dialogs = watchDialogs(page);
    await page.locator('.level-card').waitFor();
    await page.getByRole('button', { name: '地図で見る' }).click();
    await page.locator('[data-testid="closures-map"].leaflet-container').waitFor();
    const seen = await hoverAllAndCheck(page, dialogs);
    expect(seen).toContain('避難所<img');
    expect(seen).toContain('通行止め<img');
    await context.close();
  });

  it('on the HQ wall and desk maps they show as text', async () => {
    const hq = await openHq(e2e.browser, e2e.server);
    const dialogs = watchDialogs(hq.page);
    const seen = await hoverAllAndCheck(hq.page, dialogs);
    expect(seen).toContain('避難所<img');
    expect(seen).toContain('通行止め<img');
    expect(seen).toContain('地区<img');
    await hq.context.close();
  });

  it("on the tablet's map they show as text", async () => {
    const tablet = await enrolTablet(e2e.browser, e2e.server);
    await tablet.context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    const dialogs = watchDialogs(tablet.page);
    await go(tablet.page, '#/map');
    await tablet.page.getByTestId('shelter-map').waitFor();
    const seen = await hoverAllAndCheck(tablet.page, dialogs);
    expect(seen).toContain('避難所<img');
    expect(seen).toContain('通行止め<img');
    await tablet.context.close();
  });
});
