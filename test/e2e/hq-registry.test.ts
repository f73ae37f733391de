// Shelter registry import from the files municipalities publish, in each format and encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import type { PublicStatus } from '../../domain/public-status';
import { DIST, hqTab, openHq } from './hq-support';

const fixture = (name: string) => resolve(import.meta.dirname, '../fixtures', name);

describe('HQ shelter registry', () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ distDir: DIST });
    await seedHq(server, { region: '八代市', districts: [{ id: 'honmachi', name: '本町地区' }, { id: 'kagami', name: '鏡地区' }], shelters: [] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const publicShelters = async () => ((await (await fetch(`${server.url}/api/public/status.json`)).json()) as PublicStatus).shelters;

  it('imports each fixture (UTF-8, UTF-8 with BOM, Shift_JIS) after a preview that reports bad rows; a re-import adds nothing', async () => {
    const hq = await openHq(browser, server);
    const { page } = hq;
    await hqTab(page, 'registry');
    const preview = page.getByTestId('registry-preview');

    // GSI 指定避難所, UTF-8
    await page.getByTestId('registry-file').setInputFiles(fixture('gsi-shelters-utf8.csv'));
    await expect.poll(() => preview.getAttribute('data-format')).toBe('gsi-shelter');
    expect(await preview.getAttribute('data-encoding')).toBe('utf-8');
    expect(await page.getByTestId('preview-add').textContent()).toBe('追加 3件');
    const bad = await page.getByTestId('bad-rows').textContent();
    expect(bad).toContain('6行目: 名称がありません');
    expect(bad).toContain('7行目: 緯度が正しくありません 北緯32.5');
    expect(bad).toContain('8行目: 列の数が見出しと合いません');
    await page.locator('#registry-district').selectOption('honmachi');
    // GSI files carry no capacity: HQ sets one for the new shelters here
    await page.getByTestId('registry-capacity').fill('150');
    await page.getByTestId('registry-apply').click();
    await expect.poll(() => page.getByTestId('registry-applied').textContent()).toBe('3件を追加、0件を更新しました。');
    await expect.poll(async () => (await publicShelters()).length, { timeout: 5_000 }).toBe(3);
    expect((await publicShelters()).every((s) => s.districtId === 'honmachi' && s.capacity === 150)).toBe(true);
    // 受入対象者 and 備考 are kept and shown
    expect(await page.locator('[data-testid=registry-table] tr', { hasText: '八代福祉センター' }).getByTestId('registry-remarks').textContent()).toContain('要配慮者');

    // GSI 指定緊急避難場所, UTF-8 with BOM: one site is the same school (same name and address)
    await page.getByTestId('registry-file').setInputFiles(fixture('gsi-emergency-sites-utf8-bom.csv'));
    await expect.poll(() => preview.getAttribute('data-format')).toBe('gsi-emergency');
    expect(await preview.getAttribute('data-encoding')).toBe('utf-8-bom');
    expect(await page.getByTestId('preview-add').textContent()).toBe('追加 2件');
    expect(await page.getByTestId('preview-update').textContent()).toBe('更新 1件');
    // "更新 1件" says what changes: the hazards the emergency-site file adds
    expect(await page.getByTestId('preview-update-row').textContent()).toContain('災害種別:');
    // in words, not the stored keys
    expect(await page.getByTestId('preview-update-row').textContent()).toContain('洪水');
    expect(await page.getByTestId('preview-update-row').textContent()).not.toMatch(/flood|storm-surge|earthquake/);
    expect(await page.getByTestId('bad-rows').textContent()).toContain('5行目: 経度が正しくありません 200.5');
    await page.getByTestId('registry-apply').click();
    await expect.poll(async () => (await publicShelters()).length, { timeout: 5_000 }).toBe(5);
    const school = (await publicShelters()).find((s) => s.name === '八代第一小学校');
    expect(school?.hazards).toEqual(['flood', 'storm-surge', 'earthquake', 'tsunami', 'fire']);

    // デジタル庁 推奨データセット, Shift_JIS, with capacities
    await page.getByTestId('registry-file').setInputFiles(fixture('digital-agency-emergency-sites-sjis.csv'));
    await expect.poll(() => preview.getAttribute('data-format')).toBe('digital-agency-emergency');
    expect(await preview.getAttribute('data-encoding')).toBe('shift_jis');
    expect(await page.getByTestId('preview-add').textContent()).toBe('追加 2件');
    const badSjis = await page.getByTestId('bad-rows').textContent();
    expect(badSjis).toContain('4行目: 収容人数が数値ではありません 約80');
    expect(badSjis).toContain('6行目: IDがファイル内で重複しています');
    await page.getByTestId('registry-apply').click();
    await expect.poll(async () => (await publicShelters()).length, { timeout: 5_000 }).toBe(7);
    expect((await publicShelters()).find((s) => s.name === '八代北中学校')?.capacity).toBe(420);

    // the same file again: nothing to add, nothing to update
    await page.getByTestId('registry-file').setInputFiles(fixture('digital-agency-emergency-sites-sjis.csv'));
    await expect.poll(() => page.getByTestId('preview-add').textContent()).toBe('追加 0件');
    expect(await page.getByTestId('preview-update').textContent()).toBe('更新 0件');
    expect(await page.getByTestId('registry-apply').isDisabled()).toBe(true);

    // GSI publishes the same tables as GeoJSON: a new shelter from a GeoJSON file
    const geo = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [130.59, 32.52] }, properties: { NO: 9, 共通ID: '432020009', '都道府県名及び市町村名': '熊本県八代市', '施設・場所名': '八代港ターミナル', 住所: '熊本県八代市新港町1', 受入対象者: '', 備考: '2階以上' } },
      ],
    };
    await page.getByTestId('registry-file').setInputFiles({ name: 'shelters.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(geo)) });
    await expect.poll(() => preview.getAttribute('data-format')).toBe('gsi-shelter');
    expect(await page.getByTestId('preview-add').textContent()).toBe('追加 1件');
    await page.getByTestId('registry-apply').click();
    await expect.poll(async () => (await publicShelters()).length, { timeout: 5_000 }).toBe(8);

    // a file that is none of the formats is refused with what its header was
    await page.getByTestId('registry-file').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') });
    await expect.poll(() => page.getByTestId('registry-error').textContent()).toContain('a, b');

    // capacity from floor area: 700 m² at 3.5 m² per person is 200 people
    const row = page.locator('[data-testid=registry-table] tr', { hasText: '八代中央公民館' });
    await row.getByTestId('area-input').fill('700');
    await row.getByTestId('area-compute').click();
    expect(await row.getByTestId('capacity-input').inputValue()).toBe('200');
    await row.getByTestId('capacity-save').click();
    await expect.poll(async () => (await publicShelters()).find((s) => s.name === '八代中央公民館')?.capacity, { timeout: 5_000 }).toBe(200);
    // a capacity that is not a number is refused next to the field and changes nothing
    await row.getByTestId('capacity-input').fill('たくさん');
    await row.getByTestId('capacity-save').click();
    await expect.poll(() => row.locator('.field__error').textContent()).toBe('数値を入力してください');

    // the region's name, as the public status shows it
    await page.getByTestId('region-name').fill('八代市 災害対策本部');
    await page.getByTestId('region-save').click();
    await expect.poll(async () => ((await (await fetch(`${server.url}/api/public/status.json`)).json()) as PublicStatus).region, { timeout: 5_000 }).toBe('八代市 災害対策本部');

    // a shelter added by hand; a latitude that is not a number is refused next to the field
    await page.locator('.hq-add-shelter summary').click();
    await page.getByTestId('shelter-name').fill('臨時避難所 市民体育館');
    await page.getByTestId('shelter-lat').fill('北緯32');
    await page.getByTestId('shelter-lon').fill('130.61');
    await page.getByTestId('shelter-add').click();
    await expect.poll(() => page.locator('.hq-add-shelter .field__error').first().textContent()).toBe('数値で入力してください');
    await page.getByTestId('shelter-lat').fill('32.505');
    await page.getByTestId('shelter-capacity').fill('150');
    await page.getByTestId('shelter-add').click();
    await expect.poll(() => page.getByTestId('shelter-added').textContent()).toContain('臨時避難所 市民体育館');
    await expect.poll(async () => (await publicShelters()).find((s) => s.name === '臨時避難所 市民体育館')?.capacity, { timeout: 5_000 }).toBe(150);

    // a shelter's district can be changed here
    const park = page.locator('[data-testid=registry-table] tr', { hasText: '八代運動公園' });
    expect(await park.getByTestId('district-select').inputValue()).toBe('honmachi');
    await park.getByTestId('district-select').selectOption('kagami');
    await expect.poll(async () => (await publicShelters()).find((s) => s.name === '八代運動公園')?.districtId, { timeout: 5_000 }).toBe('kagami');

    // open a shelter from the registry, then close it: the status lives in the shelter's document
    const hall = page.locator('[data-testid=registry-table] tr', { hasText: '八代福祉センター' });
    await hall.getByTestId('shelter-open').click();
    await expect.poll(() => hall.getByTestId('shelter-close').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await publicShelters()).find((s) => s.name === '八代福祉センター')?.status, { timeout: 5_000 }).toBe('open');
    await hall.getByTestId('shelter-close').click();
    await expect.poll(async () => (await publicShelters()).find((s) => s.name === '八代福祉センター')?.crowding, { timeout: 10_000 }).toBe('closed');

    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
