// PFIF 1.4 (People Finder Interchange Format) for person-finder aggregators such as J-anpi: one
// person record per consenting evacuee, with a note saying where they are. Only people who agreed
// that anyone may be told (consent 'anyone') are in it, never a protected person: an aggregator's
// search is public. Each record expires when the shelter's roster is purged (retention.ts), as
// PFIF's expiry rules ask, so an aggregator deletes its copy when the city deletes its own.
import type { Person } from './schema';
import { escapeXml } from './cap';

export const PFIF_NS = 'http://zesty.ca/pfif/1.4';

export interface PfifEntry {
  person: Person;
  shelterId: string;
  shelterName: string;
  /** When this record must be deleted by whoever holds a copy (ISO). */
  expiresAt: string;
}

export interface PfifOptions {
  /** The record-id domain, configured once (hq meta `pfifDomain`), e.g. "city.example.jp". */
  domain: string;
  /** Who publishes the records: the city's name. */
  sourceName: string;
  now: Date;
}

/** Who may be in a public person-finder feed. */
export function pfifEligible(p: Person): boolean {
  return !p.protected && p.consent === 'anyone';
}

/** PFIF's date form: UTC, whole seconds. */
export function pfifDate(iso: string | Date): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A record-id domain from a Host header or a configured name: letters, digits, dots and hyphens. */
export function pfifDomain(host: string): string {
  const name = host.replace(/:\d+$/, '').replace(/[^A-Za-z0-9.-]/g, '');
  return name || 'hinanjo.invalid';
}

/**
 * A domain HQ may configure for PFIF record ids: a DNS name with a dot (the city's own), never an
 * address or a port — the same person must keep one id whoever exports, from whichever host.
 */
export function validPfifDomain(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const d = v.trim().toLowerCase();
  return /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d) ? d : null;
}

const PFIF_SEX: Record<string, string> = { female: 'female', male: 'male', other: 'other' };

function element(name: string, value: string | null | undefined, indent: string): string {
  return value === null || value === undefined || value === '' ? '' : `${indent}<pfif:${name}>${escapeXml(value)}</pfif:${name}>\n`;
}

function personRecord(e: PfifEntry, o: PfifOptions): string {
  const p = e.person;
  const id = `${o.domain}/person.${e.shelterId}.${p.id}`;
  const left = p.checkedOutAt !== null && p.checkedOutAt !== '';
  const at = pfifDate(left ? p.checkedOutAt! : p.checkedInAt);
  // Dates of the record, not of the export: an importer that compares them sees no change where
  // there is none. A check-out is news: a new note with its own id (importers add new ids only).
  const entered = pfifDate(p.checkedInAt);
  const noteId = `${o.domain}/note.${e.shelterId}.${p.id}.${left ? 'out' : 'in'}.${at.replace(/[^0-9]/g, '')}`;
  const i = '    ';
  const note =
    `${i}<pfif:note>\n` +
    element('note_record_id', noteId, i + '  ') +
    element('person_record_id', id, i + '  ') +
    element('entry_date', at, i + '  ') +
    element('author_name', o.sourceName, i + '  ') +
    element('source_date', at, i + '  ') +
    element('author_made_contact', 'true', i + '  ') +
    element('status', 'believed_alive', i + '  ') +
    element('last_known_location', e.shelterName, i + '  ') +
    element('text', left ? `${e.shelterName}から退所しました(${at})。` : `${e.shelterName}に避難しています(${pfifDate(p.checkedInAt)} 受付)。`, i + '  ') +
    `${i}</pfif:note>\n`;
  return (
    '  <pfif:person>\n' +
    element('person_record_id', id, i) +
    element('entry_date', entered, i) +
    element('expiry_date', pfifDate(e.expiresAt), i) +
    element('author_name', o.sourceName, i) +
    element('source_name', o.sourceName, i) +
    element('source_date', pfifDate(p.checkedInAt), i) +
    element('full_name', p.name, i) +
    element('alternate_names', p.kana, i) +
    element('sex', PFIF_SEX[p.sex], i) +
    element('date_of_birth', p.birthYear ? String(p.birthYear) : null, i) +
    note +
    '  </pfif:person>\n'
  );
}

const readableDate = (v: string | null | undefined): boolean => typeof v === 'string' && v !== '' && Number.isFinite(Date.parse(v));

/**
 * Whether a record can be written: its dates read as dates. Any staff token writes a person's
 * fields, so one `checkedInAt: 'yesterday'` must cost that one record, not the city's feed.
 */
function writable(e: PfifEntry): boolean {
  const p = e.person;
  return readableDate(p.checkedInAt) && (p.checkedOutAt === null || p.checkedOutAt === '' || readableDate(p.checkedOutAt)) && readableDate(e.expiresAt);
}

export interface PfifFeed {
  xml: string;
  /** Person records written. */
  records: number;
  /** Eligible people left out because their record could not be read (an unreadable date). */
  skipped: number;
}

/** The feed: every eligible person of `entries`, in the order given; an unreadable record is skipped and counted. */
export function pfifXml(entries: readonly PfifEntry[], o: PfifOptions): PfifFeed {
  const records: string[] = [];
  let skipped = 0;
  for (const e of entries) {
    if (!pfifEligible(e.person)) continue;
    if (!writable(e)) {
      skipped++;
      continue;
    }
    records.push(personRecord(e, o));
  }
  return { xml: `<?xml version="1.0" encoding="UTF-8"?>\n<pfif:pfif xmlns:pfif="${PFIF_NS}">\n${records.join('')}</pfif:pfif>\n`, records: records.length, skipped };
}
