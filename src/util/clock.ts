/** Time as a dependency: production uses the real clock, tests a manual one (no real sleeps in tests). */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, Math.max(0, ms));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    }),
};

/**
 * A clock that only moves when told to. `sleep` resolves once `advance` passes its deadline, so code
 * that waits minutes runs in microseconds; `autoAdvance` moves time forward by itself whenever every
 * sleeper is waiting (a virtual-time scheduler for code that just needs its waits to end).
 */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: { until: number; resolve: () => void }[] = [];
  private auto = false;

  constructor(start = Date.UTC(2026, 10, 24, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ until: this.time + Math.max(0, ms), resolve });
      if (this.auto) this.scheduleAutoAdvance();
    });
  }

  /** Moves time forward, waking sleepers in deadline order and letting each one's continuation run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      if (!next || next.until > target) break;
      this.sleepers.shift();
      this.time = Math.max(this.time, next.until);
      next.resolve();
      await flushMicrotasks();
    }
    this.time = target;
  }

  /** From now on, jump to the next deadline whenever someone sleeps. */
  autoAdvance(): this {
    this.auto = true;
    return this;
  }

  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  private scheduled = false;
  private scheduleAutoAdvance(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      // Keep going while anyone sleeps: an advance can wake one sleeper whose continuation never sleeps again.
      if (next) void this.advance(next.until - this.time).then(() => {
        if (this.sleepers.length > 0) this.scheduleAutoAdvance();
      });
    });
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
