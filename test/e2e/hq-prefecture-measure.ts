// 800 shelters at HQ (not a test; prints JSON lines): how long the registry tab takes to open,
// the longest main-thread task meanwhile, and how many markers the map draws when grouped.
//   npx tsx test/e2e/hq-prefecture-measure.ts            (after npm run build)
import { startTestServer } from '../helpers/server';
import { launchChromium } from '../helpers/browser';
import { seedHq } from '../helpers/seed';

const N = 800;
const server = await startTestServer({ distDir: process.env.HINANJO_DIST ?? 'dist' });
const shelters = Array.from({ length: N }, (_, i) => ({
  id: `p${String(i).padStart(3, '0')}`,
  name: `県避難所${i + 1}`,
  lat: 32.0 + (i % 20) * 0.015,
  lon: 130.3 + Math.floor(i / 20) * 0.015,
  capacity: 100,
  districtId: `d${Math.floor(i / 80)}`,
}));
await seedHq(server, { region: '試験県', districts: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, name: `第${i + 1}地域` })), shelters });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
  const page = await context.newPage();
  await page.goto(`${server.url}/hq/?token=${await server.token({ role: 'hq' })}`);
  await page.waitForSelector('[data-cluster-size]', { timeout: 30_000 });
  const map = await page.evaluate(() => ({
    markers: document.querySelectorAll('.hj-shelter-marker').length,
    clusters: document.querySelectorAll('[data-cluster-size]').length,
  }));
  console.log(JSON.stringify({ name: 'hq map, 800 shelters', ...map, drawn: map.markers + map.clusters }));
  for (let run = 0; run < 3; run++) {
    await page.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.locator('nav a, nav button', { hasText: '避難所台帳' }).first().click();
    await page.waitForSelector('[data-testid=registry-table] tbody tr');
    const openMs = Date.now() - t0;
    await page.waitForTimeout(300);
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    const nodes = await page.evaluate(() => document.querySelectorAll('[data-testid=registry-table] *').length);
    console.log(JSON.stringify({ name: 'registry tab open, 800 shelters', run, openMs, longestTaskMs: Math.round(longest), tableNodes: nodes }));
    await page.locator('nav a, nav button', { hasText: '地図' }).first().click();
    await page.waitForTimeout(500);
  }
} finally {
  await browser.close();
  await server.stop();
}
