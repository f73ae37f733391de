// Evacuation levels set at HQ reach the public status and the CAP feed; 4 and 5 ask first;
// every change is in the history.
import { describe, expect, it } from 'vitest';
import { capSchemaProblems } from '../helpers/cap-schema';
import type { PublicStatus } from '../../domain/public-status';
import { startShelterServer } from './shelter-support';
import { hqTab, openHq } from './hq-support';
import { useBrowserAndServer } from './support';

describe('HQ evacuation levels', () => {
  const e2e = useBrowserAndServer(() =>
    startShelterServer({ districts: [{ id: 'kawabe', name: '川辺地区' }, { id: 'yamate', name: '山手地区' }] }),
  );

  const status = async () => (await (await fetch(`${e2e.server.url}/api/public/status.json`)).json()) as PublicStatus;
  const levelOf = async (id: string) => (await status()).districts.find((d) => d.id === id)?.level;

  it('a level set on HQ appears in status.json and in a valid CAP 1.2 cap.xml; 4 needs a confirmation', async () => {
    const hq = await openHq(e2e.browser, e2e.server, { device: '防災課 端末A' });
    const { page } = hq;
    await hqTab(page, 'levels');
    const row = page.locator('[data-testid=levels-table] tr[data-district-id=kawabe]');
    await row.waitFor();

    // 3 needs no confirmation
    await row.getByTestId('level-select').selectOption('3');
    await row.getByTestId('level-apply').click();
    await expect.poll(() => levelOf('kawabe'), { timeout: 5_000 }).toBe(3);

    // 4 asks first; "cancel" changes nothing
    await row.getByTestId('level-select').selectOption('4');
    await row.getByTestId('level-apply').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-cancel').click();
    await page.waitForTimeout(500);
    expect(await levelOf('kawabe')).toBe(3);

    await row.getByTestId('level-select').selectOption('4');
    await row.getByTestId('level-apply').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain('避難指示');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => levelOf('kawabe'), { timeout: 5_000 }).toBe(4);
    await expect.poll(() => row.getByTestId('current-level').getAttribute('data-level')).toBe('4');

    const res = await fetch(`${e2e.server.url}/api/public/cap.xml`);
    expect(res.headers.get('content-type')).toContain('application/cap+xml');
    const etag = res.headers.get('etag');
    const xml = await res.text();
    expect(capSchemaProblems(xml)).toBeNull();
    expect(xml).toContain('<areaDesc>川辺地区 (警戒レベル4 避難指示)</areaDesc>');
    expect(xml).toContain('<areaDesc>川辺地区 (Alert level 4: Evacuation instruction)</areaDesc>');
    expect(xml).toContain('<responseType>Evacuate</responseType>');
    expect(xml).not.toContain('山手地区'); // level 0: no area
    // unchanged state, unchanged alert
    expect((await fetch(`${e2e.server.url}/api/public/cap.xml`, { headers: { 'If-None-Match': etag! } })).status).toBe(304);
    expect(xml).toContain('<msgType>Alert</msgType>');
    const firstId = /<identifier>([^<]+)<\/identifier>/.exec(xml)![1];

    // lifting the order asks too: a cancel keeps level 4, and a confirmed 0 lifts it
    await row.getByTestId('level-select').selectOption('0');
    await row.getByTestId('level-apply').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain('解除');
    await page.getByTestId('confirm-cancel').click();
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await levelOf('kawabe')).toBe(4);
    await row.getByTestId('level-select').selectOption('3');
    await row.getByTestId('level-apply').click();
    await expect.poll(() => page.getByTestId('confirm-dialog').textContent()).toContain('下げますか');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => levelOf('kawabe'), { timeout: 5_000 }).toBe(3);
    await row.getByTestId('level-select').selectOption('4');
    await row.getByTestId('level-apply').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => levelOf('kawabe'), { timeout: 5_000 }).toBe(4);

    // a further change is published as an Update of the alert before it
    const yamate = page.locator('[data-testid=levels-table] tr[data-district-id=yamate]');
    await yamate.getByTestId('level-select').selectOption('2');
    await yamate.getByTestId('level-apply').click();
    await expect.poll(() => levelOf('yamate'), { timeout: 5_000 }).toBe(2);
    const updated = await (await fetch(`${e2e.server.url}/api/public/cap.xml`)).text();
    expect(capSchemaProblems(updated)).toBeNull();
    expect(updated).toContain('<msgType>Update</msgType>');
    expect(updated).toContain(`,${firstId},`);
    expect(updated).toContain('<areaDesc>山手地区 (警戒レベル2 大雨・洪水・高潮注意報)</areaDesc>');

    // the history says who changed what, from which level to which
    const history = page.getByTestId('levels-history');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(5);
    const kawabe = await history.locator('tbody tr', { hasText: '川辺地区' }).first().textContent();
    expect(kawabe).toContain('レベル3');
    expect(kawabe).toContain('レベル4');
    expect(kawabe).toContain('防災課 端末A');

    // a new district, then a level for it; a repeated name is refused next to the field
    await page.getByTestId('district-name').fill('新田地区');
    await page.getByTestId('district-add').click();
    const nitta = page.locator('[data-testid=levels-table] tr', { hasText: '新田地区' });
    await nitta.waitFor();
    await page.getByTestId('district-name').fill('新田地区');
    await page.getByTestId('district-add').click();
    await expect.poll(() => page.locator('.hq-add-district .field__error').textContent()).toBe('同じ名前の地区があります。');
    expect(await page.locator('[data-testid=levels-table] tr', { hasText: '新田地区' }).count()).toBe(1);
    await nitta.getByTestId('level-select').selectOption('1');
    await nitta.getByTestId('level-apply').click();
    await expect.poll(async () => (await status()).districts.find((d) => d.name === '新田地区')?.level, { timeout: 5_000 }).toBe(1);

    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
