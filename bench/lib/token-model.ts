import { sleep } from './wait';

/**
 * Mirrors the extension's per-origin token bucket so that timed batches never
 * hit its rate limit (-32005): waits, outside any timed region, until the
 * bucket has refilled enough. Conservative: a worker restart, which resets
 * the real bucket, is only counted when we cause it.
 */
export class TokenModel {
  private tokens: number;
  private at = Date.now();
  waitedMs = 0;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }
  private refill() {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
  async take(n: number) {
    if (n > this.capacity) throw new Error(`cannot take ${n} tokens at once`);
    this.refill();
    if (this.tokens < n) {
      const wait = Math.ceil(((n - this.tokens) / this.perSecond) * 1000) + 150;
      this.waitedMs += wait;
      await sleep(wait);
      this.refill();
    }
    this.tokens -= n;
  }
  reset() {
    this.tokens = this.capacity;
    this.at = Date.now();
  }
}
