// The tablet works with no network: after its first visit it starts from the service worker,
// shows what it saved, counts what the server has not confirmed, and sends it when it can.
import { describe, expect, it } from 'vitest';
import { readPeople } from '../../domain/people';
import { shelterDocName } from '../../domain/schema';
import { useBrowserAndServer } from './support';
import {
  SHELTER_ID, checkIn, enrolTablet, onHand, pendingChanges, peopleNames, readOnServer, startShelterServer,
  syncIndicator, waitForConnection, waitForServiceWorker,
} from './shelter-support';

const e2e = useBrowserAndServer(startShelterServer);

/** What the server has durably stored for the shelter, read by a separate client. */
function namesOnServer(): Promise<string[]> {
  return readOnServer(e2e.server, (doc) => readPeople(doc).map((p) => p.name).sort());
}

describe('the tablet offline', () => {
  it('starts from the service worker with no network and still shows a household checked in before', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server);
    await waitForServiceWorker(page);
    await checkIn(page, [
      { name: '山田 太郎', kana: 'やまだ たろう' },
      { name: '山田 花子', kana: 'やまだ はなこ', needs: ['pregnant'] },
    ]);
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);

    await context.setOffline(true);
    // setOffline leaves the socket open but silent: the app must notice by itself.
    await waitForConnection(page, 'offline');
    // A household checked in while offline is saved on the device and counted as unconfirmed.
    await checkIn(page, [{ name: '川口 一郎', kana: 'かわぐち いちろう', stay: 'car' }]);
    await expect.poll(() => pendingChanges(page)).toBeGreaterThan(0);
    const pendingOffline = await pendingChanges(page);

    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    expect(await peopleNames(page)).toEqual(['山田 太郎', '山田 花子', '川口 一郎'].sort());
    // Unconfirmed changes survive the reload (the reloaded page is another Yjs client).
    await expect.poll(() => pendingChanges(page)).toBe(pendingOffline);
    expect(await namesOnServer()).toEqual(['山田 太郎', '山田 花子'].sort());

    await context.setOffline(false);
    await waitForConnection(page, 'connected');
    await expect.poll(() => pendingChanges(page), { timeout: 20_000 }).toBe(0);
    expect(await namesOnServer()).toEqual(['山田 太郎', '山田 花子', '川口 一郎'].sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows unconfirmed changes while cut off and says everything is stored only after the server confirms', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'tablet-2');
    await expect.poll(() => pendingChanges(page), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => syncIndicator(page).textContent(), { timeout: 10_000 }).toContain('すべてサーバーに保存済み');

    await context.setOffline(true);
    await waitForConnection(page, 'offline');
    await checkIn(page, [{ name: '松原 次郎', kana: 'まつばら じろう' }]);
    await checkIn(page, [{ name: '松原 三郎', kana: 'まつばら さぶろう' }]);
    await expect.poll(() => pendingChanges(page)).toBeGreaterThanOrEqual(2);
    const text = await syncIndicator(page).textContent();
    expect(text).toMatch(/未確認の記録 \d+ 件/);
    expect(text).not.toContain('すべてサーバーに保存済み');
    expect(text).toContain('オフライン');

    await context.setOffline(false);
    await waitForConnection(page, 'connected');
    await expect.poll(() => pendingChanges(page), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => syncIndicator(page).textContent(), { timeout: 10_000 }).toContain('すべてサーバーに保存済み');
    expect(await namesOnServer()).toEqual(expect.arrayContaining(['松原 次郎', '松原 三郎']));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('compacts the stored updates and loses nothing across a reload', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'tablet-3');
    const before = await onHand(page, 'water');
    const storedRows = () =>
      page.evaluate(async (docName) => {
        const req = indexedDB.open('hinanjo');
        const db: IDBDatabase = await new Promise((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        try {
          return await new Promise<number>((resolve) => {
            const q = db.transaction('updatesV2').objectStore('updatesV2').index('docName').count(docName);
            q.onsuccess = () => resolve(q.result);
          });
        } finally {
          db.close();
        }
      }, shelterDocName(SHELTER_ID));

    // 300 separate saves, each its own stored update, as a long day of hand-outs would make.
    await page.evaluate(async () => {
      const { shelter } = (window as unknown as { hinanjo: { shelter: import('../../web/lib/sync/synced-doc').SyncedDoc } }).hinanjo;
      for (let i = 0; i < 300; i++) {
        await shelter.transact((doc) => {
          doc.getArray('stock').push([
            { id: `compact-${i}`, item: 'water', delta: 1, reason: 'received', at: new Date().toISOString(), by: 'test' },
          ]);
        });
      }
    });
    await expect.poll(storedRows, { timeout: 20_000 }).toBeLessThan(120);
    expect(await onHand(page, 'water')).toBe(before + 300);

    await context.setOffline(true);
    await page.reload();
    expect(await onHand(page, 'water')).toBe(before + 300);
    await context.setOffline(false);
    await waitForConnection(page, 'connected');
    await expect.poll(() => pendingChanges(page), { timeout: 20_000 }).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sends a backlog larger than the server accepts in one frame, in parts, after days offline', async () => {
    const { context, page, errors } = await enrolTablet(e2e.browser, e2e.server, 'tablet-4');
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await waitForConnection(page, 'offline');
    // Three working sessions (a reload starts a new Yjs client each time), 2 MB of check-ins each:
    // together more than MAX_FRAME_BYTES.
    for (let session = 0; session < 3; session++) {
      if (session > 0) await page.reload();
      await page.getByTestId('shelter-name').waitFor();
      await page.evaluate(async (session) => {
        const { shelter } = (window as unknown as { hinanjo: { shelter: import('../../web/lib/sync/synced-doc').SyncedDoc } }).hinanjo;
        const people = shelter.doc.getMap('people');
        const PersonMap = people.constructor as new () => import('yjs').Map<unknown>;
        await shelter.transact(() => {
          for (let i = 0; i < 2_000; i++) {
            const m = new PersonMap();
            people.set(`backlog-${session}-${i}`, m);
            m.set('householdId', `backlog-${session}-${i}`);
            m.set('name', `長期 ${session}-${i}`);
            m.set('checkedInAt', new Date().toISOString());
            m.set('checkedOutAt', null);
            m.set('note', 'x'.repeat(1_000));
          }
        });
      }, session);
    }
    await context.setOffline(false);
    await waitForConnection(page, 'connected');
    await expect.poll(() => pendingChanges(page), { timeout: 30_000 }).toBe(0);
    const names = await namesOnServer();
    expect(names.filter((n) => n.startsWith('長期 '))).toHaveLength(6_000);
    expect(errors).toEqual([]);
    await context.close();
  });
});
