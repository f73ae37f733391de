// Write limits (domain/protocol.ts): the largest value an update may carry, a size quota per
// document, and a byte budget per token shared by all of its sockets. A staff token once wrote
// 30 MB of junk into its shelter in 1.6 s; with these it is refused with a close code that
// says which limit it hit, counted in /metrics, and nothing of the refused update is stored.
import * as Y from 'yjs';
import {
  DOC_QUOTA_BYTES, MAX_VALUE_BYTES, WRITE_BUDGET_BURST_BYTES, WRITE_BUDGET_BYTES_PER_SECOND,
} from '../domain/protocol';

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

/** A token bucket of bytes per token id, shared by every socket of that token. */
export class WriteBudgets {
  private readonly buckets = new Map<string, { bytes: number; at: number }>();

  constructor(private readonly limits: WriteLimits, private readonly now: () => number = () => performance.now()) {}

  take(jti: string, bytes: number): boolean {
    const now = this.now();
    const b = this.buckets.get(jti) ?? { bytes: this.limits.budgetBurstBytes, at: now };
    b.bytes = Math.min(this.limits.budgetBurstBytes, b.bytes + ((now - b.at) / 1000) * this.limits.budgetBytesPerSecond);
    b.at = now;
    this.buckets.set(jti, b);
    // Full buckets carry no information: drop them so the map does not grow with every token seen.
    if (b.bytes < bytes) return false;
    b.bytes -= bytes;
    if (this.buckets.size > 10_000) for (const [k, v] of this.buckets) if (v.bytes >= this.limits.budgetBurstBytes) this.buckets.delete(k);
    return true;
  }
}
