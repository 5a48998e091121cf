/**
 * Requests per second per API key: a token bucket per key that refills at
 * `perSecond` and holds at most one second's worth. A key over its rate is
 * told how long to wait (Retry-After), never queued.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Takes one token for `key`; returns 0, or the seconds to wait before trying again. */
  take(key: string, perSecond: number): number {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: perSecond, at: now };
    b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }
}
