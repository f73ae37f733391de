// Two tablets in one shelter lose the network at the same time and keep working. When they
// come back, both show the same people, stock entries add up instead of overwriting each other,
// and a person registered on both shows up under "possible duplicates".
import { describe, expect, it } from 'vitest';
import {
  checkIn, enrolTablet, go, onHand, pendingChanges, peopleNames, recordStock, startShelterServer,
  waitForConnection,
} from './shelter-support';
import { useBrowserAndServer } from './support';

const e2e = useBrowserAndServer(startShelterServer);

describe('two tablets cut off at once', () => {
  it('merge their check-ins and stock entries when they reconnect', async () => {
    const a = await enrolTablet(e2e.browser, e2e.server, 'tablet-a');
    const b = await enrolTablet(e2e.browser, e2e.server, 'tablet-b');
    await recordStock(a.page, 'water', 'received', '100');
    await expect.poll(() => onHand(b.page, 'water'), { timeout: 15_000 }).toBe(100);

    // Cut both off. setOffline alone leaves their sockets open (and silent); each app's watchdog
    // must notice the missing heartbeats and close its socket.
    await Promise.all([a.context.setOffline(true), b.context.setOffline(true)]);
    await Promise.all([waitForConnection(a.page, 'offline'), waitForConnection(b.page, 'offline')]);

    await checkIn(a.page, [
      { name: '佐藤 健', kana: 'さとう けん' },
      { name: '佐藤 美咲', kana: 'さとう みさき', needs: ['allergy'] },
    ]);
    await recordStock(a.page, 'water', 'received', '30');
    await recordStock(a.page, 'blanket', 'received', '40');

    await checkIn(b.page, [{ name: '鈴木 一郎', kana: 'すずき いちろう', stay: 'car' }]);
    // The same person registered at the other tablet: a likely duplicate only after the merge.
    await checkIn(b.page, [{ name: '佐藤 健', kana: 'サトウ ケン' }]);
    await recordStock(b.page, 'water', 'distributed', '20');
    await recordStock(b.page, 'water', 'received', '50');
    // B has not seen A's blankets: handing out more than it knows of asks first, then records.
    await recordStock(b.page, 'blanket', 'distributed', '15', { confirmOverdraw: true });

    // Offline, each sees only its own changes.
    expect(await onHand(a.page, 'water')).toBe(130);
    expect(await onHand(b.page, 'water')).toBe(130);
    expect(await peopleNames(b.page)).toEqual(['佐藤 健', '鈴木 一郎'].sort());

    await Promise.all([a.context.setOffline(false), b.context.setOffline(false)]);
    for (const t of [a, b]) {
      await waitForConnection(t.page, 'connected');
      await expect.poll(() => pendingChanges(t.page), { timeout: 20_000 }).toBe(0);
    }

    const everyone = ['佐藤 健', '佐藤 健', '佐藤 美咲', '鈴木 一郎'].sort();
    for (const t of [a, b]) {
      await expect.poll(() => peopleNames(t.page), { timeout: 15_000 }).toEqual(everyone);
      await expect.poll(() => onHand(t.page, 'water'), { timeout: 10_000 }).toBe(100 + 30 - 20 + 50);
      expect(await onHand(t.page, 'blanket')).toBe(40 - 15);
    }

    await go(a.page, '#/people/duplicates');
    const group = a.page.getByTestId('duplicate-group');
    await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(1);
    expect(await group.locator('[data-testid=person-row]').count()).toBe(2);

    expect([...a.errors, ...b.errors]).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
