// The list of residents who need help to evacuate, on a real server: uploaded as the city's CSV
// (Shift_JIS too), kept sealed (counts only) until HQ opens it with a reason, audited at every
// step, matched live against the shelters' check-ins, confirmed by HQ, exported for the door to
// door, reachable by HQ tokens only, absent from every public layer and every Yjs document, and
// erased when HQ deletes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { checkInHousehold, emptyPersonInput } from '../../domain/people';
import { HQ_DOC, shelterDocName } from '../../domain/schema';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq, writeDoc } from '../helpers/seed';
import { YClient } from '../helpers/yclient';
import { filesContaining } from '../helpers/files';

let server: TestServer;
let hq: string;

const CSV = [
  '氏名,ふりがな,生年月日,性別,住所,電話,避難支援を要する事由,地区,避難支援等関係者,平常時提供同意',
  '名簿 花子,めいぼ はなこ,昭和15年5月5日,女,本町1-10,090-1111-2222,要介護3（車いす）,本町地区,民生委員 佐藤,有',
  '名簿 太郎,めいぼ たろう,1950/1/2,男,本町1-2,090-3333-4444,視覚障害,d1,,無',
  '同名 一郎,どうめい いちろう,1930/3/3,男,港町2-1,,人工透析,港町地区,,有',
  '港 三郎,みなと さぶろう,,男,港町5-5,,寝たきり,d2,,無',
  ',,,,,,,本町地区,,',
].join('\r\n');

