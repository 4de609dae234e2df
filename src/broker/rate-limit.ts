/** Per-origin defaults: a burst of 200, then 50 requests/s, at most 128 in flight. */
export const RATE_LIMIT = { capacity: 200, refillPerSecond: 50, maxInFlight: 128 } as const;

/**
 * A token bucket per origin plus a cap on requests in flight, so one page
 * cannot starve the others or grow the background's memory without bound.
 */
export class OriginRateLimiter {
  #buckets = new Map<string, { tokens: number; at: number; inFlight: number }>();

  constructor(
    private readonly capacity: number = RATE_LIMIT.capacity,
    private readonly refillPerSecond: number = RATE_LIMIT.refillPerSecond,
    private readonly maxInFlight: number = RATE_LIMIT.maxInFlight,
    private readonly now: () => number = Date.now,
    private readonly maxOrigins = 1000,
  ) {}

  /** Takes a token; returns a release function, or null when over the limit. */
  acquire(origin: string): (() => void) | null {
    const now = this.now();
    let bucket = this.#buckets.get(origin);
    if (!bucket) {
      if (this.#buckets.size >= this.maxOrigins) this.#evictIdle(now);
      bucket = { tokens: this.capacity, at: now, inFlight: 0 };
      this.#buckets.set(origin, bucket);
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond);
    bucket.at = now;
    if (bucket.tokens < 1 || bucket.inFlight >= this.maxInFlight) return null;
    bucket.tokens -= 1;
    bucket.inFlight += 1;
    let released = false;
    const b = bucket;
    return () => {
      if (!released) b.inFlight -= 1;
      released = true;
    };
  }

  #evictIdle(now: number) {
    for (const [origin, b] of this.#buckets) {
      if (b.inFlight === 0 && b.tokens + ((now - b.at) / 1000) * this.refillPerSecond >= this.capacity) {
        this.#buckets.delete(origin);
      }
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}
