// Times, ages and distances in the resident's language, through Intl so no language needs its
// own date code.

/** Japan time, as on the tablets and at HQ: a level "issued at 08:14" means the same everywhere. */
const TIME_ZONE = 'Asia/Tokyo';
const dayOf = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** Today's times show the time only; other days also show the date (or always, with withDate). */
export function formatTime(iso: string | null, locale: string, now: Date, withDate = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const sameDay = !withDate && dayOf(d) === dayOf(now);
  return new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    ...(sameDay ? {} : { month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

export function formatAgo(iso: string, locale: string, now: Date): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(0, 'minute');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

export function formatDistance(metres: number, locale: string): string {
  if (metres < 1000) return `${new Intl.NumberFormat(locale).format(Math.max(10, Math.round(metres / 10) * 10))} m`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(metres / 1000)} km`;
}
