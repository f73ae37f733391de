// Dates and times on the tablet and HQ are Japan time whatever the device's zone (this process
// runs in UTC): a check-in at 21:30 UTC is 06:30 the next morning in the shelter.
import { describe, expect, it } from 'vitest';
import { clockTime, fileStamp, fromLocalInput, isoDate, shortDateTime, toLocalInput } from '../../web/lib/format';
import { count, form } from '../../web/i18n/en/plural';

const now = new Date('2026-12-02T03:00:00Z');

describe('Japan-time formatting', () => {
  it('shows month/day and time in Japan time, the year only when it is not this year', () => {
    expect(shortDateTime('2026-12-01T21:30:00Z', now)).toBe('12/2 06:30');
    expect(shortDateTime('2025-12-31T14:59:00Z', now)).toBe('2025/12/31 23:59');
    // 15:00 UTC on 31 December is already New Year in Japan: this year, no year shown
    expect(shortDateTime('2025-12-31T15:00:00Z', now)).toBe('1/1 00:00');
    expect(shortDateTime('not a time', now)).toBe('');
    expect(shortDateTime(null, now)).toBe('');
  });

  it('clock times and file stamps', () => {
    expect(clockTime(new Date('2026-12-01T21:05:09Z'))).toBe('06:05');
    expect(clockTime(new Date('2026-12-01T21:05:09Z'), { seconds: true })).toBe('06:05:09');
    expect(clockTime(new Date('2026-12-01T15:00:00Z'))).toBe('00:00');
    expect(fileStamp(new Date('2026-12-01T21:05:09Z'))).toBe('202612020605');
    expect(isoDate(new Date('2026-12-01T21:05:09Z'))).toBe('2026-12-02');
  });

  it('a datetime-local value is Japan time both ways, and rubbish is refused', () => {
    expect(toLocalInput('2026-12-01T21:30:00Z')).toBe('2026-12-02T06:30');
    expect(fromLocalInput('2026-12-02T06:30')).toBe('2026-12-01T21:30:00.000Z');
    expect(fromLocalInput(toLocalInput('2026-07-15T03:04:00.000Z'))).toBe('2026-07-15T03:04:00.000Z');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('2026-13-45T99:00')).toBeNull();
    expect(fromLocalInput('yesterday')).toBeNull();
  });
});

describe('English counts', () => {
  it('pick the form by Intl.PluralRules and group thousands', () => {
    expect(count(1, 'person', 'people')).toBe('1 person');
    expect(count(0, 'person', 'people')).toBe('0 people');
    expect(count(1024, 'person', 'people')).toBe('1,024 people');
    expect(form(2, 'member', 'members')).toBe('members');
  });
});
