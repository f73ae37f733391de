// PFIF 1.4 records: who is in the feed (consent 'anyone', never protected), the record's fields
// and expiry, escaping, and the schema check itself (a broken record is caught).
import { describe, expect, it } from 'vitest';
import { pfifDate, pfifDomain, pfifEligible, pfifXml, validPfifDomain, type PfifEntry } from '../../domain/pfif';
import type { Person } from '../../domain/schema';
import { PFIF_XSD, schemaProblems } from '../helpers/cap-schema';

const person = (id: string, over: Partial<Person> = {}): Person => ({
  id, householdId: 'h', name: '山田 太郎', kana: 'ヤマダ タロウ', ageGroup: 'adult', sex: 'male', needs: ['dialysis'], language: 'ja', districtId: 'd1',
  stay: 'shelter', checkedInAt: '2026-12-01T21:30:00.000Z', checkedOutAt: null, note: '透析の曜日: 月水金', consent: 'anyone', protected: false, birthYear: 1950, ...over,
});
const entry = (p: Person): PfifEntry => ({ person: p, shelterId: 's1', shelterName: '本町小学校 <体育館>', expiresAt: '2027-03-01T00:00:00.000Z' });
const opts = { domain: pfifDomain('city.example.jp:8080'), sourceName: 'テスト市', now: new Date('2026-12-02T00:00:00.123Z') };

describe('PFIF 1.4', () => {
  it('has people who let anyone be told, never family-only, none or protected', () => {
    expect(pfifEligible(person('a'))).toBe(true);
    expect(pfifEligible(person('b', { consent: 'family' }))).toBe(false);
    expect(pfifEligible(person('c', { consent: 'none' }))).toBe(false);
    expect(pfifEligible(person('d', { protected: true }))).toBe(false);
  });

  it('writes a schema-valid record with expiry, year of birth and a note of where they are; nothing of needs or notes', () => {
    const { xml } = pfifXml([entry(person('a')), entry(person('b', { consent: 'family', name: '非公開 花子' })), entry(person('c', { checkedOutAt: '2026-12-02T01:00:00.000Z', sex: 'unanswered', birthYear: null }))], opts);
    expect(schemaProblems(xml, PFIF_XSD)).toBeNull();
    expect(xml).toContain('<pfif:person_record_id>city.example.jp/person.s1.a</pfif:person_record_id>');
    expect(xml).toContain('<pfif:expiry_date>2027-03-01T00:00:00Z</pfif:expiry_date>');
    expect(xml).toContain('<pfif:date_of_birth>1950</pfif:date_of_birth>');
    expect(xml).toContain('<pfif:last_known_location>本町小学校 &lt;体育館&gt;</pfif:last_known_location>');
    expect(xml).toContain('退所しました');
    expect(xml).not.toContain('非公開');
    expect(xml).not.toContain('透析');
    expect(xml.match(/<pfif:person>/g)).toHaveLength(2);
    expect(pfifDate('2026-12-02T00:00:00.123Z')).toBe('2026-12-02T00:00:00Z');
    expect(pfifDomain('')).toBe('hinanjo.invalid');
  });

  it('a check-out is a new note (a new id), and nothing in a record depends on the time of the export', () => {
    const inShelter = pfifXml([entry(person('a'))], opts).xml;
    const later = pfifXml([entry(person('a'))], { ...opts, now: new Date('2027-01-01T00:00:00Z') }).xml;
    expect(later).toBe(inShelter);
    const out = pfifXml([entry(person('a', { checkedOutAt: '2026-12-02T01:00:00.000Z' }))], opts).xml;
    const noteId = (x: string) => /<pfif:note_record_id>([^<]+)</.exec(x)![1];
    expect(noteId(out)).not.toBe(noteId(inShelter));
    expect(validPfifDomain('City.Example.JP')).toBe('city.example.jp');
    for (const bad of ['localhost', '10.0.0.5', 'city.example.jp:8080', '', 'a b.jp']) expect(validPfifDomain(bad), bad).toBeNull();
  });

  it('a record with an unreadable date is skipped and counted; the rest of the feed is written', () => {
    const feed = pfifXml([
      entry(person('a')),
      entry(person('bad-in', { checkedInAt: 'yesterday' })),
      entry(person('bad-out', { checkedOutAt: 'soon' })),
      entry(person('c', { consent: 'family', checkedInAt: 'never' })), // not eligible: not counted
    ], opts);
    expect(feed).toMatchObject({ records: 1, skipped: 2 });
    expect(schemaProblems(feed.xml, PFIF_XSD)).toBeNull();
  });

  it('the schema check catches a broken record (so "valid" above means something)', () => {
    const { xml } = pfifXml([entry(person('a'))], opts);
    expect(schemaProblems(xml.replace('<pfif:sex>male</pfif:sex>', '<pfif:sex>unknown</pfif:sex>'), PFIF_XSD)).not.toBeNull();
    expect(schemaProblems(xml.replace(/<pfif:full_name>[^<]*<\/pfif:full_name>\n/, ''), PFIF_XSD)).not.toBeNull();
    expect(schemaProblems(xml.replace('2027-03-01T00:00:00Z', '2027-03-01'), PFIF_XSD)).not.toBeNull();
  });
});
