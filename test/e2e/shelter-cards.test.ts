// Household cards, end to end: the tablet prints A6 cards (one page each, no name on them), the QR
// is decoded back from a screenshot of the print view, and a second tablet whose camera is fed that
// card (Chromium's fake video capture from a file) scans it, opens the household, brings it back
// from the car and checks it out. Without a camera, the code printed on the card does the same.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/browser';
import { ROOT } from '../helpers/server';
import { readPeople } from '../../domain/people';
import { cardPayload } from '../../domain/household-card';
import { checkIn, enrolTablet, go, readOnServer, SHELTER_ID, SHELTER_NAME, startShelterServer } from './shelter-support';
import { useBrowserAndServer } from './support';
import { axeSerious } from './resident-support';

const JSQR = resolve(ROOT, 'node_modules/jsqr/dist/jsQR.js');

/** Decodes the QR code in a PNG screenshot, in a blank page with the same jsQR the app bundles. */
async function decodeScreenshot(page: Page, png: Buffer): Promise<string | null> {
  await page.setContent('<canvas></canvas>');
  await page.addScriptTag({ path: JSQR });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.querySelector('canvas')!;
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const jsQR = (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR;
    return jsQR(data.data, data.width, data.height)?.data ?? null;
  }, png.toString('base64'));
}

/** A 640×480 camera frame (JPEG) with the card's QR held up in the middle. */
async function cameraFrame(page: Page, qrPng: Buffer): Promise<Buffer> {
  await page.setContent('<canvas width="640" height="480"></canvas>');
  const dataUrl = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.querySelector('canvas')!;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#d8d4cc'; // a desk
    ctx.fillRect(0, 0, 640, 480);
    const size = 320;
    ctx.fillStyle = '#fff';
    ctx.fillRect(160 - 20, 80 - 20, size + 40, size + 40);
    ctx.drawImage(img, 160, 80, size, size);
    return canvas.toDataURL('image/jpeg', 0.95);
  }, qrPng.toString('base64'));
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

describe('household cards', () => {
  const e2e = useBrowserAndServer(startShelterServer);

  it('prints A6 cards without names, whose QR decodes from the print view and is scanned back by a camera to bring the household back from the car and check it out', async () => {
    const desk = await enrolTablet(e2e.browser, e2e.server, 'desk');
    await checkIn(desk.page, [{ name: 'カード太郎', kana: 'カードタロウ', stay: 'car' }, { name: 'カード花子', kana: 'カードハナコ', stay: 'car' }]);
    await checkIn(desk.page, [{ name: '別世帯一郎', kana: 'ベツセタイイチロウ' }]);
    const people = await readOnServer(e2e.server, (doc) => readPeople(doc));
    const family = people.find((p) => p.name === 'カード太郎')!.householdId;
    // Right after a check-in, that household's card alone
    await desk.page.getByTestId('check-in-print-card').click();
    await expect.poll(() => desk.page.getByTestId('household-card').count()).toBe(1);
    expect(await desk.page.getByTestId('household-card').getAttribute('data-household')).toBe(people.find((p) => p.name === '別世帯一郎')!.householdId);

    await go(desk.page, '#/people/cards');
    const card = desk.page.locator(`[data-testid=household-card][data-household="${family}"]`);
    await card.waitFor();
    expect(await desk.page.getByTestId('household-card').count()).toBe(2);
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(SHELTER_NAME);
    expect(cardText).toContain('在所 2 人');
    for (const p of people) expect(cardText).not.toContain(p.name);
    const code = (await card.getByTestId('card-code').textContent())!;
    expect(await axeSerious(desk.page)).toEqual([]);

    // The print view: the tablet's header and buttons are gone, each card is one A6 page.
    await desk.page.emulateMedia({ media: 'print' });
    expect(await desk.page.locator('.topbar').isVisible()).toBe(false);
    expect(await desk.page.getByTestId('cards-print').isVisible()).toBe(false);
    const pdf = await desk.page.pdf({ preferCSSPageSize: true });
    const pdfText = pdf.toString('latin1');
    expect(pdfText.match(/\/Type\s*\/Page[^s]/g)).toHaveLength(2);
    // 105 × 148 mm is 297.6 × 419.5 points
    const boxes = [...pdfText.matchAll(/\/MediaBox\s*\[([\d.\s]+)\]/g)].map((m) => m[1].trim().split(/\s+/).map((n) => Math.round(Number(n))));
    expect(boxes).toEqual([[0, 0, 298, 420], [0, 0, 298, 420]]);
    const printed = await card.screenshot();
    const qr = await card.locator('img').screenshot();
    await desk.page.emulateMedia({ media: 'screen' });

    const scratch = await desk.context.newPage();
    expect(await decodeScreenshot(scratch, printed)).toBe(cardPayload(SHELTER_ID, family));

    // A second tablet whose camera sees the card.
    const dir = mkdtempSync(join(tmpdir(), 'hinanjo-camera-'));
    const video = join(dir, 'card.mjpeg');
    writeFileSync(video, await cameraFrame(scratch, qr));
    const cameraBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    try {
      const scanner = await enrolTablet(cameraBrowser, e2e.server, 'scanner');
      await go(scanner.page, '#/people');
      await scanner.page.getByTestId('open-scan').click();
      await scanner.page.waitForSelector(`[data-testid=household][data-household="${family}"]`, { timeout: 20_000 });
      expect(await scanner.page.locator('h2').first().textContent()).toContain(code);
      // the household's check-out is offered once, above its members, not again on every row
      expect(await scanner.page.getByTestId('household-check-out').count()).toBe(1);
      expect(await scanner.page.getByTestId('check-out-household').count()).toBe(0);
      expect(await scanner.page.getByTestId('check-out').count()).toBe(2);
      await scanner.page.getByTestId('household-back-from-car').click();
      await expect
        .poll(() => readOnServer(e2e.server, (doc) => readPeople(doc).filter((p) => p.householdId === family).map((p) => p.stay)), { timeout: 10_000 })
        .toEqual(['shelter', 'shelter']);
      await scanner.page.getByTestId('household-check-out').click();
      await scanner.page.getByTestId('confirm-ok').click();
      await expect
        .poll(() => readOnServer(e2e.server, (doc) => readPeople(doc).filter((p) => p.householdId === family && p.checkedOutAt === null).length), { timeout: 10_000 })
        .toBe(0);
      expect(scanner.errors).toEqual([]);
    } finally {
      await cameraBrowser.close();
    }

    // No camera on the desk tablet: it says so, and the printed code opens the household.
    await go(desk.page, '#/people/scan');
    await expect.poll(() => desk.page.getByTestId('scan-video').getAttribute('data-engine'), { timeout: 10_000 }).toBe('none');
    expect(await desk.page.locator('.scan-card').textContent()).toContain('カメラを使えません');
    await desk.page.fill('[data-testid=household-code]', 'ZZZZZZ');
    await desk.page.getByRole('button', { name: '開く' }).click();
    await expect.poll(() => desk.page.locator('.flash--error').textContent()).toContain('ありません');
    await desk.page.fill('[data-testid=household-code]', code.toLowerCase());
    await desk.page.getByRole('button', { name: '開く' }).click();
    await desk.page.waitForSelector(`[data-testid=household][data-household="${family}"]`);
    expect(await desk.page.getByTestId('household').textContent()).toContain('在所中の方はいません');
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });
});
