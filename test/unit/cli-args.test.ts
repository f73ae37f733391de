// The command lines' argument reader (node:util parseArgs underneath).
import { describe, expect, it } from 'vitest';
import { parseArgs, parseDuration } from '../../sync-server/cli/args';

const spec = { strings: ['port', 'store'], flags: ['no-demo'] };

describe('parseArgs', () => {
  it('reads --name value, --name=value and flags', () => {
    const { values, flags } = parseArgs(['--port', '8081', '--store=postgres://db/x', '--no-demo'], spec);
    expect(Object.fromEntries(values)).toEqual({ port: '8081', store: 'postgres://db/x' });
    expect([...flags]).toEqual(['no-demo']);
  });

  it('names an unknown option, a missing value and a stray argument', () => {
    expect(() => parseArgs(['--prot', '8081'], spec)).toThrow(/--prot/);
    expect(() => parseArgs(['--port'], spec)).toThrow(/--port/);
    expect(() => parseArgs(['8081'], spec)).toThrow(/8081/);
  });
});

describe('parseDuration', () => {
  it('reads days, hours, minutes and seconds, and refuses the rest', () => {
    expect(parseDuration('30d')).toBe(30 * 86400);
    expect(parseDuration('12h')).toBe(12 * 3600);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('a week')).toBeNull();
  });
});
