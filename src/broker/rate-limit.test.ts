import { describe, expect, it } from 'vitest';
import { OriginRateLimiter } from './rate-limit';

describe('OriginRateLimiter', () => {
  it('allows a burst, then refills over time', () => {
    let now = 0;
    const limiter = new OriginRateLimiter(3, 1, 100, () => now);
    expect([1, 2, 3, 4].map(() => limiter.acquire('a') !== null)).toEqual([true, true, true, false]);
    now = 1000;
    expect(limiter.acquire('a')).not.toBeNull();
    expect(limiter.acquire('a')).toBeNull();
  });

  it('caps requests in flight and frees the slot on release', () => {
    const limiter = new OriginRateLimiter(100, 100, 2);
    const r1 = limiter.acquire('a')!;
    limiter.acquire('a');
    expect(limiter.acquire('a')).toBeNull();
    r1();
    r1(); // idempotent
    expect(limiter.acquire('a')).not.toBeNull();
    expect(limiter.acquire('a')).toBeNull();
  });

  it('keeps origins independent and bounds how many it tracks', () => {
    let now = 0;
    const limiter = new OriginRateLimiter(1, 1, 10, () => now, 10);
    expect(limiter.acquire('a')!).not.toBeNull();
    expect(limiter.acquire('b')).not.toBeNull();
    for (let i = 0; i < 50; i++) limiter.acquire(`o${i}`)?.();
    now = 10_000;
    for (let i = 0; i < 50; i++) limiter.acquire(`p${i}`)?.();
    expect(limiter.size).toBeLessThanOrEqual(60);
  });
});
