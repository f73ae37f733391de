// A change that only deletes adds no clock, so the server's STORED state vector cannot confirm
// it. The tablet must count it as unconfirmed until a STORED *count* on the socket that carried
// it covers that frame: offline, across a reload, and over a connection that lost what it sent.
//
// The page's sockets go through a Playwright WebSocket route, so a test can make a connection
// that loses every sync step 2 / update frame it sends (as a connection that dies with its
// frames unsent would) while the server's STORED messages still reach the page.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { MESSAGE_STORED } from '../../domain/protocol';
import { useBrowserAndServer } from './support';
import { SHELTER_ID, TABLET, pendingChanges, readOnServer, startShelterServer, syncIndicator, waitForConnection } from './shelter-support';

const ALL_STORED = 'すべてサーバーに保存済み';

const e2e = useBrowserAndServer(startShelterServer);

interface RoutedTablet {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** New connections drop every step 2 / update frame the page sends on them while this is true. */
  lose: { frames: boolean };
  /** STORED messages the server sent on each connection, in order (index: connection number). */
  stored: number[];
  /** Closes the page's current socket (both sides); the app reconnects by itself. */
  dropSocket(): Promise<void>;
}

async function enrolRouted(device: string): Promise<RoutedTablet> {
  const context = await e2e.browser.newContext({ viewport: TABLET });
  const lose = { frames: false };
  const stored: number[] = [];
  let current: { page: WebSocketRoute; server: WebSocketRoute } | null = null;
  // Only the shelter document's sockets (the page also reads hq, on a socket of its own).
  await context.routeWebSocket(/\/sync\/shelter/, (ws) => {
    const toServer = ws.connectToServer();
    const conn = stored.push(0) - 1;
    const losing = lose.frames;
    current = { page: ws, server: toServer };
    ws.onMessage((msg) => {
      const b = typeof msg === 'string' ? Buffer.from(msg) : msg;
      // [0 = sync, 1 = step 2 | 2 = update, …]
      if (losing && b[0] === 0 && (b[1] === 1 || b[1] === 2)) return;
      toServer.send(msg);
    });
    toServer.onMessage((msg) => {
      const b = typeof msg === 'string' ? Buffer.from(msg) : msg;
      if (b[0] === MESSAGE_STORED) stored[conn]++;
      ws.send(msg);
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const token = await e2e.server.token({ role: 'staff', shelter: SHELTER_ID, device });
  await page.goto(`${e2e.server.url}/shelter/?token=${token}`);
  await waitForConnection(page, 'connected');
  return {
    context,
    page,
    errors,
    lose,
    stored,
    async dropSocket() {
      const c = current as { page: WebSocketRoute; server: WebSocketRoute } | null;
      if (!c) return;
      await c.server.close();
      await c.page.close({ code: 1011, reason: 'test drops the connection' });
    },
  };
}

/** Ids of the stock entries the server has durably stored, read by a separate client. */
function stockOnServer(): Promise<string[]> {
  return readOnServer(e2e.server, (doc) => doc.getArray<{ id: string }>('stock').toArray().map((e) => e.id));
}

async function addEntry(page: Page, id: string): Promise<void> {
  await page.evaluate(async (id) => {
    const { shelter } = (window as unknown as { hinanjo: { shelter: import('../../web/lib/sync/synced-doc').SyncedDoc } }).hinanjo;
    await shelter.transact((doc) => {
      doc.getArray('stock').push([{ id, item: 'water', delta: 1, reason: 'received', at: new Date().toISOString(), by: 'test' }]);
    });
  }, id);
}

/** A change that only deletes: removes one stock entry (Y.Array.delete adds no item, no clock). */
async function deleteEntry(page: Page, id: string): Promise<void> {
  await page.evaluate(async (id) => {
    const { shelter } = (window as unknown as { hinanjo: { shelter: import('../../web/lib/sync/synced-doc').SyncedDoc } }).hinanjo;
    await shelter.transact((doc) => {
      const stock = doc.getArray<{ id: string }>('stock');
      const i = stock.toArray().findIndex((e) => e.id === id);
      if (i < 0) throw new Error(`no entry ${id}`);
      stock.delete(i, 1);
    });
  }, id);
}

describe('a change that only deletes', () => {
  it('stays unconfirmed offline and across a reload, and is confirmed only once the server stores it', async () => {
    const t = await enrolRouted('tablet-del-1');
    await addEntry(t.page, 'del-offline');
    await expect.poll(() => pendingChanges(t.page), { timeout: 10_000 }).toBe(0);
    await expect.poll(stockOnServer, { timeout: 10_000 }).toContain('del-offline');
    // The reload below comes from the service worker.
    await t.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    await t.context.setOffline(true);
    await waitForConnection(t.page, 'offline');
    await deleteEntry(t.page, 'del-offline');
    await expect.poll(() => pendingChanges(t.page)).toBeGreaterThanOrEqual(1);
    const text = await syncIndicator(t.page).textContent();
    expect(text).toMatch(/未確認の記録 \d+ 件/);
    expect(text).not.toContain(ALL_STORED);

    // Reloaded (a new Yjs client, no socket history): still unconfirmed.
    await t.page.reload();
    await expect.poll(() => pendingChanges(t.page), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(await syncIndicator(t.page).textContent()).not.toContain(ALL_STORED);

    // Back online over a connection whose step 2 never reaches the server: the server answers
    // the handshake with STORED (its state vector covers everything this tablet ever added, and
    // a count of 0), which must not confirm the deletion.
    t.lose.frames = true;
    const connsBefore = t.stored.length;
    await t.context.setOffline(false);
    await waitForConnection(t.page, 'connected');
    await expect.poll(() => t.stored.slice(connsBefore).some((n) => n > 0), { timeout: 20_000 }).toBe(true);
    await t.page.waitForTimeout(1_500);
    expect(await pendingChanges(t.page)).toBeGreaterThanOrEqual(1);
    expect(await syncIndicator(t.page).textContent()).not.toContain(ALL_STORED);
    expect(await stockOnServer()).toContain('del-offline');

    // The next connection delivers: confirmed, and the deletion is on the server.
    t.lose.frames = false;
    await t.dropSocket();
    await expect.poll(() => pendingChanges(t.page), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => syncIndicator(t.page).textContent(), { timeout: 10_000 }).toContain(ALL_STORED);
    expect(await stockOnServer()).not.toContain('del-offline');
    expect(t.errors).toEqual([]);
    await t.context.close();
  });

  it('sent on a socket that dies is sent again in the next handshake and confirmed there', async () => {
    const t = await enrolRouted('tablet-del-2');
    await addEntry(t.page, 'del-live');
    await expect.poll(() => pendingChanges(t.page), { timeout: 10_000 }).toBe(0);

    // Move to a connection that loses what the page sends, then delete: the update frame is lost.
    t.lose.frames = true;
    const connsBefore = t.stored.length;
    await t.dropSocket();
    await expect.poll(() => t.stored.slice(connsBefore).some((n) => n > 0), { timeout: 20_000 }).toBe(true);
    await waitForConnection(t.page, 'connected');
    await deleteEntry(t.page, 'del-live');
    await expect.poll(() => pendingChanges(t.page)).toBeGreaterThanOrEqual(1);
    await t.page.waitForTimeout(1_000);
    expect(await pendingChanges(t.page)).toBeGreaterThanOrEqual(1);
    expect(await stockOnServer()).toContain('del-live');

    // Another connection that loses its handshake: its STORED (count 0) confirms nothing.
    const connsLost = t.stored.length;
    await t.dropSocket();
    await expect.poll(() => t.stored.slice(connsLost).some((n) => n > 0), { timeout: 20_000 }).toBe(true);
    await t.page.waitForTimeout(1_000);
    expect(await pendingChanges(t.page)).toBeGreaterThanOrEqual(1);
    expect(await syncIndicator(t.page).textContent()).not.toContain(ALL_STORED);
    expect(await stockOnServer()).toContain('del-live');

    t.lose.frames = false;
    await t.dropSocket();
    await expect.poll(() => pendingChanges(t.page), { timeout: 20_000 }).toBe(0);
    expect(await stockOnServer()).not.toContain('del-live');

    // And one made on a working connection is confirmed by its own frame.
    await addEntry(t.page, 'del-live-2');
    await expect.poll(() => pendingChanges(t.page), { timeout: 10_000 }).toBe(0);
    await deleteEntry(t.page, 'del-live-2');
    await expect.poll(() => pendingChanges(t.page), { timeout: 10_000 }).toBe(0);
    expect(await stockOnServer()).not.toContain('del-live-2');
    expect(t.errors).toEqual([]);
    await t.context.close();
  });
});
