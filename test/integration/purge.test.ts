// Retention on a real server and its SQLite file: a shelter closed longer than HQ's retention is
// purged — its people are gone from every byte of the data directory (the database, its WAL, the
// snapshots), the counts and the supply ledger stay, audit entries that named them are redacted,
// and a tablet holding the old copy is refused with the new epoch (it must drop its copy) while a
// fresh one gets the purged document. An open shelter, and a closed one inside its retention,
// keep everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../domain/protocol';
import { checkInHousehold, emptyPersonInput, type PersonInput } from '../../domain/people';
import { appendLedgerEntry } from '../../domain/stock';
import { createRequest } from '../../domain/requests';
import { setShelterStatus } from '../../domain/shelter-status';
import { setRetentionDays } from '../../domain/retention';
import { HQ_DOC, shelterDocName, shelterItems, shelterMeta, shelterPeople, shelterRequests, shelterStock } from '../../domain/schema';
import { REDACTED } from '../../sync-server/features/purge';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';
import { filesContaining } from '../helpers/files';

const DAY = 86_400_000;
const CLOSED_AT = new Date('2026-08-20T03:00:00Z');
let now = new Date(CLOSED_AT.getTime() - DAY);
let server: TestServer;

const person = (name: string, kana: string, over: Partial<PersonInput> = {}): PersonInput => ({ ...emptyPersonInput(), name, kana, ...over });

async function staff(shelter: string, epoch?: string) {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName(shelter), token: await server.token({ role: 'staff', shelter }), epoch });
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, purge: false });
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'd1', name: '本町地区' }],
    shelters: [
      { id: 's1', name: '本町小学校', capacity: 100, districtId: 'd1' },
      { id: 's2', name: '港町公民館', capacity: 50, districtId: 'd1' },
    ],
  });
  for (const [shelter, people] of [
    ['s1', [[person('消去一郎', 'ショウキョイチロウ', { consent: 'anyone', needs: ['wheelchair'] }), person('消去花子', 'ショウキョハナコ', { ageGroup: 'elderly' })], [person('保護秘子', 'ホゴヒデコ', { protected: true })]]],
    ['s2', [[person('継続次郎', 'ケイゾクジロウ', { consent: 'anyone' })]]],
  ] as const) {
    const c = await staff(shelter);
    await c.whenSynced();
    let n = 0;
    for (const household of people) checkInHousehold(c.doc, [...household], { now: new Date('2026-08-10T00:00:00Z'), newId: () => `${shelter}-${n++}` });
    shelterItems(c.doc).set('water', { id: 'water', name: '水 2L', unit: '本', perPersonPerDay: 1.5 });
    shelterItems(c.doc).set('blanket', { id: 'blanket', name: '毛布', unit: '枚', perPersonPerDay: null });
    expect(appendLedgerEntry(c.doc, { item: 'water', delta: 48, reason: 'received', by: '受付1' }, { now: new Date('2026-08-10T01:00:00Z'), newId: () => `${shelter}-l1` }).ok).toBe(true);
    expect(createRequest(c.doc, { item: 'blanket', quantity: 20, note: '夜間冷え込み' }, { now: new Date('2026-08-10T02:00:00Z'), newId: () => `${shelter}-r1` }).ok).toBe(true);
    await c.whenStored();
    await c.destroy();
  }
});

afterAll(async () => {
  await server.stop();
});

