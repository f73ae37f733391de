// Errors are values at module edges: a caller has to look at `ok` before it can reach the value,
// so a rejected check-in or ledger entry can never be mistaken for a saved one.

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** The value, or a thrown Error: for tests and for callers that have already checked. */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw new Error(`unwrap of an error result: ${JSON.stringify(r.error)}`);
}

export function mapResult<T, U, E>(r: Result<T, E>, f: (v: T) => U): Result<U, E> {
  return r.ok ? ok(f(r.value)) : r;
}
