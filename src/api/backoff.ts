/**
 * When to try again: exponential backoff with full jitter, capped, inside a total time budget; the
 * server's own Retry-After or X-RateLimit-Reset wins when it gives one.
 */
export interface RetryPolicy {
  /** First backoff ceiling; doubles per attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No new attempt starts after this much time since the first. */
  readonly budgetMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 120_000, maxAttempts: 8 };

/** Full jitter: a uniform draw in [0, min(max, base·2^attempt)). `attempt` counts from 0. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * The wait a 429 or 503 asks for, in ms: Retry-After (seconds or an HTTP date), else X-RateLimit-Reset
 * (seconds until the window resets, or an epoch in seconds), plus a second of margin as the provider does.
 */
export function serverRequestedDelay(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = header('x-ratelimit-reset');
  if (reset !== undefined) {
    const value = Number(reset);
    if (Number.isFinite(value)) {
      const ms = value > 1e9 ? value * 1000 - now : value * 1000;
      return Math.max(0, ms) + 1000;
    }
  }
  return undefined;
}
