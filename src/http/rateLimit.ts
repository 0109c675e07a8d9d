/**
 * A fixed-window request counter per client key (IP address). Small on purpose: one process, a
 * bounded map that forgets old windows. Returns false when the client is over its limit.
 */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  allow(key: string): boolean {
    const now = this.clock();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count <= this.limitPerWindow;
  }

  /** Seconds until the current window ends (for a Retry-After header). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - this.clock()) / 1000));
  }
}
