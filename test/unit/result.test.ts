import { describe, expect, it } from 'vitest';
import { err, mapResult, ok, unwrap } from '../../domain/result';

describe('Result', () => {
  it('carries a value or an error, and unwrap refuses an error', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(err('not-found'))).toThrow(/not-found/);
    expect(mapResult(ok(2), (v) => v * 2)).toEqual({ ok: true, value: 4 });
    expect(mapResult(err('x') as ReturnType<typeof err<string>>, (v: number) => v * 2)).toEqual({ ok: false, error: 'x' });
  });
});
