// Road closures: drawn on the HQ map, they reach the public GeoJSON layer and the tablet's map;
// a GeoJSON import is all or nothing.
import { describe, expect, it } from 'vitest';
import type { ClosureFeatureCollection } from '../../domain/closures';
import { enrolTablet, go, startShelterServer, SHELTER_ID, SHELTER_NAME } from './shelter-support';
import { blockTiles, hqTab, openHq } from './hq-support';
import { axeSerious } from './resident-support';
import { useBrowserAndServer } from './support';

describe('HQ road closures', () => {
  const e2e = useBrowserAndServer(() =>
    startShelterServer({
      shelters: [
        { id: SHELTER_ID, name: SHELTER_NAME, capacity: 200, districtId: 'kawabe', lat: 32.5, lon: 130.6 },
        { id: 'yamate-hall', name: '山手公民館', capacity: 50, districtId: 'kawabe', lat: 32.51, lon: 130.61 },
      ],
    }),
  );

  const geojson = async () => (await (await fetch(`${e2e.server.url}/api/public/road-closures.geojson`)).json()) as ClosureFeatureCollection;

  it("a closure drawn on HQ appears in road-closures.geojson and on the tablet's map", async () => {
    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'closures');
    const map = page.getByTestId('hq-map');
    await map.waitFor();
    await expect.poll(() => page.locator('.hj-shelter-marker').count()).toBe(2);
    const box = (await map.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;

    // Draw a line with Leaflet-Geoman: three clicks, then the last point again to finish.
    await page.locator('.leaflet-pm-icon-polyline').click();
    await page.mouse.click(cx - 150, cy + 40);
    await page.mouse.click(cx, cy + 60);
    await page.mouse.click(cx + 150, cy + 30);
    await page.mouse.click(cx + 150, cy + 30);
    const form = page.getByTestId('closure-form');
    await form.waitFor();

    // no reason: refused next to the field, nothing saved
    await page.getByTestId('closure-save').click();
    await expect.poll(() => form.locator('.field__error').first().textContent()).toBe('理由を入力してください。');
    expect((await geojson()).features).toHaveLength(0);

    await page.getByTestId('closure-reason').fill('冠水のため通行止め');
    await page.getByTestId('closure-save').click();
    await expect.poll(async () => (await geojson()).features.length, { timeout: 5_000 }).toBe(1);
    const feature = (await geojson()).features[0];
    expect(feature.geometry.type).toBe('LineString');
    expect((feature.geometry.coordinates as number[][]).length).toBe(3);
    expect(feature.properties.reason).toBe('冠水のため通行止め');
    expect(feature.properties.until).toBeNull();
    await expect.poll(() => page.locator('.hq-mapview [data-closure-id]').count()).toBeGreaterThan(0);

    // The tablet shows it on its map and in its list of nearby closures.
    const tablet = await enrolTablet(e2e.browser, e2e.server);
    await blockTiles(tablet.context);
    await go(tablet.page, '#/map');
    await tablet.page.getByTestId('shelter-map').waitFor();
    await expect.poll(() => tablet.page.locator(`[data-testid=shelter-map] path[data-closure-id="${feature.id}"]`).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => tablet.page.getByTestId('nearby-closures').textContent()).toContain('冠水のため通行止め');
    // other shelters from the public status, this one as "this shelter"
    await expect.poll(() => tablet.page.locator('[data-testid=shelter-map] .hj-shelter-marker').count()).toBe(1);
    expect(await tablet.page.getByTestId('nearest-shelters').textContent()).toContain('山手公民館');
    expect(await axeSerious(tablet.page), 'tablet map').toEqual([]);

    // Edited at HQ: redrawn as an area, with an end time (an end before the start is refused).
    await page.getByTestId('closure-edit').click();
    await form.waitFor();
    await page.locator('.leaflet-pm-icon-rectangle').click();
    await page.mouse.click(cx - 60, cy - 60);
    await page.mouse.click(cx + 60, cy + 20);
    await page.getByTestId('closure-until').fill('2020-01-01T00:00');
    await page.getByTestId('closure-save').click();
    await expect.poll(() => form.locator('.field__error').first().textContent()).toBe('終了は開始より後にしてください。');
    await page.getByTestId('closure-until').fill('2099-01-01T09:00');
    await page.getByTestId('closure-save').click();
    await expect.poll(async () => (await geojson()).features[0]?.geometry.type, { timeout: 5_000 }).toBe('Polygon');
    const edited = (await geojson()).features[0];
    expect(edited.id).toBe(feature.id);
    expect(edited.properties.until).toBe('2099-01-01T00:00:00.000Z'); // 09:00 in Japan
    expect(edited.properties.reason).toBe('冠水のため通行止め');

    // Deleted at HQ: gone from the public layer and from the tablet.
    await page.getByTestId('closure-delete').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(async () => (await geojson()).features.length, { timeout: 5_000 }).toBe(0);
    await expect.poll(() => tablet.page.locator('[data-testid=shelter-map] path[data-closure-id]').count(), { timeout: 10_000 }).toBe(0);

    expect(hq.errors).toEqual([]);
    expect(tablet.errors).toEqual([]);
    await tablet.context.close();
    await hq.context.close();
  });

  it('a GeoJSON import with one bad feature adds nothing and lists what was wrong; a good one adds all', async () => {
    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'closures');
    const good = {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [[130.6, 32.5], [130.61, 32.505]] },
      properties: { reason: '橋梁点検', since: '2026-01-01T00:00:00Z' },
    };
    const bad = { type: 'Feature', geometry: { type: 'Point', coordinates: [130.6, 32.5] }, properties: {} };
    const file = (features: unknown[]) => ({
      name: 'closures.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
    });

    await page.getByTestId('closure-import').setInputFiles(file([good, bad]));
    const result = page.getByTestId('closure-import-result');
    await expect.poll(() => result.textContent()).toContain('何も追加していません');
    expect(await result.textContent()).toContain('feature 1');
    await page.waitForTimeout(500);
    expect((await geojson()).features).toHaveLength(0);

    await page.getByTestId('closure-import').setInputFiles({ name: 'x.geojson', mimeType: 'application/json', buffer: Buffer.from('{not json') });
    await expect.poll(() => result.textContent()).toContain('JSONとして読めない');

    await page.getByTestId('closure-import').setInputFiles(file([good, { ...good, properties: { reason: '落石' } }]));
    await expect.poll(() => result.textContent()).toContain('2件の通行止めを読み込みました');
    await expect.poll(async () => (await geojson()).features.map((f) => f.properties.reason).sort(), { timeout: 5_000 }).toEqual(['橋梁点検', '落石']);

    // export gives back what is in force
    const download = page.waitForEvent('download');
    await page.getByTestId('closure-export').click();
    const exported = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString())) as ClosureFeatureCollection;
    expect(exported.features.map((f) => f.properties.reason).sort()).toEqual(['橋梁点検', '落石']);

    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
