// The city's 避難行動要支援者名簿 (list of residents who need help to evacuate): reading the CSV
// municipal systems export, and matching its people against every shelter's check-ins. Pure: the
// server stores and seals the list (sync-server/features/evacuation/support-list.ts); nothing of it ever
// enters a Yjs document or reaches a tablet.
import { csvRecords } from './csv-records';
import { normalizeForMatch } from './normalize';
import { type Result, err, ok } from './result';

export const SUPPORT_FIELDS = ['id', 'name', 'kana', 'birthDate', 'sex', 'address', 'phone', 'reason', 'district', 'supporters', 'consent'] as const;
export type SupportField = (typeof SUPPORT_FIELDS)[number];

/** Header names as municipal systems write them, most usual first (compared after NFKC). */
const HEADER_NAMES: Record<SupportField, string[]> = {
  id: ['番号', 'ID', '管理番号', '台帳番号', '整理番号', '宛名番号', '個人番号'],
  name: ['氏名', '名前', '要支援者氏名'],
  kana: ['ふりがな', 'フリガナ', 'カナ氏名', '氏名カナ', 'よみがな'],
  birthDate: ['生年月日', '誕生日'],
  sex: ['性別'],
  address: ['住所', '所在地', '現住所'],
  phone: ['電話', '電話番号', '連絡先'],
  reason: ['避難支援を要する事由', '支援を要する事由', '要支援事由', '事由', '支援が必要な理由'],
  district: ['地区', '地区名', '自治会', '地区コード'],
  supporters: ['避難支援等関係者', '支援者', '避難支援者'],
  consent: ['平常時提供同意', '平常時の名簿提供への同意', '同意', '情報提供同意'],
};
const REQUIRED: readonly SupportField[] = ['name', 'address', 'district'];

export type ColumnMapping = Partial<Record<SupportField, number>>;

export interface SupportPerson {
  /** Stable across uploads: the list's own number when it has one, else from kana (or name) and birth date. */
  id: string;
  listNumber: string | null;
  name: string;
  kana: string;
  /** ISO date (YYYY-MM-DD) or null when the file had none. */
  birthDate: string | null;
  sex: string;
  address: string;
  phone: string;
  reason: string;
  /** District id (of the registry). */
  district: string;
  supporters: string;
  /** 平常時提供同意: the person agreed to share the list with supporters before a disaster. */
  consent: boolean;
}

export type SupportRowProblem = 'no-name' | 'no-address' | 'unknown-district' | 'bad-birth-date' | 'duplicate';

export interface ParsedSupportList {
  mapping: ColumnMapping;
  header: string[];
  people: SupportPerson[];
  bad: { line: number; problem: SupportRowProblem; value?: string }[];
}

export type SupportListError = { kind: 'empty' } | { kind: 'missing-columns'; columns: SupportField[]; header: string[] };

const fold = (s: string) => s.normalize('NFKC').replace(/\s/g, '').toLowerCase();

export function guessColumns(header: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set<number>();
  for (const field of SUPPORT_FIELDS) {
    for (const name of HEADER_NAMES[field]) {
      const i = header.findIndex((h, j) => !taken.has(j) && fold(h) === fold(name));
      if (i >= 0) {
        mapping[field] = i;
        taken.add(i);
        break;
      }
    }
  }
  return mapping;
}

/** Eras: year 1 is start + 1; `last` is the era's last year number (none for the current era). */
const ERAS: { names: string[]; start: number; last?: number }[] = [
  { names: ['令和', 'R'], start: 2018 },
  { names: ['平成', 'H'], start: 1988, last: 31 },
  { names: ['昭和', 'S'], start: 1925, last: 64 },
  { names: ['大正', 'T'], start: 1911, last: 15 },
  { names: ['明治', 'M'], start: 1867, last: 45 },
];

