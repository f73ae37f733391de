// 300 shelters on one wall (not a test; prints numbers and takes docs/screenshots/hq-wall-300.png):
//   HINANJO_DIST=/tmp/dist-hq npx tsx test/e2e/hq-scale-measure.ts
// Shows that the wall opens one WebSocket (the hq document) and one event stream, whatever the
// number of shelters, and how big the overview is.
import { resolve } from 'node:path';
import { startTestServer } from '../helpers/server';
import { launchChromium } from '../helpers/browser';
import { seedHq } from '../helpers/seed';
import { seedShelterDoc } from './hq-scenario';

const server = await startTestServer({ distDir: process.env.HINANJO_DIST ?? 'dist' });
const N = 300;
const shelters = Array.from({ length: N }, (_, i) => ({
  id: `s${String(i).padStart(3, '0')}`,
  name: `避難所${i + 1}`,
  lat: 32.35 + (i % 20) * 0.015 + ((i * 7) % 5) * 0.002,
  lon: 130.5 + Math.floor(i / 20) * 0.02 + ((i * 3) % 7) * 0.002,
  capacity: 50 + ((i * 37) % 400),
  districtId: `d${i % 10}`,
}));
await seedHq(server, { region: 'スケール試験市', districts: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, name: `第${i + 1}地区` })), shelters });
let t = Date.now();
for (const [i, s] of shelters.entries()) {
  if (i % 3 === 0) continue; // a third never opened
  await seedShelterDoc(server, s.id, { shelter: (i * 13) % (s.capacity + 20), car: i % 7, needs: [['wheelchair']], requests: i % 10 === 0 ? [{ item: 'water', quantity: 100 }] : [] });
}
console.log('seeded shelter docs in', Date.now() - t, 'ms');
const token = await server.token({ role: 'hq' });
const res = await fetch(`${server.url}/api/hq/overview`, { headers: { Authorization: `Bearer ${token}` } });
const body = await res.text();
console.log('overview bytes', body.length, 'shelters', JSON.parse(body).shelters.length);
await new Promise((r) => setTimeout(r, 2000));
const again = JSON.parse(await (await fetch(`${server.url}/api/hq/overview`, { headers: { Authorization: `Bearer ${token}` } })).text());
const ids = new Set(again.shelters.map((x: { shelterId: string }) => x.shelterId));
console.log('after 2 s', again.shelters.length, 'missing', shelters.filter((s, i) => i % 3 !== 0 && !ids.has(s.id)).map((s) => s.id).join(' '));
const browser = await launchChromium();
const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Tokyo' });
await ctx.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
const page = await ctx.newPage();
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const ws: string[] = [];
page.on('websocket', (w) => ws.push(w.url().split('?')[0]));
t = Date.now();
await page.goto(`${server.url}/hq/?token=${token}&wall`);
await page.waitForFunction((n) => document.querySelectorAll('.hj-shelter-marker').length >= n, N);
console.log('wall with', N, 'markers in', Date.now() - t, 'ms; websockets:', ws);
await page.waitForTimeout(1000);
const mem = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize);
console.log('JS heap', mem);
await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/hq-wall-300.png') });
await browser.close();
await server.stop();
