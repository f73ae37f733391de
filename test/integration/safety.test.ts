// The safety-answer desk against a real server: consent tiers decide who is answered, protected
// people never are, a prefix never matches, every question is in the audit log before it is
// answered (and the log is HQ's to download), staff and anonymous callers are refused, and a
// token asking too often is slowed down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { checkInHousehold, emptyPersonInput, type PersonInput } from '../../domain/people';
import * as Y from 'yjs';
import { HQ_DOC, hqMeta, shelterDocName, shelterPeople } from '../../domain/schema';
import { writeDoc } from '../helpers/seed';
import { QUERIES_PER_MINUTE } from '../../sync-server/routes/safety';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedHq } from '../helpers/seed';
import { YClient } from '../helpers/yclient';
import { PFIF_XSD, schemaProblems } from '../helpers/cap-schema';

let server: TestServer;
let hq: string;

const person = (name: string, kana: string, over: Partial<PersonInput> = {}): PersonInput => ({ ...emptyPersonInput(), name, kana, ...over });

beforeAll(async () => {
  server = await startTestServer({});
  await seedHq(server, {
    region: 'テスト市',
    districts: [{ id: 'd1', name: '本町地区' }],
    shelters: [
      { id: 's1', name: '本町小学校', capacity: 100, districtId: 'd1' },
      { id: 's2', name: '港町公民館', capacity: 50, districtId: 'd1' },
    ],
  });
  const write = async (shelter: string, members: PersonInput[][]) => {
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName(shelter), token: await server.token({ role: 'staff', shelter }) });
    await c.whenSynced();
    let n = 0;
    for (const household of members) {
      const r = checkInHousehold(c.doc, household, { now: new Date('2026-12-01T21:30:00Z'), newId: () => `${shelter}-${n++}` });
      if (!r.ok) throw new Error('check-in failed');
    }
    await c.whenStored();
    await c.destroy();
  };
  await write('s1', [
    [person('山田 太郎', 'やまだ たろう', { consent: 'anyone' }), person('山田 花子', 'やまだ はなこ', { consent: 'family' })],
    [person('佐藤 一郎', 'さとう いちろう', { consent: 'none' })],
    [person('田中 秘子', 'たなか ひでこ', { consent: 'anyone', protected: true })],
  ]);
  await write('s2', [[person('山田 太郎', 'ヤマダ タロウ', { consent: 'family', birthYear: 1950 })]]);
  hq = await server.token({ role: 'hq', device: '本部卓1' });
});

afterAll(async () => {
  await server.stop();
});

async function ask(body: unknown, token: string | null = hq) {
  const res = await fetch(`${server.url}/api/hq/safety-inquiries`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { answers?: { name: string; shelterName: string; present: boolean }[]; error?: string } };
}

const names = (r: Awaited<ReturnType<typeof ask>>) => (r.body.answers ?? []).map((a) => `${a.name}@${a.shelterName}`).sort();

