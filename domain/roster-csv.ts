// The roster as a CSV file that Excel opens correctly in Japanese: UTF-8 with a BOM (without it
// Excel reads Shift_JIS and shows mojibake), CRLF line ends, RFC 4180 quoting, and cells that
// Excel would run as formulas neutralised. The encoder is a few lines here (the domain build
// declares only papaparse's parser, types/papaparse.d.ts, to keep Node's types out); the tests
// parse the output back with papaparse.
import type { AgeGroup, Consent, Person, Sex, StayType } from './schema';
import { JAPAN_TZ_OFFSET_MINUTES, isPresent } from './counts';

/** Column order of the export; the caller supplies a label for each (Japanese or English). */
export const ROSTER_COLUMNS = [
  'householdId', 'name', 'kana', 'ageGroup', 'sex', 'needs', 'language', 'districtId', 'stay',
  'checkedInAt', 'checkedOutAt', 'consent', 'note',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

export interface RosterOptions {
  presentOnly: boolean;
  /** Header text per column, from the UI's strings. */
  labels: Record<RosterColumn, string>;
  /** Display text for coded values (the UI's strings); codes are written when missing. */
  values?: {
    ageGroup?: Partial<Record<AgeGroup, string>>;
    sex?: Partial<Record<Sex, string>>;
    stay?: Partial<Record<StayType, string>>;
    needs?: Partial<Record<string, string>>;
    /** District names by id (from the hq document). */
    districts?: Partial<Record<string, string>>;
    consent?: Partial<Record<Consent, string>>;
  };
  /** Minutes east of UTC for the times written (Japan by default): "2026-07-04 12:30". */
  tzOffsetMinutes?: number;
  /** Joins a person's needs in one cell. */
  needsSeparator?: string;
}

export const CSV_BOM = '\uFEFF';
const CRLF = '\r\n';

/** Excel runs cells starting with these as formulas (CSV injection); OWASP's list. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula starts disarmed with a leading quote, then RFC 4180 quoting. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/** "YYYY-MM-DD HH:mm" in local time, which Excel reads as a date; empty for no time. */
export function formatLocalTime(iso: string | null, tzOffsetMinutes = JAPAN_TZ_OFFSET_MINUTES): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + tzOffsetMinutes * 60_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

/**
 * Members of a household together, households in the order they arrived, members in the
 * order they were checked in.
 */
export function rosterOrder(people: readonly Person[]): Person[] {
  const firstArrival = new Map<string, string>();
  for (const p of people) {
    const seen = firstArrival.get(p.householdId);
    if (seen === undefined || p.checkedInAt < seen) firstArrival.set(p.householdId, p.checkedInAt);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...people].sort((a, b) =>
    cmp(firstArrival.get(a.householdId)!, firstArrival.get(b.householdId)!) ||
    cmp(a.householdId, b.householdId) ||
    cmp(a.checkedInAt, b.checkedInAt) ||
    cmp(a.id, b.id));
}

export function rosterCsv(people: readonly Person[], options: RosterOptions): string {
  const v = options.values ?? {};
  const tz = options.tzOffsetMinutes ?? JAPAN_TZ_OFFSET_MINUTES;
  const sep = options.needsSeparator ?? '・';
  // A protected person (DV, stalking) is never in a file that leaves the tablet: a printed or
  // shared roster is exactly how an abuser finds someone.
  const listed = people.filter((p) => !p.protected);
  const rows = rosterOrder(options.presentOnly ? listed.filter(isPresent) : listed);
  const cell: Record<RosterColumn, (p: Person) => string> = {
    householdId: (p) => p.householdId,
    name: (p) => p.name,
    kana: (p) => p.kana,
    ageGroup: (p) => v.ageGroup?.[p.ageGroup] ?? p.ageGroup,
    sex: (p) => v.sex?.[p.sex] ?? p.sex,
    needs: (p) => p.needs.map((n) => v.needs?.[n] ?? n).join(sep),
    language: (p) => p.language,
    districtId: (p) => v.districts?.[p.districtId] ?? p.districtId,
    stay: (p) => v.stay?.[p.stay] ?? p.stay,
    checkedInAt: (p) => formatLocalTime(p.checkedInAt, tz),
    checkedOutAt: (p) => formatLocalTime(p.checkedOutAt, tz),
    consent: (p) => v.consent?.[p.consent] ?? p.consent,
    note: (p) => p.note,
  };
  const lines = [csvLine(ROSTER_COLUMNS.map((c) => options.labels[c]))];
  for (const p of rows) lines.push(csvLine(ROSTER_COLUMNS.map((c) => cell[c](p))));
  return CSV_BOM + lines.join(CRLF) + CRLF;
}
