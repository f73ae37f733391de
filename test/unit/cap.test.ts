import { describe, expect, it } from 'vitest';
import type { PublicStatus } from '../../domain/public-status';
import { CAP_BY_LEVEL, buildCapAlert, capIdentity, capTime } from '../../domain/cap';
import { capSchemaProblems as xsdProblems } from '../helpers/cap-schema';

const status: PublicStatus = {
  generatedAt: '2026-11-22T01:00:00.000Z',
  region: '八代市 <デモ> & 訓練',
  districts: [
    { id: 'honmachi', name: '本町地区', level: 4, issuedAt: '2026-11-22T00:30:00.000Z' },
    { id: 'kagami', name: '鏡地区', level: 3, issuedAt: '2026-11-22T00:10:00.000Z' },
    { id: 'hinagu', name: '日奈久地区', level: 0, issuedAt: null },
  ],
  shelters: [
    { id: 's1', name: '八代第一小学校', lat: 32.5, lon: 130.6, districtId: 'honmachi', hazards: ['flood'], status: 'open', capacity: 100, headcount: 20, stay: { shelter: 20, car: 3, home: 0 }, crowding: 'available', updatedAt: null },
    { id: 's2', name: '鏡公民館', lat: 32.56, lon: 130.66, districtId: 'kagami', hazards: [], status: 'full', capacity: 50, headcount: 50, stay: { shelter: 50, car: 0, home: 0 }, crowding: 'full', updatedAt: null },
    { id: 's3', name: '日奈久センター', lat: 32.44, lon: 130.57, districtId: 'hinagu', hazards: [], status: 'closed', capacity: 80, headcount: 0, stay: { shelter: 0, car: 0, home: 0 }, crowding: 'closed', updatedAt: null },
  ],
};
const now = new Date('2026-11-22T01:00:00Z');

describe('CAP 1.2 alert', () => {
  it('is valid against the OASIS CAP 1.2 schema', () => {
    expect(xsdProblems(buildCapAlert(status, { sender: 'hq.example.jp', now }))).toBeNull();
  });

  it('the schema check rejects an alert that breaks CAP (so the check above can fail)', () => {
    const xml = buildCapAlert(status, { sender: 'hq.example.jp', now });
    expect(xsdProblems(xml.replace('<urgency>Immediate</urgency>', '<urgency>Now</urgency>'))).toMatch(/urgency/);
    expect(xsdProblems(xml.replace(/<sent>[^<]*<\/sent>/, '<sent>2026-11-22T01:00:00Z</sent>'))).toMatch(/sent/);
  });

  it('is valid when nothing is in force, as an all-clear over the whole region', () => {
    const calm = { ...status, districts: status.districts.map((d) => ({ ...d, level: 0 as const })) };
    const xml = buildCapAlert(calm, { sender: 'hq.example.jp', now });
    expect(xsdProblems(xml)).toBeNull();
    expect(xml).toContain('<responseType>AllClear</responseType>');
    expect(xml.match(/<area>/g)).toHaveLength(2);
  });

  it('has one info per language and one area per district with a raised level', () => {
    const xml = buildCapAlert(status, { sender: 'hq.example.jp', now });
    expect(xml.match(/<info>/g)).toHaveLength(2);
    expect(xml).toContain('<language>ja-JP</language>');
    expect(xml).toContain('<language>en-US</language>');
    expect(xml.match(/<area>/g)).toHaveLength(4); // 2 districts × 2 languages; level 0 left out
    expect(xml).toContain('<areaDesc>本町地区 (警戒レベル4 避難指示)</areaDesc>');
    expect(xml).toContain('<value>kagami</value>');
    expect(xml).not.toContain('<value>hinagu</value>');
  });

  it('responds to the highest level in force and lists the open shelters, not the closed one', () => {
    const xml = buildCapAlert(status, { sender: 'hq.example.jp', now });
    expect(xml).toContain('<responseType>Evacuate</responseType>');
    expect(xml).toContain('<urgency>Immediate</urgency>');
    expect(xml).toContain('八代第一小学校 (空いています)');
    expect(xml).toContain('鏡公民館 (full)');
    expect(xml).not.toContain('日奈久センター');
  });

  it('escapes XML specials and keeps identifier and sender free of spaces and commas', () => {
    const xml = buildCapAlert(status, { sender: 'Yatsushiro City, HQ', now, identifier: 'a b,c' });
    expect(xml).toContain('八代市 &lt;デモ&gt; &amp; 訓練');
    expect(xml).toContain('<sender>Yatsushiro_City_HQ</sender>');
    expect(xml).toContain('<identifier>a_b_c</identifier>');
    expect(xsdProblems(xml)).toBeNull();
  });

  it('drops characters XML cannot carry (a control character pasted into a name) and stays valid', () => {
    const dirty: PublicStatus = {
      ...status,
      region: '八代市\u0000\u0007\u001B訓練\uFFFF',
      shelters: status.shelters.map((s) => (s.id === 's1' ? { ...s, name: '八代\u000B第一\uD800小学校\tA' } : s)),
    };
    const xml = buildCapAlert(dirty, { sender: 'Yatsushiro', now, identifier: 'x' });
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).toContain('八代市訓練');
    expect(xml).toContain('八代第一小学校\tA');
    expect(xsdProblems(xml)).toBeNull();
  });

  it('writes times in Japan Standard Time with an explicit offset', () => {
    expect(capTime(now)).toBe('2026-11-22T10:00:00+09:00');
  });

  it('maps every level to CAP values in the schema vocabulary', () => {
    expect(CAP_BY_LEVEL[5].responseTypes).toContain('Shelter');
    expect(CAP_BY_LEVEL[4].responseTypes).toEqual(['Evacuate']);
    expect(CAP_BY_LEVEL[1].responseTypes).toEqual(['Monitor']);
  });
});

describe('CAP 1.2 alert updates', () => {
  it('an alert that replaces an earlier one is an Update that references it, and stays valid', () => {
    const first = capIdentity({ sender: 'hq.example.jp', now });
    const later = new Date(now.getTime() + 600_000);
    const xml = buildCapAlert(status, { sender: 'hq.example.jp', now: later, references: [first] });
    expect(xml).toContain('<msgType>Update</msgType>');
    expect(xml).toContain(`<references>hq.example.jp,${first.identifier},2026-11-22T10:00:00+09:00</references>`);
    expect(xsdProblems(xml)).toBeNull();
    expect(buildCapAlert(status, { sender: 'hq.example.jp', now })).toContain('<msgType>Alert</msgType>');
  });
});

describe('CAP identifiers', () => {
  it('two alerts built within the same second get different identifiers', () => {
    const a = capIdentity({ sender: 's', now: new Date('2026-11-22T01:00:00.100Z') });
    const b = capIdentity({ sender: 's', now: new Date('2026-11-22T01:00:00.900Z') });
    expect(a.sent).toBe(b.sent);
    expect(a.identifier).not.toBe(b.identifier);
  });
});
