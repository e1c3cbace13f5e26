/**
 * Client-side pacing: at most `limit` requests in any `windowMs` (the real API: 10 per 10 s per key),
 * shared by every call made with one API key, so a large apply waits its turn instead of collecting 429s.
 * A sliding log of start times, first come first served. A 429 from the server (another process using
 * the same key) pauses everyone until the server's reset.
 */
import type { Clock } from '../util/clock.js';

export interface RateLimit {
  /** Requests per window; 0 turns pacing off. */
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 10, windowMs: 10_000 };

export class RateLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    readonly rate: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Resolves when a request may start; the start is counted against the window. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The server said 429: nobody with this key starts before `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  private async waitForSlot(): Promise<void> {
    if (this.rate.limit <= 0) return;
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      while (this.starts.length > 0 && this.starts[0]! <= now - this.rate.windowMs) this.starts.shift();
      if (this.starts.length < this.rate.limit) {
        this.starts.push(now);
        return;
      }
      await this.clock.sleep(this.starts[0]! + this.rate.windowMs - now);
    }
  }
}

/** One limiter per API key id, so every client of that key in the process shares it. */
export class RateLimiterRegistry {
  private readonly byKey = new Map<string, RateLimiter>();
  constructor(
    private readonly rate: RateLimit,
    private readonly clock: Clock,
  ) {}

  forKey(keyId: string): RateLimiter {
    let limiter = this.byKey.get(keyId);
    if (!limiter) {
      limiter = new RateLimiter(this.rate, this.clock);
      this.byKey.set(keyId, limiter);
    }
    return limiter;
  }
}