const upload = (body: string, query = '', token = hq) =>
  fetch(`${server.url}/api/hq/support-list${query}`, { method: 'POST', headers: { 'Content-Type': 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body });
const get = (path: string, token: string | null = hq) => fetch(`${server.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const post = (path: string, body: unknown, token: string | null = hq) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

async function checkIn(shelter: string, people: { name: string; kana: string; birthYear?: number }[]) {
  const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName(shelter), token: await server.token({ role: 'staff', shelter }) });
  await c.whenSynced();
  for (const p of people) {
    const r = checkInHousehold(c.doc, [{ ...emptyPersonInput(), name: p.name, kana: p.kana, birthYear: p.birthYear ?? null }], { now: new Date(), newId: () => `${shelter}-${Math.random().toString(36).slice(2)}` });
    if (!r.ok) throw new Error('check-in failed');
  }
  await c.whenStored();
  await c.destroy();
}

beforeAll(async () => {
  server = await startTestServer({});
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'd1', name: '本町地区' }, { id: 'd2', name: '港町地区' }],
    shelters: [{ id: 's1', name: '本町小学校', districtId: 'd1' }, { id: 's2', name: '港町公民館', districtId: 'd2' }],
  });
  hq = await server.token({ role: 'hq', device: '本部卓' });
});

afterAll(async () => {
  await server.stop();
});

describe('the support list', () => {
  it('only HQ tokens reach it; public, staff and box tokens are refused everywhere', async () => {
    const staff = await server.token({ role: 'staff', shelter: 's1' });
    const box = await server.token({ role: 'box', shelter: 's1' });
    for (const path of ['/api/hq/support-list/status', '/api/hq/support-list/unaccounted.csv', '/api/hq/support-list/consenting.csv']) {
      expect((await get(path, null)).status, path).toBe(401);
      for (const t of [staff, box]) expect((await get(path, t)).status, path).toBe(403);
    }
    expect((await upload(CSV, '', '')).status).toBe(401);
    expect((await upload(CSV, '', staff)).status).toBe(403);
    expect((await post('/api/hq/support-list/open', { reason: '訓練' }, staff)).status).toBe(403);
    expect((await post('/api/hq/support-list/open', { reason: '訓練' }, null)).status).toBe(401);
  });

  it('a preview reads the columns and lists bad rows; the upload stores it sealed: counts only, nothing in status.json or a document', async () => {
    const preview = (await (await upload(CSV, '?preview=1')).json()) as Record<string, unknown>;
    expect(preview).toMatchObject({ preview: true, total: 4, added: 4, bad: [{ line: 6, problem: 'no-name' }] });
    expect((preview.mapping as Record<string, string>).reason).toBe('避難支援を要する事由');
    expect((await (await get('/api/hq/support-list/status')).json()).total).toBe(0); // a preview stores nothing
    const bad = await upload('氏名,電話\n山田,1');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'missing-columns', columns: ['address', 'district'] });

    const done = (await (await upload(CSV)).json()) as { total: number; added: number };
    expect(done).toMatchObject({ total: 4, added: 4 });
    // re-upload: updated by the stable key, never duplicated
    const again = (await (await upload(CSV.replace('090-3333-4444', '090-3333-9999'))).json()) as { total: number; added: number; updated: number };
    expect(again).toMatchObject({ total: 4, added: 0, updated: 1 });
    const sealed = (await (await get('/api/hq/support-list/status')).json()) as Record<string, unknown>;
    expect(sealed.sealed).toBe(true);
    expect(sealed.people).toBeUndefined();
    expect(sealed.districts).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'd1', total: 2, unaccounted: 2 }), expect.objectContaining({ id: 'd2', total: 2 })]));
    expect(JSON.stringify(sealed)).not.toContain('名簿');
    expect((await get('/api/hq/support-list/unaccounted.csv')).status).toBe(403);
    // nothing of the list anywhere public, nor in any Yjs document
    server.server.derived.flushNow();
    for (const path of ['/api/public/status.json', '/api/public/cap.xml', '/api/public/hazards.json']) expect(await (await get(path, null)).text(), path).not.toContain('名簿');
    const hqClient = await YClient.connect({ wsUrl: server.wsUrl, docName: HQ_DOC, token: hq });
    await hqClient.whenSynced();
    expect(JSON.stringify(hqClient.doc.toJSON())).not.toContain('名簿');
    await hqClient.destroy();
    // before a disaster: the consenting part, per district, for the supporters who train with it
    const consenting = Papa.parse<string[]>((await (await get('/api/hq/support-list/consenting.csv?district=d1')).text()).replace(/^\ufeff/, '')).data.filter((r) => r.length > 1);
    expect(consenting.map((r) => r[2])).toEqual(['氏名', '名簿 花子']);
  });

  it('opened with a reason (audited), names appear; a check-in matches within seconds; HQ confirms and rejects; door to door lists the rest by address', async () => {
    expect((await post('/api/hq/support-list/open', { reason: '' })).status).toBe(400);
    const before = (await server.server.store.listAudit()).length;
    expect((await post('/api/hq/support-list/open', { reason: '大雨特別警報 球磨川氾濫' })).status).toBe(200);
    const status = async () => (await (await get('/api/hq/support-list/status')).json()) as { sealed: boolean; people: { id: string; name: string; status: string; shelterId: string | null; match: { confidence: string } | null; matches: unknown[] }[]; districts: { id: string; unaccounted: number; inShelter: number; confirmed: number }[] };
    const open = await status();
    expect(open.sealed).toBe(false);
    expect(open.people.map((p) => p.name)).toEqual(['名簿 太郎', '名簿 花子', '同名 一郎', '港 三郎']); // by district and address (1-2 before 1-10)
    const audit = (await server.server.store.listAudit()).slice(before);
    expect(audit.map((e) => [e.askedBy, e.relation])).toEqual([['避難行動要支援者名簿', 'open'], ['避難行動要支援者名簿', 'view']]);
    expect(audit[0].query).toBe('大雨特別警報 球磨川氾濫');

    // a check-in at any shelter turns a listed person "in a shelter": width and script folded
    const t0 = Date.now();
    await checkIn('s2', [{ name: 'メイボ ハナコ', kana: 'ﾒｲﾎﾞ ﾊﾅｺ', birthYear: 1940 }, { name: '同名 一郎', kana: '', birthYear: 1985 }]);
    await expect.poll(async () => (await status()).people.find((p) => p.name === '名簿 花子')?.status, { timeout: 5_000, interval: 50 }).toBe('in-shelter');
    expect(Date.now() - t0).toBeLessThan(5_000);
    const hanako = (await status()).people.find((p) => p.name === '名簿 花子')!;
    expect(hanako).toMatchObject({ shelterId: 's2', match: { confidence: 'high' } });
    // the same name with another birth year is another person
    expect((await status()).people.find((p) => p.name === '同名 一郎')!.status).toBe('unaccounted');

    // HQ rejects the match (a different 花子) — back to unaccounted; then confirms by phone
    const m = (await (await get('/api/hq/support-list/status')).json()).people.find((p: { name: string }) => p.name === '名簿 花子');
    const id = encodeURIComponent(m.id);
    expect((await post(`/api/hq/support-list/people/${id}/match`, { shelterId: m.match.shelterId, personId: m.match.personId, decision: 'reject' })).status).toBe(200);
    expect((await status()).people.find((p) => p.name === '名簿 花子')!.status).toBe('unaccounted');
    expect((await post(`/api/hq/support-list/people/${id}/confirm`, { method: 'phone' })).status).toBe(400);
    expect((await post(`/api/hq/support-list/people/${id}/confirm`, { method: 'phone', where: '長女宅（八代市内）', by: '本部 田中' })).status).toBe(200);
    expect((await status()).people.find((p) => p.name === '名簿 花子')!.status).toBe('confirmed');
    const taro = (await status()).people.find((p) => p.name === '名簿 太郎')!;
    expect((await post(`/api/hq/support-list/people/${encodeURIComponent(taro.id)}/report`, { by: '民生委員 佐藤', note: '近所の人と避難' })).status).toBe(200);
    expect((await status()).people.find((p) => p.name === '名簿 太郎')!.status).toBe('reported');

    // door to door: the unaccounted of a district, by address, formula-safe
    await upload(CSV.replace('港町5-5', '=HYPERLINK("x")'));
    const rows = Papa.parse<string[]>((await (await get('/api/hq/support-list/unaccounted.csv?district=d2')).text()).replace(/^\ufeff/, '')).data.filter((r) => r.length > 1);
    expect(rows[0]).toEqual(['地区', '住所', '氏名', 'ふりがな', '生年月日', '電話', '避難支援を要する事由', '避難支援等関係者']);
    expect(rows.slice(1).map((r) => [r[1], r[2]])).toEqual([["'=HYPERLINK(\"x\")", '港 三郎'], ['港町2-1', '同名 一郎']]);
    const exports = (await server.server.store.listAudit()).filter((e) => e.relation === 'export-unaccounted');
    expect(exports.at(-1)).toMatchObject({ query: 'd2', answered: 2 });

    // a shelter's staff see one number for their district, never a name
    const staff = await server.token({ role: 'staff', shelter: 's2' });
    const count = (await (await get('/api/shelter/support-count', staff)).json()) as Record<string, unknown>;
    expect(count).toEqual({ open: true, district: 'd2', districtName: '港町地区', unaccounted: 2 });
  });

  it("follows corrections at the shelter: a check-in renamed stops matching, named back matches again, checked out is no longer present", async () => {
    const status = async () => (await (await get('/api/hq/support-list/status')).json()) as { people: { name: string; status: string; match: { present: boolean } | null }[] };
    // (同名 一郎 born 1930: the one at s2, born 1985, is another person; no other listed name may reach a document.)
    const ichiro = async () => (await status()).people.find((p) => p.name === '同名 一郎')!;
    expect((await ichiro()).status).toBe('unaccounted');
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName('s1'), token: await server.token({ role: 'staff', shelter: 's1' }) });
    await c.whenSynced();
    const r = checkInHousehold(c.doc, [{ ...emptyPersonInput(), name: '同名 一郎', kana: 'どうめい いちろう', birthYear: 1930 }], { now: new Date(), newId: () => 's1-ichiro' });
    if (!r.ok) throw new Error('check-in failed');
    await expect.poll(async () => (await ichiro()).status, { timeout: 5_000, interval: 50 }).toBe('in-shelter');
    // Only the changed person is read again on each rescan (people-changes.ts): each edit must still be seen.
    const person = c.doc.getMap('people').get('s1-ichiro') as import('yjs').Map<unknown>;
    c.doc.transact(() => {
      person.set('name', '同名 二郎');
      person.set('kana', 'どうめい じろう');
    });
    await expect.poll(async () => (await ichiro()).status, { timeout: 5_000, interval: 50 }).toBe('unaccounted');
    c.doc.transact(() => {
      person.set('name', '同名 一郎');
      person.set('kana', 'どうめい いちろう');
    });
    await expect.poll(async () => (await ichiro()).status, { timeout: 5_000, interval: 50 }).toBe('in-shelter');
    person.set('checkedOutAt', new Date().toISOString());
    await expect.poll(async () => (await ichiro()).match?.present, { timeout: 5_000, interval: 50 }).toBe(false);
    await c.whenStored();
    await c.destroy();
  });

  it('a new upload is matched afresh against the check-ins already read: a birth date corrected on the list unmatches one, corrected back matches it again', async () => {
    // A list with the city's numbers, so the person keeps their key while their birth date changes.
    const numbered = (born: string) =>
      ['番号,氏名,ふりがな,生年月日,性別,住所,電話,避難支援を要する事由,地区,避難支援等関係者,平常時提供同意', `1001,同名 一郎,どうめい いちろう,${born},男,港町2-1,,人工透析,港町地区,,有`].join('\r\n');
    const status = async () => (await (await get('/api/hq/support-list/status')).json()) as { people: { id: string; name: string; match: { present: boolean } | null }[] };
    const ichiro = async () => (await status()).people.find((p) => p.name === '同名 一郎')!;
    // Listed born 1930: the check-in at s1 born 1930 (checked out above), not the one at s2 born 1985.
    expect((await upload(numbered('1930/3/3'))).status).toBe(200);
    await expect.poll(async () => (await ichiro()).match, { timeout: 5_000, interval: 50 }).toMatchObject({ present: false });
    const key = (await ichiro()).id;
    // The check-in's row is kept between rescans, with whom it matched: a new list must not reuse that.
    expect((await upload(numbered('1931/3/3'))).status).toBe(200);
    expect((await ichiro()).id).toBe(key);
    await expect.poll(async () => (await ichiro()).match, { timeout: 5_000, interval: 50 }).toBeNull();
    expect((await upload(numbered('1930/3/3'))).status).toBe(200);
    await expect.poll(async () => (await ichiro()).match, { timeout: 5_000, interval: 50 }).toMatchObject({ present: false });
    expect((await upload(CSV)).status).toBe(200);
  });

  it('closed again, it is sealed; deleted, no byte of a name is left in the data directory', async () => {
    expect((await post('/api/hq/support-list/close', {})).status).toBe(200);
    expect((await (await get('/api/hq/support-list/status')).json()).people).toBeUndefined();
    const staff = await server.token({ role: 'staff', shelter: 's2' });
    expect(await (await get('/api/shelter/support-count', staff)).json()).toEqual({ open: false });
    // derived decisions follow the retention setting once the list is closed
    expect(await server.server.evacuation!.supportList.purgeDerived(new Date(Date.now() + 91 * 86_400_000))).toBeGreaterThan(0);
    expect(filesContaining(server.dataDir, '名簿 太郎')).not.toEqual([]);
    const del = await fetch(`${server.url}/api/hq/support-list`, { method: 'DELETE', headers: { Authorization: `Bearer ${hq}` } });
    expect(del.status).toBe(204);
    expect((await (await get('/api/hq/support-list/status')).json()).total).toBe(0);
    for (const name of ['名簿 太郎', '名簿 花子', '港 三郎']) expect(filesContaining(server.dataDir, name), name).toEqual([]);
    expect((await server.server.store.listAudit()).map((e) => e.relation)).toEqual(expect.arrayContaining(['upload', 'open', 'view', 'confirm', 'close', 'delete']));
  });
});
