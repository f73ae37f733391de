// Takes the HQ and tablet-map screenshots in docs/screenshots (not a test):
//   npx vite build --outDir /tmp/dist-hq --emptyOutDir && HINANJO_DIST=/tmp/dist-hq npx tsx test/e2e/hq-screenshots.ts
// The demo city of hq-scenario.ts, three districts with raised levels, two closures; tiles are
// blocked, as on a machine with no internet.
import { resolve } from 'node:path';
import { startTestServer } from '../helpers/server';
import { launchChromium } from '../helpers/browser';
import { seedCity } from './hq-scenario';
import { writeDoc } from '../helpers/seed';
import { setDistrictLevel } from '../../domain/levels';
import { addClosure } from '../../domain/closures';

const OUT = process.env.OUT ?? resolve(import.meta.dirname, '../../docs/screenshots');
const server = await startTestServer({ distDir: process.env.HINANJO_DIST ?? 'dist' });
await seedCity(server);
await writeDoc(server, 'hq', (doc) => {
  setDistrictLevel(doc, 'sakamoto', 3, { by: '防災課 端末A', now: new Date(Date.now() - 3 * 3600e3) });
  setDistrictLevel(doc, 'kagami', 3, { by: '防災課 端末A', now: new Date(Date.now() - 2 * 3600e3) });
  setDistrictLevel(doc, 'honmachi', 4, { by: '防災課 端末B', now: new Date(Date.now() - 1 * 3600e3) });
  addClosure(doc, { id: 'c1', geometry: { type: 'LineString', coordinates: [[130.585, 32.52], [130.6, 32.515], [130.615, 32.512], [130.64, 32.5]] }, reason: '冠水（国道3号）', since: new Date(Date.now() - 3600e3).toISOString(), until: null, source: 'hq' });
  addClosure(doc, { id: 'c2', geometry: { type: 'Polygon', coordinates: [[[130.64, 32.46], [130.66, 32.46], [130.66, 32.45], [130.64, 32.45], [130.64, 32.46]]] }, reason: '土砂崩れ', since: new Date(Date.now() - 3600e3).toISOString(), until: new Date(Date.now() + 86400e3).toISOString(), source: 'hq' });
});
const token = await server.token({ role: 'hq', device: '防災課 端末A' });
const browser = await launchChromium();
const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Tokyo' });
await ctx.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
const page = await ctx.newPage();
page.on('console', (m) => { if (!m.text().includes('ERR_FAILED')) console.log('console:', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(`${server.url}/hq/?token=${token}`);
await page.waitForSelector('[data-testid=shelter-table] tbody tr');
await page.waitForTimeout(1500);
await page.screenshot({ path: `${OUT}/hq-map.png` });
await page.locator('.hj-shelter-marker--crowded').first().click({ force: true });
await page.waitForTimeout(500);
await page.screenshot({ path: `${OUT}/hq-popup.png` });
await page.goto(`${server.url}/hq/?wall`);
await page.waitForSelector('[data-testid=wall]');
await page.waitForTimeout(1500);
await page.screenshot({ path: `${OUT}/hq-wall.png` });
for (const tab of ['levels', 'closures', 'registry', 'requests']) {
  await page.goto(`${server.url}/hq/#/${tab}`);
  await page.waitForTimeout(1000);
  if (tab === 'registry') {
    await page.getByTestId('registry-file').setInputFiles(resolve(import.meta.dirname, '../fixtures/gsi-emergency-sites-utf8-bom.csv'));
    await page.waitForTimeout(500);
  }
  if (tab === 'levels') {
    const row = page.locator('[data-testid=levels-table] tr[data-district-id=hinagu]');
    await row.getByTestId('level-select').selectOption('5');
    await row.getByTestId('level-apply').click();
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: `${OUT}/hq-${tab}.png` });
}
await page.evaluate(() => localStorage.setItem('hinanjo:lang', 'en'));
await page.goto(`${server.url}/hq/?wall`);
await page.waitForTimeout(1500);
await page.screenshot({ path: `${OUT}/hq-wall-en.png` });

const tctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Tokyo' });
await tctx.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
const tpage = await tctx.newPage();
tpage.on('pageerror', (e) => console.log('tablet pageerror:', e.message));
const stoken = await server.token({ role: 'staff', shelter: 'dai1-sho', device: 'tablet-1' });
await tpage.goto(`${server.url}/shelter/?token=${stoken}`);
await tpage.waitForTimeout(1500);
await tpage.evaluate(() => (location.hash = '#/map'));
await tpage.waitForTimeout(2000);
await tpage.screenshot({ path: `${OUT}/shelter-map.png` });
await server.stop();

// The wall of `npm start`'s demo region.
const demo = await startTestServer({ distDir: process.env.HINANJO_DIST ?? 'dist', demo: true });
const dpage = await ctx.newPage();
await dpage.goto(`${demo.url}/hq/?token=${await demo.token({ role: 'hq' })}&wall`);
await dpage.evaluate(() => localStorage.setItem('hinanjo:lang', 'ja'));
await dpage.reload();
await dpage.waitForSelector('[data-testid=shelter-table] tbody tr');
await dpage.waitForTimeout(2000);
await dpage.screenshot({ path: `${OUT}/hq-wall-demo.png` });
await demo.stop();
await browser.close();