/** A birth date as municipal systems write it: 西暦 (1945/4/1, 1945-04-01, 19450401, 1945年4月1日) or 和暦 (昭和20年4月1日, S20.4.1, 昭和元年…). */
export function parseJapaneseDate(text: string): string | null {
  const t = text.normalize('NFKC').trim().replace(/\s/g, '');
  if (!t) return null;
  let y: number;
  let m: number;
  let d: number;
  const western = /^(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (western) {
    [y, m, d] = [Number(western[1]), Number(western[2]), Number(western[3])];
  } else {
    const era = ERAS.find((e) => e.names.some((n) => t.toUpperCase().startsWith(n.toUpperCase())));
    if (!era) return null;
    const rest = t.slice(era.names.find((n) => t.toUpperCase().startsWith(n.toUpperCase()))!.length);
    const jp = /^(元|\d{1,2})[年/.\-](\d{1,2})[月/.\-](\d{1,2})日?$/.exec(rest);
    if (!jp) return null;
    const n = jp[1] === '元' ? 1 : Number(jp[1]);
    if (n < 1 || (era.last !== undefined && n > era.last)) return null;
    y = era.start + n;
    [m, d] = [Number(jp[2]), Number(jp[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1868) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const YES = /^(1|有|有り|あり|同意|同意する|同意あり|はい|yes|y|true|○|〇)$/i;

/** The stable key of a listed person (hex-free: what the list gives, normalized). */
export function supportKey(listNumber: string | null, name: string, kana: string, birthDate: string | null): string {
  if (listNumber) return `n:${listNumber.normalize('NFKC').trim()}`;
  return `p:${normalizeForMatch(kana || name)}:${birthDate ?? ''}`;
}

/**
 * Reads the list. `districts` resolves the 地区 column (an id or a name) to a registry district
 * id. Rows that cannot be used are reported with their line and left out; the rest are read.
 */
export function parseSupportList(
  text: string,
  districts: ReadonlyMap<string, string>,
  override: ColumnMapping = {},
  /** Today: a birth date after it is a typing error, not a person. */
  now?: Date,
): Result<ParsedSupportList, SupportListError> {
  const today = now ? now.toISOString().slice(0, 10) : '9999-12-31';
  const records = csvRecords(text);
  if (records.length === 0) return err({ kind: 'empty' });
  const header = records[0].fields.map((h) => h.trim());
  const mapping: ColumnMapping = { ...guessColumns(header), ...override };
  const missing = REQUIRED.filter((f) => mapping[f] === undefined || mapping[f]! < 0 || mapping[f]! >= header.length);
  if (missing.length > 0) return err({ kind: 'missing-columns', columns: missing, header });
  const byName = new Map<string, string>();
  for (const [id, name] of districts) {
    byName.set(fold(id), id);
    byName.set(fold(name), id);
  }
  const people: SupportPerson[] = [];
  const bad: ParsedSupportList['bad'] = [];
  const seen = new Set<string>();
  for (const r of records.slice(1)) {
    const get = (f: SupportField) => (mapping[f] === undefined ? '' : (r.fields[mapping[f]!] ?? '').trim());
    const name = get('name');
    if (!name) {
      bad.push({ line: r.line, problem: 'no-name' });
      continue;
    }
    const address = get('address');
    if (!address) {
      bad.push({ line: r.line, problem: 'no-address', value: name });
      continue;
    }
    const district = byName.get(fold(get('district')));
    if (!district) {
      bad.push({ line: r.line, problem: 'unknown-district', value: get('district') });
      continue;
    }
    const rawBirth = get('birthDate');
    const birthDate = rawBirth ? parseJapaneseDate(rawBirth) : null;
    if (rawBirth && (!birthDate || birthDate > today)) {
      bad.push({ line: r.line, problem: 'bad-birth-date', value: rawBirth });
      continue;
    }
    const listNumber = get('id') || null;
    const kana = get('kana');
    const id = supportKey(listNumber, name, kana, birthDate);
    if (seen.has(id)) {
      bad.push({ line: r.line, problem: 'duplicate', value: name });
      continue;
    }
    seen.add(id);
    people.push({
      id, listNumber, name, kana, birthDate, sex: get('sex'), address, phone: get('phone'), reason: get('reason'), district,
      supporters: get('supporters'), consent: YES.test(get('consent').normalize('NFKC')),
    });
  }
  return ok({ mapping, header, people, bad });
}

// ---- matching against the shelters' check-ins ------------------------------------------------

export interface CheckedInPerson {
  shelterId: string;
  personId: string;
  name: string;
  kana: string;
  birthYear: number | null;
  present: boolean;
  protected: boolean;
}

export type MatchConfidence = 'high' | 'medium';

export interface SupportMatch {
  shelterId: string;
  personId: string;
  confidence: MatchConfidence;
  present: boolean;
}

/** The keys a name is found by: the whole name and the whole kana, width and script folded. */
export function matchKeys(name: string, kana: string): string[] {
  const keys = new Set<string>();
  for (const v of [name, kana]) {
    const k = normalizeForMatch(v);
    if (k) keys.add(k);
  }
  return [...keys];
}

/**
 * Whether a check-in is this listed person: the same whole name or kana (width and script folded),
 * and the same birth year when both have one (another year is another person). High confidence
 * with a birth year on both sides, medium with a name alone.
 */
export function matchConfidence(listed: Pick<SupportPerson, 'name' | 'kana' | 'birthDate'>, p: Pick<CheckedInPerson, 'name' | 'kana' | 'birthYear'>): MatchConfidence | null {
  const a = matchKeys(listed.name, listed.kana);
  const b = matchKeys(p.name, p.kana);
  if (!a.some((k) => b.includes(k))) return null;
  const year = listed.birthDate ? Number(listed.birthDate.slice(0, 4)) : null;
  if (year !== null && p.birthYear !== null) return year === p.birthYear ? 'high' : null;
  return 'medium';
}

export const SUPPORT_STATUSES = ['in-shelter', 'reported', 'confirmed', 'unaccounted'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

export interface SupportDecisions {
  /** HQ confirmed the person (phone, visit): who, when, where they are. */
  confirmation?: { by: string; at: string; where: string; method: string; note: string | null } | null;
  /** A supporter's report (not yet confirmed by HQ). */
  report?: { by: string; at: string; note: string | null } | null;
  /** Matches HQ rejected (`shelterId/personId`), and the one it confirmed. */
  rejected?: readonly string[];
  accepted?: string | null;
}

/** A person's status: confirmed by HQ, else in a shelter (a match not rejected), else reported, else unaccounted. */
export function supportStatus(matches: readonly SupportMatch[], d: SupportDecisions): { status: SupportStatus; match: SupportMatch | null } {
  if (d.confirmation) return { status: 'confirmed', match: null };
  const live = matches.filter((m) => !(d.rejected ?? []).includes(`${m.shelterId}/${m.personId}`));
  const best =
    live.find((m) => `${m.shelterId}/${m.personId}` === d.accepted) ??
    [...live].sort((a, b) => Number(b.present) - Number(a.present) || (a.confidence === b.confidence ? 0 : a.confidence === 'high' ? -1 : 1))[0];
  if (best) return { status: 'in-shelter', match: best };
  if (d.report) return { status: 'reported', match: null };
  return { status: 'unaccounted', match: null };
}

/** Sorted for knocking on doors: by district, then address as written (numbers in order). */
export function byAddress(a: Pick<SupportPerson, 'district' | 'address'>, b: Pick<SupportPerson, 'district' | 'address'>): number {
  return a.district.localeCompare(b.district) || a.address.normalize('NFKC').localeCompare(b.address.normalize('NFKC'), 'ja', { numeric: true });
}