describe('safety answers', () => {
  it('answers family about people who allow family or anyone, in every shelter, by kanji or kana', async () => {
    expect(names(await ask({ name: '山田 太郎', relation: 'family', askedBy: '山田 次郎 090-0000-0000' }))).toEqual(['山田 太郎@本町小学校', '山田 太郎@港町公民館']);
    expect(names(await ask({ name: 'ﾔﾏﾀﾞﾀﾛｳ', relation: 'family' }))).toEqual(['山田 太郎@本町小学校', '山田 太郎@港町公民館']);
    expect(names(await ask({ name: 'やまだ　はなこ', relation: 'family' }))).toEqual(['山田 花子@本町小学校']);
  });

  it('answers an acquaintance only about people who allow anyone', async () => {
    expect(names(await ask({ name: '山田 太郎', relation: 'other' }))).toEqual(['山田 太郎@本町小学校']);
    expect(names(await ask({ name: '山田 花子', relation: 'other' }))).toEqual([]);
  });

  it('never answers about someone who refused, a protected person, or a prefix', async () => {
    expect(names(await ask({ name: '佐藤 一郎', relation: 'family' }))).toEqual([]);
    expect(names(await ask({ name: '田中 秘子', relation: 'family' }))).toEqual([]);
    expect(names(await ask({ name: 'たなかひでこ', relation: 'other' }))).toEqual([]);
    expect(names(await ask({ name: '山田', relation: 'family' }))).toEqual([]);
  });

  it('refuses bad questions with the reason, and staff or anonymous callers', async () => {
    expect(await ask({ name: '  ', relation: 'family' })).toMatchObject({ status: 400, body: { error: 'name-required' } });
    expect(await ask({ name: '山田 太郎', relation: 'neighbour' })).toMatchObject({ status: 400, body: { error: 'relation' } });
    expect((await ask({ name: '山田 太郎', relation: 'family' }, await server.token({ role: 'staff', shelter: 's1' }))).status).toBe(403);
    expect((await ask({ name: '山田 太郎', relation: 'family' }, null)).status).toBe(401);
  });

  it('logs every answered question (who asked, when, what was answered), and HQ downloads the log', async () => {
    const log = await server.server.store.listAudit();
    const first = log.find((e) => e.askedBy === '山田 次郎 090-0000-0000')!;
    expect(first).toMatchObject({ relation: 'family', query: '山田 太郎', answered: 2, device: '本部卓1' });
    expect(first.answer).toContain('港町公民館');
    expect(log.find((e) => e.query === '田中 秘子')).toMatchObject({ answered: 0, answer: '' });
    // refused questions (bad input, wrong token) answer nothing and are not in the log
    expect(log.some((e) => e.query.trim() === '')).toBe(false);

    const csv = await fetch(`${server.url}/api/hq/safety-inquiries/audit.csv`, { headers: { Authorization: `Bearer ${hq}` } });
    expect(csv.status).toBe(200);
    // fetch's text() drops the BOM that makes Excel read UTF-8
    const rows = Papa.parse<string[]>((await csv.text()).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['at', 'jti', 'device', 'asked_by', 'relation', 'query', 'answered', 'answer']);
    expect(rows).toHaveLength(log.length + 1);
    const staffCsv = await fetch(`${server.url}/api/hq/safety-inquiries/audit.csv`, { headers: { Authorization: `Bearer ${await server.token({ role: 'staff', shelter: 's1' })}` } });
    expect(staffCsv.status).toBe(403);
  });

  it('finds someone checked in after the last question (nothing stale is answered)', async () => {
    expect(names(await ask({ name: '後藤 新', relation: 'other' }))).toEqual([]);
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName('s2'), token: await server.token({ role: 'staff', shelter: 's2' }) });
    await c.whenSynced();
    checkInHousehold(c.doc, [person('後藤 新', 'ごとう あらた', { consent: 'anyone' })], { now: new Date(), newId: () => crypto.randomUUID() });
    await c.whenStored();
    await c.destroy();
    expect(names(await ask({ name: '後藤 新', relation: 'other' }))).toEqual(['後藤 新@港町公民館']);
  });

  it(`slows down a token that asks more than ${QUERIES_PER_MINUTE} times a minute`, async () => {
    const busy = await server.token({ role: 'hq', device: 'script' });
    const statuses: number[] = [];
    for (let i = 0; i <= QUERIES_PER_MINUTE; i++) statuses.push((await ask({ name: `名前 ${i}`, relation: 'other' }, busy)).status);
    expect(statuses.slice(0, QUERIES_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(statuses[QUERIES_PER_MINUTE]).toBe(429);
    // another desk is not slowed by it
    expect((await ask({ name: '山田 太郎', relation: 'other' })).status).toBe(200);
  });

  it('narrows by the year of birth the caller gives, refuses a year that is not one, and logs the year asked', async () => {
    expect(names(await ask({ name: '山田 太郎', relation: 'family' }))).toHaveLength(2);
    // s1's 山田 太郎 has no year on record: still a match; s2's was born in 1950
    expect(names(await ask({ name: '山田 太郎', relation: 'family', birthYear: 1988 }))).toEqual(['山田 太郎@本町小学校']);
    expect(names(await ask({ name: '山田 太郎', relation: 'family', birthYear: 1950 }))).toHaveLength(2);
    const bad = await ask({ name: '山田 太郎', relation: 'family', birthYear: 'nineteen fifty' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'birth-year' } });
    const audit = await server.server.store.listAudit();
    expect(audit.map((e) => e.query)).toContain('山田 太郎 (1988)');
  });

  it('PFIF 1.4 for aggregators: valid against the schema, consenting people only (never family-only, none or protected), each with an expiry; HQ only, and logged', async () => {
    for (const [token, status] of [[null, 401], [await server.token({ role: 'staff', shelter: 's1' }), 403]] as const) {
      const res = await fetch(`${server.url}/api/hq/pfif.xml`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      expect(res.status).toBe(status);
    }
    // a token in the URL is refused (it would land in aggregators' logs); the record-id domain comes first
    expect((await fetch(`${server.url}/api/hq/pfif.xml?token=${hq}`)).status).toBe(400);
    expect((await fetch(`${server.url}/api/hq/pfif.xml`, { headers: { Authorization: `Bearer ${hq}` } })).status).toBe(409);
    await writeDoc(server, HQ_DOC, (doc) => hqMeta(doc).set('pfifDomain', 'city.example.jp'));
    const before = (await server.server.store.listAudit()).length;
    const res = await fetch(`${server.url}/api/hq/pfif.xml`, { headers: { Authorization: `Bearer ${hq}`, Host: '10.0.0.5:8080' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const xml = await res.text();
    expect(schemaProblems(xml, PFIF_XSD)).toBeNull();
    const fullNames = [...xml.matchAll(/<pfif:full_name>([^<]*)<\/pfif:full_name>/g)].map((m) => m[1]);
    expect(fullNames).toContain('山田 太郎'); // s1, consent anyone
    expect(fullNames).toContain('後藤 新');
    for (const hidden of ['山田 花子', '佐藤 一郎', '田中 秘子']) expect(xml).not.toContain(hidden);
    expect(xml.match(/<pfif:expiry_date>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/pfif:expiry_date>/g)).toHaveLength(fullNames.length);
    expect(xml).toContain('<pfif:status>believed_alive</pfif:status>');
    expect(xml).toContain('<pfif:last_known_location>本町小学校</pfif:last_known_location>');
    const audit = await server.server.store.listAudit();
    expect(audit.slice(before)).toEqual([expect.objectContaining({ askedBy: 'PFIF 1.4', answered: fullNames.length, answer: '' })]);
    // as Person Finder reads it: ids from the one configured domain, whatever host was asked;
    // the same export twice is the same (dates are the records', not the export's)
    expect(xml).toContain('<pfif:person_record_id>city.example.jp/person.');
    expect(xml).not.toContain('10.0.0.5');
    const again = await (await fetch(`${server.url}/api/hq/pfif.xml`, { headers: { Authorization: `Bearer ${hq}` } })).text();
    expect(again).toBe(xml);
  });

  it('one record a staff token broke (an unreadable check-in time) is skipped and counted, never a 500 for the city; a string protection mark still protects', async () => {
    const c = await YClient.connect({ wsUrl: server.wsUrl, docName: shelterDocName('s2'), token: await server.token({ role: 'staff', shelter: 's2' }) });
    await c.whenSynced();
    const [bad] = [...shelterPeople(c.doc).values()];
    bad.set('consent', 'anyone');
    bad.set('checkedInAt', 'yesterday');
    const m = new Y.Map<unknown>();
    shelterPeople(c.doc).set('str-protected', m);
    for (const [k, v] of Object.entries({ householdId: 'h-str', name: '文字列 秘子', kana: 'もじれつ ひでこ', consent: 'anyone', checkedInAt: '2026-12-01T22:00:00Z', checkedOutAt: null, protected: 'true' })) m.set(k, v);
    await c.whenStored();
    await c.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const before = (await server.server.store.listAudit()).length;
    const res = await fetch(`${server.url}/api/hq/pfif.xml`, { headers: { Authorization: `Bearer ${hq}` } });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(schemaProblems(xml, PFIF_XSD)).toBeNull();
    expect(xml).toContain('山田 太郎');
    expect(xml).not.toContain('文字列');
    const audit = await server.server.store.listAudit();
    expect(audit.slice(before)).toEqual([expect.objectContaining({ askedBy: 'PFIF 1.4', answer: 'skipped 1 unreadable record(s)' })]);
    expect(names(await ask({ name: '文字列 秘子', relation: 'family' }))).toEqual([]);
  });
});