describe('purge after the retention period', () => {
  it('nothing is due while the shelter is open or inside its retention', async () => {
    const tablet = await staff('s1');
    await tablet.whenSynced();
    // The server records the closure when it sees it (not from the tablet's closedAt).
    now = CLOSED_AT;
    setShelterStatus(tablet.doc, 'closed', CLOSED_AT);
    await tablet.whenStored();
    expect(shelterMeta(tablet.doc).get('closedAt')).toBe(CLOSED_AT.toISOString());
    await tablet.destroy();
    await expect.poll(() => server.server.derived.overview().shelters.find((s) => s.shelterId === 's1')?.closedAt).toBe(CLOSED_AT.toISOString());
    now = new Date(CLOSED_AT.getTime() + 89 * DAY);
    await server.server.derived.refresh(shelterDocName('s1'));
    expect(server.server.purger.due(now)).toEqual([]);
    // HQ shortens the retention to 30 days: now it is due
    const hq = await YClient.connect({ wsUrl: server.wsUrl, docName: HQ_DOC, token: await server.token({ role: 'hq' }) });
    await hq.whenSynced();
    expect(setRetentionDays(hq.doc, 0).ok).toBe(false);
    expect(setRetentionDays(hq.doc, 30).ok).toBe(true);
    await hq.whenStored();
    await hq.destroy();
    await expect.poll(() => server.server.purger.due(now)).toEqual(['s1']);
  });

  it('purges the roster from every byte of the data directory, keeps the counts and the ledger, redacts the audit, and refuses old copies', async () => {
    // A tablet stays connected through the purge, and the desk was asked about someone.
    const tablet = await staff('s1');
    await tablet.whenSynced();
    const hq = await server.token({ role: 'hq', device: '本部卓' });
    const asked = await fetch(`${server.url}/api/hq/safety-inquiries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '消去一郎', relation: 'family', askedBy: '電話 兄' }),
    });
    expect(asked.status).toBe(200);
    // one of the purged asked about someone else: who asked is their name
    const askedByPurged = await fetch(`${server.url}/api/hq/safety-inquiries`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '継続次郎', relation: 'family', askedBy: '消去花子（妻）' }),
    });
    expect(askedByPurged.status).toBe(200);
    // the search can find them before (so "not found" after means something)
    for (const name of ['消去一郎', 'ショウキョハナコ', '保護秘子']) expect(filesContaining(server.dataDir, name)).not.toEqual([]);
    expect(filesContaining(server.dataDir, '継続次郎')).not.toEqual([]);

    const [outcome] = await server.server.purger.runDue();
    expect(outcome).toMatchObject({ shelterId: 's1', people: 3, auditRedacted: 2 });
    expect(await tablet.whenClosed()).toMatchObject({ code: 1013 });

    for (const name of ['消去一郎', 'ショウキョイチロウ', '消去花子', 'ショウキョハナコ', '保護秘子', 'ホゴヒデコ']) {
      expect(filesContaining(server.dataDir, name), name).toEqual([]);
    }
    // the other shelter keeps its people
    expect(filesContaining(server.dataDir, '継続次郎')).not.toEqual([]);

    // the old copy comes back: refused with the new epoch, and it has sent nothing
    await tablet.connect();
    expect(await tablet.whenClosed()).toEqual({ code: CLOSE.purged, reason: `purged:${outcome.epoch}` });
    expect(filesContaining(server.dataDir, '消去一郎')).toEqual([]);
    await tablet.destroy();

    // a copy of the new epoch gets what stays
    const fresh = await staff('s1', outcome.epoch);
    await fresh.whenSynced();
    expect(shelterPeople(fresh.doc).size).toBe(0);
    expect(shelterMeta(fresh.doc).toJSON()).toMatchObject({
      status: 'closed',
      closedAt: CLOSED_AT.toISOString(),
      purgedAt: outcome.epoch,
      retainedCounts: { people: 3, households: 2, ageGroups: { elderly: 1, adult: 2 }, needs: { wheelchair: 1 } },
    });
    expect(shelterStock(fresh.doc).toArray()).toEqual([expect.objectContaining({ item: 'water', delta: 48 })]);
    expect(shelterRequests(fresh.doc).get('s1-r1')?.get('quantity')).toBe(20);
    await fresh.destroy();

    // the audit keeps when and who asked, not whom
    const audit = await server.server.store.listAudit();
    expect(audit).toEqual([
      expect.objectContaining({ askedBy: '電話 兄', query: REDACTED, answer: REDACTED }),
      expect.objectContaining({ askedBy: REDACTED, query: REDACTED, answer: REDACTED }),
    ]);
    // HQ's overview knows it was purged; nothing is due any more
    const s1 = server.server.derived.overview().shelters.find((s) => s.shelterId === 's1');
    expect(s1).toMatchObject({ purgedAt: outcome.epoch, peopleOnRecord: 0, status: 'closed', retained: { people: 3, households: 2 } });
    expect(server.server.purger.due(now)).toEqual([]);
  });

  it('after a restart the purge holds: old copies are still refused, the names are still nowhere', async () => {
    const dataDir = server.dataDir;
    await server.stop();
    server = await startTestServer({ dataDir, clock: () => now, purge: false });
    const old = await staff('s1');
    expect((await old.whenClosed()).code).toBe(CLOSE.purged);
    await old.destroy();
    for (const name of ['消去一郎', '保護秘子']) expect(filesContaining(dataDir, name)).toEqual([]);
  });
});

describe('the purge rests on what the server recorded, not on fields a tablet writes', () => {
  it('a staff token cannot write the epoch (meta.purgedAt): the write is refused and nothing of it is stored', async () => {
    const tablet = await staff('s2');
    await tablet.whenSynced();
    const stored = server.server.metrics.updatesStored;
    shelterMeta(tablet.doc).set('purgedAt', '2026-08-01T00:00:00.000Z');
    expect(await tablet.whenClosed()).toMatchObject({ code: CLOSE.forbidden, reason: expect.stringContaining('meta.purgedAt') });
    expect(server.server.metrics.updatesStored).toBe(stored);
    await tablet.destroy();
    // an overwrite of a value the server wrote is refused the same way (the item names no key)
    const fresh = await staff('s1', server.server.derived.overview().shelters.find((s) => s.shelterId === 's1')!.purgedAt!);
    await fresh.whenSynced();
    expect(shelterMeta(fresh.doc).get('purgedAt')).toBeTruthy();
    shelterMeta(fresh.doc).set('purgedAt', '2099-01-01T00:00:00.000Z');
    expect((await fresh.whenClosed()).code).toBe(CLOSE.forbidden);
    await fresh.destroy();
    const check = await staff('s1', server.server.derived.overview().shelters.find((s) => s.shelterId === 's1')!.purgedAt!);
    await check.whenSynced();
    expect(shelterMeta(check.doc).get('purgedAt')).not.toBe('2099-01-01T00:00:00.000Z');
    // a deletion of it too
    shelterMeta(check.doc).delete('purgedAt');
    expect((await check.whenClosed()).code).toBe(CLOSE.forbidden);
    await check.destroy();
  });

  it('a tablet\'s closedAt does not move the purge; a shelter reopened and closed again is purged from its last closure', async () => {
    const tablet = await staff('s2');
    await tablet.whenSynced();
    const closedAt = now;
    setShelterStatus(tablet.doc, 'closed', now);
    // the tablet then keeps pushing its closure into the future
    shelterMeta(tablet.doc).set('closedAt', '2099-01-01T00:00:00.000Z');
    await tablet.whenStored();
    await expect.poll(() => server.server.derived.overview().shelters.find((s) => s.shelterId === 's2')?.closedAt).toBe(closedAt.toISOString());
    // reopened the next day, closed again two days later: the purge counts from then
    now = new Date(closedAt.getTime() + DAY);
    setShelterStatus(tablet.doc, 'open', now);
    await tablet.whenStored();
    await expect.poll(() => server.server.derived.overview().shelters.find((s) => s.shelterId === 's2')?.status).toBe('open');
    now = new Date(closedAt.getTime() + 3 * DAY);
    const lastClosure = now;
    setShelterStatus(tablet.doc, 'closed', now);
    shelterMeta(tablet.doc).set('closedAt', closedAt.toISOString()); // and claims the first closure
    await tablet.whenStored();
    await expect.poll(() => server.server.derived.overview().shelters.find((s) => s.shelterId === 's2')?.closedAt).toBe(lastClosure.toISOString());
    await tablet.destroy();
    now = new Date(lastClosure.getTime() + 29 * DAY); // retention is 30 days (set above)
    expect(server.server.purger.due(now)).toEqual([]);
    now = new Date(lastClosure.getTime() + 30 * DAY);
    expect(server.server.purger.due(now)).toEqual(['s2']);
    const [outcome] = await server.server.purger.runDue();
    expect(outcome).toMatchObject({ shelterId: 's2', people: 1 });
    expect(filesContaining(server.dataDir, '継続次郎')).toEqual([]);
  });
});
