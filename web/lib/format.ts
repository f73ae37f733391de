// Dates and times as staff and HQ read them: Japan time (Asia/Tokyo) whatever the device's own
// time zone says (a tablet set up abroad or reset to UTC must not shift every check-in by nine
// hours), through Intl.DateTimeFormat. The year is shown only when it is not this year (a record
// from last season, or a tablet whose clock is a year off, must not pass for today).
export const TIME_ZONE = 'Asia/Tokyo';

const fields = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The calendar fields of an instant in Japan time. */
export function japanFields(d: Date): Fields {
  const f: Record<string, number> = {};
  for (const p of fields.formatToParts(d)) if (p.type !== 'literal') f[p.type] = Number(p.value);
  return { year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute, second: f.second };
}

const p2 = (n: number) => String(n).padStart(2, '0');

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "12/1 06:05", or "2025/12/1 06:05" when not this year (in Japan time). */
export function shortDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parse(iso);
  if (!d) return '';
  const f = japanFields(d);
  const year = f.year === japanFields(now).year ? '' : `${f.year}/`;
  return `${year}${f.month}/${f.day} ${p2(f.hour)}:${p2(f.minute)}`;
}

/** "06:05", or "06:05:09" with seconds. */
export function clockTime(d: Date, opts: { seconds?: boolean } = {}): string {
  const f = japanFields(d);
  return `${p2(f.hour)}:${p2(f.minute)}${opts.seconds ? `:${p2(f.second)}` : ''}`;
}

/** ISO → the value of an <input type="datetime-local">, in Japan time. */
export function toLocalInput(iso: string | null): string {
  const d = parse(iso);
  if (!d) return '';
  const f = japanFields(d);
  return `${f.year}-${p2(f.month)}-${p2(f.day)}T${p2(f.hour)}:${p2(f.minute)}`;
}

/** The value of an <input type="datetime-local"> (Japan time) → ISO, or null when empty or not a time. */
export function fromLocalInput(v: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+09:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "2026-12-01": the Japan-time date, for file names. */
export function isoDate(d: Date): string {
  const f = japanFields(d);
  return `${f.year}-${p2(f.month)}-${p2(f.day)}`;
}

/** "202612010605": a Japan-time stamp for file names that sort by time. */
export function fileStamp(d: Date): string {
  const f = japanFields(d);
  return `${f.year}${p2(f.month)}${p2(f.day)}${p2(f.hour)}${p2(f.minute)}`;
}
