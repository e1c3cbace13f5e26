/**
 * Client-side pacing: at most `limit` requests in any `windowMs` (the real API: 10 per 10 s per key),
 * shared by every call made with one API key, so a large apply waits its turn instead of collecting 429s.
 *
 * The server counts a request when it arrives, which is somewhere between when the client sent it and
 * when the response came back. So a slot stays taken while its request is in flight and ages out only
 * `windowMs` after the response: a request sent later cannot land in the same server window, whatever
 * the latency. First come, first served. A 429 (another process on the same key) pauses everyone until
 * the server's reset.
 */
import type { Clock } from '../util/clock.js';

export interface RateLimit {
  /** Requests per window; 0 turns pacing off. */
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 10, windowMs: 10_000 };

/** Call when the response has arrived (or the request failed): the slot then ages out of the window. */
export type Release = () => void;

export class RateLimiter {
  /** One entry per slot in use: `end` is unset while the request is in flight. */
  private readonly slots: { end?: number }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private pausedUntil = 0;
  private onRelease: (() => void)[] = [];

  constructor(
    readonly rate: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Resolves when a request may start; call the returned function once its response is in. */
  acquire(): Promise<Release> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The server said 429: nobody with this key starts before `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  private async waitForSlot(): Promise<Release> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.rate.limit <= 0) return () => undefined;
      for (let i = this.slots.length - 1; i >= 0; i--) {
        const end = this.slots[i]!.end;
        if (end !== undefined && end <= now - this.rate.windowMs) this.slots.splice(i, 1);
      }
      if (this.slots.length < this.rate.limit) {
        const slot: { end?: number } = {};
        this.slots.push(slot);
        return () => {
          if (slot.end !== undefined) return;
          slot.end = this.clock.now();
          for (const wake of this.onRelease.splice(0)) wake();
        };
      }
      const ended = this.slots.map((s) => s.end).filter((e): e is number => e !== undefined);
      const released = new Promise<void>((resolve) => this.onRelease.push(resolve));
      // Wait for the oldest finished request to age out, or for one in flight to finish, whichever is first.
      await (ended.length > 0 ? Promise.race([this.clock.sleep(Math.min(...ended) + this.rate.windowMs - now), released]) : released);
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
