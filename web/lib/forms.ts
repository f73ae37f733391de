// Reading numbers typed on a tablet: full-width digits (IME) are accepted, anything that is not
// a whole number is an error for the field, never a silent 0.
import { toHalfWidthDigits } from '../../domain/capacity';
import { type Result, err, ok } from '../../domain/result';

export type NumberFieldError = 'required' | 'not-a-number' | 'not-an-integer';

export function parseWholeNumber(text: string): Result<number, NumberFieldError> {
  const s = toHalfWidthDigits(text).replace(/[\s,]/g, '').replace(/^＋/, '+');
  if (s === '') return err('required');
  if (!/^[+-]?\d+(\.\d+)?$/.test(s)) return err('not-a-number');
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return err('not-an-integer');
  return ok(n);
}

/** An optional decimal (e.g. a daily ration of 0.5): empty is null, anything else must be a number. */
export function parseOptionalNumber(text: string): Result<number | null, 'not-a-number'> {
  const s = toHalfWidthDigits(text).trim();
  if (s === '') return ok(null);
  if (!/^[+-]?\d+(\.\d+)?$/.test(s)) return err('not-a-number');
  return ok(Number(s));
}
