// The one token bucket: a capacity that refills at a steady rate, from which a request takes what
// it costs, or is refused. The sync server uses it for messages per connection, bytes written per
// token and requests per address; time is passed in (a clock function), so a deterministic test
// runs it on its own clock.

export class TokenBucket {
  private level: number;
  private at: number;

  /** `perSecond`: how much flows back each second; the bucket starts full. */
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.level = capacity;
    this.at = now();
  }

  /** Takes `amount` if the bucket holds it; false (and nothing taken) otherwise. */
  take(amount = 1): boolean {
    this.refill();
    if (this.level < amount) return false;
    this.level -= amount;
    return true;
  }

  /** Full again: it carries no information (a keyed set may forget it). */
  get full(): boolean {
    this.refill();
    return this.level >= this.capacity;
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.capacity, this.level + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
  }
}

/** One bucket per key (a token id, an address), forgetting full ones once there are more than `maxKeys`. */
export class KeyedBuckets<K> {
  private readonly buckets = new Map<K, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: K, amount = 1): boolean {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(this.capacity, this.perSecond, this.now)));
    const ok = b.take(amount);
    if (this.buckets.size > this.maxKeys) for (const [k, v] of this.buckets) if (v.full) this.buckets.delete(k);
    return ok;
  }

  get size(): number {
    return this.buckets.size;
  }
}
