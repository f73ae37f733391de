// Write limits (domain/protocol.ts): the largest value an update may carry, a size quota per
// document, and a byte budget per token shared by all of its sockets. A staff token once wrote
// 30 MB of junk into its shelter in 1.6 s; with these it is refused with a close code that
// says which limit it hit, counted in /metrics, and nothing of the refused update is stored.
import * as Y from 'yjs';
import { KeyedBuckets } from '../../domain/token-bucket';
import {
  DOC_QUOTA_BYTES, MAX_VALUE_BYTES, WRITE_BUDGET_BURST_BYTES, WRITE_BUDGET_BYTES_PER_SECOND,
} from '../../domain/protocol';

export interface WriteLimits {
  maxValueBytes: number;
  docQuotaBytes: number;
  budgetBurstBytes: number;
  budgetBytesPerSecond: number;
}

export const DEFAULT_WRITE_LIMITS: WriteLimits = {
  maxValueBytes: MAX_VALUE_BYTES,
  docQuotaBytes: DOC_QUOTA_BYTES,
  budgetBurstBytes: WRITE_BUDGET_BURST_BYTES,
  budgetBytesPerSecond: WRITE_BUDGET_BYTES_PER_SECOND,
};

/** The size in bytes of the largest single value (string, JSON value, binary) inside a decoded update. */
export function largestValueBytes(decoded: ReturnType<typeof Y.decodeUpdate>): number {
  let largest = 0;
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue;
    const c = struct.content;
    let size = 0;
    if (c instanceof Y.ContentString) size = c.str.length * 3;
    else if (c instanceof Y.ContentBinary) size = c.content.byteLength;
    else if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON) {
      for (const v of c.getContent()) size = Math.max(size, jsonBytes(v));
    } else if (c instanceof Y.ContentEmbed) size = jsonBytes(c.embed);
    largest = Math.max(largest, size);
  }
  return largest;
}

function jsonBytes(v: unknown): number {
  if (v instanceof Uint8Array) return v.byteLength;
  if (typeof v === 'string') return v.length * 3;
  try {
    return (JSON.stringify(v) ?? '').length;
  } catch {
    return Infinity;
  }
}

/** Bytes written per token id, shared by every socket of that token: one bucket each (domain/token-bucket.ts). */
export class WriteBudgets extends KeyedBuckets<string> {
  constructor(limits: WriteLimits, now: () => number = () => performance.now()) {
    super(limits.budgetBurstBytes, limits.budgetBytesPerSecond, now);
  }
}
