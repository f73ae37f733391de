// HQ's desk, as an officer uses it through a shift: an alert when a shelter becomes full, the
// summary exported as CSV (counts, never names), a printout of the map and the table, and the
// history of delivered requests.
import { describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { createRequest, setRequestStatus } from '../../domain/requests';
import { shelterDocName, shelterMeta } from '../../domain/schema';
import { seedDefaultItems } from '../../domain/stock';
import { writeDoc } from '../helpers/seed';
import { hqTab, openHq } from './hq-support';
import { startShelterServer } from './shelter-support';
import { useBrowserAndServer } from './support';

describe('HQ summary, alert, print and history', () => {
  const e2e = useBrowserAndServer(() =>
    startShelterServer({
      districts: [{ id: 'd1', name: '一丁目' }],
      shelters: [
        { id: 'small', name: '小さな集会所', capacity: 2, districtId: 'd1' },
        { id: 'big', name: '大きな体育館', capacity: 300, districtId: 'd1' },
      ],
    }),
  );
  const staff = (id: string) => e2e.server.token({ role: 'staff', shelter: id });
  const checkIn = (id: string, names: string[]) =>
    staff(id).then((token) =>
      writeDoc(e2e.server, shelterDocName(id), (doc) => {
        shelterMeta(doc).set('status', 'open');
        const r = checkInHousehold(doc, names.map((name) => ({ ...emptyPersonInput(), name })), { now: new Date(), newId: uuidv7 });
        if (!r.ok) throw new Error('check-in');
      }, token),
    );

  it('alerts when a shelter becomes full, exports the summary without names, prints, and keeps delivered requests', async () => {
    await checkIn('small', ['満員 一']);
    await checkIn('big', ['体育館 一']);
    const hq = await openHq(e2e.browser, e2e.server, { device: 'desk' });
    const { page } = hq;
    await expect.poll(() => page.locator('[data-testid=shelter-table] tbody tr').count()).toBe(2);
    expect(await page.getByTestId('full-alert').count()).toBe(0);

    await checkIn('small', ['満員 二']);
    const alert = page.getByTestId('full-alert');
    await expect.poll(() => alert.count(), { timeout: 10_000 }).toBe(1);
    expect(await alert.textContent()).toContain('小さな集会所 が満員になりました');
    await alert.getByRole('button').click();
    expect(await page.getByTestId('full-alert').count()).toBe(0);

    const download = page.waitForEvent('download');
    await page.getByTestId('summary-csv').click();
    const csv = Buffer.concat(await (await (await download).createReadStream()).toArray()).toString('utf8');
    expect(csv.startsWith('\uFEFF避難所ID,避難所,地区,状態,定員,避難所内')).toBe(true);
    expect(csv).toMatch(/small,小さな集会所,一丁目,開設,2,2,0,0,100,満,/);
    expect(csv).toMatch(/big,大きな体育館,一丁目,開設,300,1,0,0,0,/);
    for (const name of ['満員 一', '満員 二', '体育館 一']) expect(csv).not.toContain(name);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.hq-tabs').isVisible()).toBe(false);
    expect(await page.getByTestId('summary-csv').isVisible()).toBe(false);
    expect(await page.getByTestId('shelter-table').isVisible()).toBe(true);
    expect(await page.getByTestId('hq-map').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    await writeDoc(e2e.server, shelterDocName('big'), (doc) => {
      seedDefaultItems(doc);
      const r = createRequest(doc, { item: 'water', quantity: 120 }, { now: new Date(), newId: uuidv7 });
      if (!r.ok) throw new Error('request');
      if (!setRequestStatus(doc, r.value.id, 'acknowledged', new Date()).ok) throw new Error('acknowledge');
      if (!setRequestStatus(doc, r.value.id, 'delivered', new Date()).ok) throw new Error('deliver');
    }, await staff('big'));
    await hqTab(page, 'requests');
    const history = page.getByTestId('requests-history');
    await expect.poll(() => history.textContent(), { timeout: 10_000 }).toContain('120 L');
    expect(await history.textContent()).toContain('配送済み');
    expect(await history.textContent()).toContain('大きな体育館');
    expect(hq.errors).toEqual([]);
    await hq.context.close();
  });
});
