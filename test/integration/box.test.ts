// The shelter box: tablets in one shelter sync with each other through it with no city, it is
// durable like the server (kill -9 loses nothing a tablet was told is saved in the box), and it
// catches the city up when backhaul returns; the city's confirmations reach the tablets through
// it. Access: it serves its one shelter only, and refuses what the city revoked.
import { afterAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import * as Y from 'yjs';
import { CLOSE } from '../../domain/protocol';
import { checkInHousehold, emptyPersonInput, readPeople } from '../../domain/people';
import { findDuplicateCandidates } from '../../domain/duplicates';
import { HQ_DOC, hqShelters, shelterDocName } from '../../domain/schema';
import { seedHq } from '../helpers/seed';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { spawnBoxProcess, startTestBox, waitForBox, type TestBox } from '../helpers/box';
import { upstreamRefusal } from '../../sync-server/box/box';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { YClient } from '../helpers/yclient';
import { filesContaining } from '../helpers/files';
import { setShelterStatus } from '../../domain/shelter-status';

const S = 'gym-1';
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function city(opts: { dataDir?: string; port?: number } = {}): Promise<TestServer> {
  const server = await startTestServer(opts);
  cleanups.push(() => server.stop());
  return server;
}

async function seededCity(): Promise<TestServer> {
  const server = await city();
  await seedHq(server, {
    districts: [{ id: 'd1', name: '一丁目' }],
    shelters: [
      { id: S, name: '第一体育館', capacity: 800, districtId: 'd1' },
      { id: 'gym-2', name: '第二体育館', capacity: 300, districtId: 'd1' },
    ],
  });
  return server;
}

async function tablet(wsUrl: string, token: string, name: string, docName = shelterDocName(S)): Promise<YClient> {
  const c = await YClient.connect({ wsUrl, docName, token, name });
  cleanups.push(() => c.destroy());
  return c;
}

function checkIn(c: YClient, name: string, kana: string): void {
  const r = checkInHousehold(c.doc, [{ ...emptyPersonInput(), name, kana }], { now: new Date(), newId: uuidv7 });
  if (!r.ok) throw new Error('check-in failed');
}

const names = (doc: Y.Doc) => new Set(readPeople(doc).map((p) => p.name));

describe('shelter box', () => {
  it('with the city cut off, two tablets check in 300 people each through the box; a kill -9 of the box loses nothing it confirmed; the city gets all 600 when it returns', { timeout: 120_000 }, async () => {
    let server = await seededCity();
    const { port: cityPort, dataDir: cityData } = server;
    const boxToken = await server.token({ role: 'box', shelter: S, device: 'box 1' });
    const staffA = await server.token({ role: 'staff', shelter: S, device: 'tablet A' });
    const staffB = await server.token({ role: 'staff', shelter: S, device: 'tablet B' });

    let box = await spawnBoxProcess({ upstream: server.url, token: boxToken });
    cleanups.push(() => box.kill());
    await waitForBox(box.url, (s) => s.links.every((l) => l.state === 'connected'));
    // hq came down through the box: the tablets know the shelter's name with no city
    const a = await tablet(box.wsUrl, staffA, 'tablet A');
    const b = await tablet(box.wsUrl, staffB, 'tablet B');
    const hqViaBox = await tablet(box.wsUrl, staffA, 'hq via box', HQ_DOC);
    await Promise.all([a.whenSynced(), b.whenSynced(), hqViaBox.whenSynced()]);
    await hqViaBox.until(() => hqShelters(hqViaBox.doc).has(S), 'hq reached the box');

    // backhaul gone
    await server.stop();
    await waitForBox(box.url, (s) => s.links.every((l) => l.state !== 'connected'));

    // one check-in on A is seen on B through the box within a second
    const t0 = performance.now();
    checkIn(a, '速報 一郎', 'ソクホウ イチロウ');
    await b.until(() => names(b.doc).has('速報 一郎'), 'B sees A through the box', 1_000);
    expect(performance.now() - t0).toBeLessThan(1_000);

    const told = { a: new Set<string>(), b: new Set<string>() };
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        checkIn(a, `A避難者${i}`, 'エー');
        checkIn(b, `B避難者${i}`, 'ビー');
      }
      await Promise.all([a.whenStored(20_000), b.whenStored(20_000)]);
      for (let i = from; i < to; i++) {
        told.a.add(`A避難者${i}`);
        told.b.add(`B避難者${i}`);
      }
    };
    await run(0, 150);
    checkIn(a, '重複 花子', 'チョウフク ハナコ');
    checkIn(b, '重複 花子', 'ちょうふく はなこ');
    await Promise.all([a.whenStored(), b.whenStored()]);

    // kill -9 of the box mid-way: everything the tablets were told is stored in the box survives
    await box.kill('SIGKILL');
    box = await spawnBoxProcess({ upstream: server.url, token: boxToken, dataDir: box.dataDir, port: box.port });
    const check = await tablet(box.wsUrl, staffA, 'after kill');
    await check.whenSynced();
    const after = names(check.doc);
    for (const n of [...told.a, ...told.b]) expect(after.has(n), `${n} survived the kill`).toBe(true);
    await check.destroy();

    await Promise.all([a.connect(), b.connect()]);
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    await run(150, 300);
    await a.until(() => readPeople(a.doc).length === 603 && readPeople(b.doc).length === 603, 'both tablets see every check-in', 10_000);
    expect(readPeople(a.doc).length).toBe(603);
    expect(readPeople(b.doc).length).toBe(603);
    // nothing is at the city yet
    expect(a.ownClockAtCity()).toBe(0);

    // the city comes back: HQ sees all 600 (and the two one-offs), the duplicate flagged
    server = await city({ dataDir: cityData, port: cityPort });
    await waitForBox(box.url, (s) => s.links.every((l) => l.state === 'connected' && l.unconfirmedFrames === 0), 30_000);
    const hq = await tablet(server.wsUrl, await server.token({ role: 'hq' }), 'hq at the city');
    await hq.whenSynced();
    await hq.until(() => readPeople(hq.doc).length === 603, 'the city has every check-in', 20_000);
    const dups = findDuplicateCandidates(hq.doc);
    expect(dups.map((g) => g.people.map((p) => p.name))).toContainEqual(['重複 花子', '重複 花子']);
    // and the tablets hear through the box that the city has their changes
    const clockA = Math.max(...[...a.storedSV.keys()].filter((c) => c === a.doc.clientID).map((c) => a.storedSV.get(c)!));
    await a.until(() => a.ownClockAtCity() >= clockA, 'A: the city confirmed, through the box', 20_000);
  });

  it('a tablet of another shelter cannot use this box; hq is read-only through it; other documents do not open', async () => {
    const server = await seededCity();
    const box = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S }) });
    cleanups.push(() => box.stop());
    const other = await tablet(box.wsUrl, await server.token({ role: 'staff', shelter: 'gym-2' }), 'gym-2 tablet', shelterDocName('gym-2'));
    expect((await other.whenClosed()).code).toBe(CLOSE.forbidden);
    const otherOnOurs = await tablet(box.wsUrl, await server.token({ role: 'staff', shelter: 'gym-2' }), 'gym-2 tablet on gym-1');
    expect((await otherOnOurs.whenClosed()).code).toBe(CLOSE.forbidden);
    // even an hq token cannot open another shelter or write hq through the box
    const hqToken = await server.token({ role: 'hq' });
    const hqOther = await tablet(box.wsUrl, hqToken, 'hq on gym-2 via box', shelterDocName('gym-2'));
    expect((await hqOther.whenClosed()).code).toBe(CLOSE.forbidden);
    const hqDoc = await tablet(box.wsUrl, hqToken, 'hq doc via box', HQ_DOC);
    await hqDoc.whenSynced();
    const dropped = box.box.server.metrics.framesRejected.get('read_only') ?? 0;
    hqDoc.doc.getMap('districts').set('x', 1);
    await hqDoc.until(() => (box.box.server.metrics.framesRejected.get('read_only') ?? 0) > dropped, 'dropped');
    // a token the box cannot check (not signed by this city) is refused
    const foreign = await startTestServer();
    cleanups.push(() => foreign.stop());
    const stranger = await tablet(box.wsUrl, await foreign.token({ role: 'staff', shelter: S }), 'foreign tablet');
    expect((await stranger.whenClosed()).code).toBe(CLOSE.unauthorized);
    // /healthz and /metrics like the server
    expect((await fetch(`${box.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${box.url}/metrics`, { headers: { Authorization: `Bearer ${hqToken}` } })).status).toBe(200);
  });

  it('a tablet revoked at the city is refused by the box once the box reaches the city', async () => {
    const server = await seededCity();
    const box = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S }), revocationPollMs: 60_000 });
    cleanups.push(() => box.stop());
    const staff = await server.token({ role: 'staff', shelter: S, device: 'stolen' });
    const t = await tablet(box.wsUrl, staff, 'stolen tablet');
    await t.whenSynced();
    const { jti } = JSON.parse(Buffer.from(staff.split('.')[1], 'base64url').toString());
    const hq = await server.token({ role: 'hq' });
    await fetch(`${server.url}/api/hq/revoke`, { method: 'POST', headers: { Authorization: `Bearer ${hq}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ jti }) });
    await box.box.pollRevocations();
    expect((await t.whenClosed()).code).toBe(CLOSE.revoked);
    const again = await tablet(box.wsUrl, staff, 'stolen again');
    expect((await again.whenClosed()).code).toBe(CLOSE.revoked);
    // a box token is refused for the revocation list of… nobody else: staff cannot read it
    expect((await fetch(`${server.url}/api/box/revocations`, { headers: { Authorization: `Bearer ${await server.token({ role: 'staff', shelter: S })}` } })).status).toBe(403);
  });

  it('two boxes for one shelter converge through the city', async () => {
    const server = await seededCity();
    const one = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S, device: 'box 1' }) });
    const two = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S, device: 'box 2' }) });
    cleanups.push(() => one.stop(), () => two.stop());
    await waitForBox(one.url, (s) => s.links.every((l) => l.state === 'connected'));
    await waitForBox(two.url, (s) => s.links.every((l) => l.state === 'connected'));
    const x = await tablet(one.wsUrl, await server.token({ role: 'staff', shelter: S }), 'on box 1');
    const y = await tablet(two.wsUrl, await server.token({ role: 'staff', shelter: S }), 'on box 2');
    await Promise.all([x.whenSynced(), y.whenSynced()]);
    checkIn(x, '一号 さん', 'イチゴウ');
    checkIn(y, '二号 さん', 'ニゴウ');
    await x.until(() => names(x.doc).has('二号 さん'), 'box 1 got box 2\'s check-in', 10_000);
    await y.until(() => names(y.doc).has('一号 さん'), 'box 2 got box 1\'s check-in', 10_000);
  });

  it('runs alone without --upstream and says so; it refuses to start with a token that is not a box token', async () => {
    const server = await seededCity();
    const boxToken = await server.token({ role: 'box', shelter: S });
    // a box that once reached the city keeps the city's key and runs alone later
    const first = await startTestBox({ upstream: server.url, token: boxToken });
    await first.stop();
    const lines: string[] = [];
    const alone = await startTestBox({ token: boxToken, dataDir: first.dataDir, log: (l) => lines.push(l) });
    cleanups.push(() => alone.stop());
    expect(lines.join('\n')).toMatch(/running alone/);
    const t = await tablet(alone.wsUrl, await server.token({ role: 'staff', shelter: S }), 'alone');
    await t.whenSynced();
    checkIn(t, '単独 さん', 'タンドク');
    await t.whenStored();
    await expect(startTestBox({ token: await server.token({ role: 'staff', shelter: S }), dataDir: tempDataDir() })).rejects.toThrow(/not a box token/);
    await expect(startTestBox({ token: boxToken, dataDir: tempDataDir() })).rejects.toThrow(/no public key/);
  });

  it('pins the city\'s key on first use: a fake city with another key is refused at the next start, a token it signed never accepted; the operator rotates with --public-key or --accept-new-city-key', async () => {
    const server = await seededCity();
    const boxToken = await server.token({ role: 'box', shelter: S });
    // first start on a data directory that does not exist yet: created, key pinned
    const dataDir = join(tempDataDir(), 'not', 'yet');
    const first = await startTestBox({ upstream: server.url, token: boxToken, dataDir });
    expect(statSync(join(dataDir, 'token-key.json')).mode & 0o777).toBe(0o600);
    await first.stop();
    // something else answers as the city (its own key) at the next start
    const fake = await city();
    const fakeHq = await fake.token({ role: 'hq' });
    await expect(startTestBox({ upstream: fake.url, token: boxToken, dataDir })).rejects.toThrow(/different token key.*--public-key FILE.*--accept-new-city-key/s);
    // started alone, the pinned key still refuses the fake city's token
    const alone = await startTestBox({ token: boxToken, dataDir });
    const refused = await YClient.connect({ wsUrl: alone.wsUrl, docName: HQ_DOC, token: fakeHq, name: 'fake hq' });
    expect((await refused.whenClosed()).code).toBe(CLOSE.unauthorized);
    await refused.destroy();
    await alone.stop();
    // a real rotation: the operator passes the new key (out of band)
    const keyFile = join(tempDataDir(), 'new-key.json');
    writeFileSync(keyFile, await (await fetch(`${fake.url}/api/public/token-key`)).text());
    const rotated = await startTestBox({ upstream: fake.url, token: boxToken, dataDir, publicKeyFile: keyFile });
    const accepted = await YClient.connect({ wsUrl: rotated.wsUrl, docName: HQ_DOC, token: fakeHq, name: 'rotated hq' });
    await accepted.whenSynced();
    await accepted.destroy();
    await rotated.stop();
    // and back, with the explicit flag instead of a file
    await expect(startTestBox({ upstream: server.url, token: boxToken, dataDir })).rejects.toThrow(/different token key/);
    const back = await startTestBox({ upstream: server.url, token: boxToken, dataDir, acceptNewCityKey: true });
    await back.stop();
  });

  it('refuses a plain-http upstream that is not loopback unless the operator allows it', async () => {
    expect(upstreamRefusal('http://city.example', false)).toMatch(/plain http/);
    expect(upstreamRefusal('http://10.0.0.5:8080', false)).toMatch(/--allow-plain-http/);
    expect(upstreamRefusal('http://10.0.0.5:8080', true)).toBeNull();
    expect(upstreamRefusal('https://city.example', false)).toBeNull();
    expect(upstreamRefusal('http://127.0.0.1:8080', false)).toBeNull();
    expect(upstreamRefusal('http://localhost:8080', false)).toBeNull();
    expect(upstreamRefusal('ftp://city.example', false)).toMatch(/https/);
    const server = await seededCity();
    await expect(startTestBox({ upstream: 'http://city.example', token: await server.token({ role: 'box', shelter: S }) })).rejects.toThrow(/plain http/);
  });

});

describe('HQ sees how each shelter is reached', () => {
  it('/api/hq/links says a shelter is reached through a box, and when the box last synced after it is gone', async () => {
    const server = await seededCity();
    const hq = await server.token({ role: 'hq' });
    const links = async () => (await (await fetch(`${server.url}/api/hq/links`, { headers: { Authorization: `Bearer ${hq}` } })).json()).links;
    const direct = await tablet(server.wsUrl, await server.token({ role: 'staff', shelter: 'gym-2' }), 'direct tablet', shelterDocName('gym-2'));
    await direct.whenSynced();
    const box = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S }) });
    await waitForBox(box.url, (s) => s.links.every((l) => l.state === 'connected'));
    const t = await tablet(box.wsUrl, await server.token({ role: 'staff', shelter: S }), 'box tablet');
    await t.whenSynced();
    checkIn(t, '経由 さん', 'ケイユ');
    await t.until(() => t.upstreamDurable > 0 || t.ownClockAtCity() > 0, 'the city confirmed through the box', 10_000);
    const now = await links();
    expect(now[S]).toMatchObject({ boxes: 1, tablets: 0 });
    expect(Date.now() - Date.parse(now[S].boxLastSyncAt)).toBeLessThan(10_000);
    expect(now['gym-2']).toMatchObject({ boxes: 0, tablets: 1, boxLastSyncAt: null });
    await box.stop();
    await expect.poll(async () => (await links())[S].boxes).toBe(0);
    expect((await links())[S].boxLastSyncAt).not.toBeNull();
    expect((await fetch(`${server.url}/api/hq/links`)).status).toBe(401);
  });

  it('the city\'s purge reaches the box: its copy and every byte of the names go, its tablets are refused with the new epoch, and a tablet of the new epoch syncs through it', { timeout: 60_000 }, async () => {
    const server = await seededCity();
    const box = await startTestBox({ upstream: server.url, token: await server.token({ role: 'box', shelter: S }) });
    cleanups.push(() => box.stop());
    const staff = await server.token({ role: 'staff', shelter: S, device: 'tablet at the box' });
    const t = await tablet(box.wsUrl, staff, 'tablet at the box');
    await t.whenSynced();
    checkIn(t, '箱内消去太郎', 'ハコナイショウキョタロウ');
    setShelterStatus(t.doc, 'closed', new Date(Date.now() - 200 * 86_400_000));
    await t.until(() => t.ownClockAtCity() > 0 && t.ownClockAtCity() === Y.getState(t.doc.store, t.doc.clientID), 'at the city', 15_000);
    expect(filesContaining(box.dataDir, '箱内消去太郎')).not.toEqual([]);
    await server.server.derived.refresh(shelterDocName(S));

    const [outcome] = await server.server.purger.runDue();
    expect(outcome).toMatchObject({ shelterId: S, people: 1 });
    // the tablet at the box is told, through the box, that its copy is of an older epoch
    await t.until(() => t.lastClose?.code === CLOSE.purged, 'refused as purged by the box', 15_000);
    expect(t.lastClose?.reason).toBe(`purged:${outcome.epoch}`);
    for (const dir of [server.dataDir, box.dataDir]) expect(filesContaining(dir, '箱内消去太郎'), dir).toEqual([]);

    // a tablet of the new epoch gets the purged document through the box
    const fresh = await YClient.connect({ wsUrl: box.wsUrl, docName: shelterDocName(S), token: staff, epoch: outcome.epoch, name: 'fresh' });
    cleanups.push(() => fresh.destroy());
    // (the counts come from the city: the box's own empty copy has none)
    await fresh.until(() => (fresh.doc.getMap('meta').get('retainedCounts') as { people?: number } | undefined)?.people === 1, 'the city\'s purged document', 15_000);
    expect(fresh.doc.getMap('meta').get('purgedAt')).toBe(outcome.epoch);
    expect(readPeople(fresh.doc)).toEqual([]);
    await expect.poll(() => box.box.status().links.find((l) => l.doc === shelterDocName(S))?.state, { timeout: 15_000 }).toBe('connected');
    // and a change made there reaches the city
    checkIn(fresh, '新規次郎', 'シンキジロウ');
    await fresh.until(() => fresh.ownClockAtCity() === Y.getState(fresh.doc.store, fresh.doc.clientID), 'at the city', 15_000);
  });
});
