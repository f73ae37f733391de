// Road closures: drawn on the HQ map, they reach the public GeoJSON layer and the tablet's map;
// a GeoJSON import shows a preview, imports the valid features and updates on re-import.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../helpers/server';
import type { ClosureFeatureCollection } from '../../domain/closures';
import { enrolTablet, go, startShelterServer, SHELTER_ID, SHELTER_NAME } from './shelter-support';
import { blockTiles, hqTab, openHq } from './hq-support';
import { axeSerious, phoneContext } from './resident-support';
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

  it('a QGIS export with Japanese keys, a crs, 3-D lines, a polygon and a null geometry: preview, import the valid ones, re-import updates', async () => {
    const hq = await openHq(e2e.browser, e2e.server);
    const { page } = hq;
    await hqTab(page, 'closures');
    const qgis = readFileSync(resolve(ROOT, 'test/fixtures/closures-qgis.geojson'));
    const file = (buffer: Buffer, name = '通行規制.geojson') => ({ name, mimeType: 'application/geo+json', buffer });

    await page.getByTestId('closure-import').setInputFiles(file(qgis));
    const preview = page.getByTestId('closure-preview');
    await preview.waitFor();
    // the guessed mapping, in the officer's language
    expect(await page.getByTestId('closure-map-reason').inputValue()).toBe('理由');
    expect(await page.getByTestId('closure-map-kind').inputValue()).toBe('規制内容');
    expect(await page.getByTestId('closure-map-road').inputValue()).toBe('路線名');
    expect(await page.getByTestId('closure-map-since').inputValue()).toBe('開始');
    expect(await page.getByTestId('closure-preview-counts').textContent()).toBe('追加 3 件・更新 0 件・読み込まない 1 件');
    expect(await page.getByTestId('closure-preview-skipped').textContent()).toContain('3 件目: 形状(geometry)がありません');
    // nothing is written before "import"
    expect((await geojson()).features).toHaveLength(0);
    await page.getByTestId('closure-import-confirm').click();
    const result = page.getByTestId('closure-import-result');
    await expect.poll(() => result.textContent()).toContain('通行止めを 3 件追加、0 件更新しました(1 件は読み込んでいません)');
    await expect.poll(async () => (await geojson()).features.map((f) => f.properties.road).sort(), { timeout: 5_000 }).toEqual(['国道3号', '市道 川辺線', '県道14号']);
    const national = (await geojson()).features.find((f) => f.properties.road === '国道3号')!;
    expect(national.properties.reason).toBe('全面通行止め(冠水)');
    expect(national.properties.since).toBe('2026-11-30T21:00:00.000Z');
    expect(national.geometry).toEqual({ type: 'MultiLineString', coordinates: [[[130.601, 32.501], [130.605, 32.503], [130.609, 32.506]]] });

    // the same file again (one end time moved): updates, never duplicates; the mapping is remembered
    const changed = JSON.parse(qgis.toString());
    changed.features[1].properties['終了'] = '2099/06/30 12:00';
    await page.getByTestId('closure-import').setInputFiles(file(Buffer.from(JSON.stringify(changed))));
    await preview.waitFor();
    expect(await page.getByTestId('closure-preview-counts').textContent()).toBe('追加 0 件・更新 3 件・読み込まない 1 件');
    await page.getByTestId('closure-import-confirm').click();
    await expect.poll(() => result.textContent()).toContain('0 件追加、3 件更新');
    await expect.poll(async () => (await geojson()).features.find((f) => f.properties.road === '県道14号')?.properties.until).toBe('2099-06-30T03:00:00.000Z');
    expect((await geojson()).features).toHaveLength(3);

    // another coordinate system is refused with its name, and nothing changes
    const plane = JSON.parse(qgis.toString());
    plane.crs.properties.name = 'urn:ogc:def:crs:EPSG::6677';
    await page.getByTestId('closure-import').setInputFiles(file(Buffer.from(JSON.stringify(plane))));
    await expect.poll(() => result.textContent()).toContain('座標系「urn:ogc:def:crs:EPSG::6677」には対応していません');
    await page.getByTestId('closure-import').setInputFiles(file(Buffer.from('{not json'), 'x.geojson'));
    await expect.poll(() => result.textContent()).toContain('JSONとして読めない');

    // the resident page's closures list and map layer show them, with where they are
    const resident = await phoneContext(e2e.browser, { prefs: { lang: 'ja' } });
    await resident.route(/^https?:\/\/(?!localhost|127\.0\.0\.1)/, (r) => r.abort());
    const phone = await resident.newPage();
    await phone.goto(e2e.server.url);
    await expect.poll(() => phone.locator('.closure-list').textContent(), { timeout: 15_000 }).toContain('国道3号');
    await phone.getByRole('button', { name: '地図で見る' }).click();
    await expect.poll(() => phone.locator('[data-testid="closures-map"] path.hj-closure').count(), { timeout: 10_000 }).toBe(3);
    await resident.close();

    // export gives back what is in force
    const download = page.waitForEvent('download');
    await page.getByTestId('closure-export').click();
    const exported = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString())) as ClosureFeatureCollection;
    expect(exported.features).toHaveLength(3);

    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
