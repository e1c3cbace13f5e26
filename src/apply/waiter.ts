/**
 * Waiting on pipe lifecycles the way the rate limit wants it (design §4): per service one list call per
 * tick answers every pipe waiting in that service, never a GET per pipe per tick, and ticks stretch so that
 * all waiting services together stay within the rate limit. Each wait has its own deadline; a pipe that
 * enters Failed ends its wait at once with that state.
 */
import type { CloudClient } from '../api/client.js';
import type { ClickPipe, ServiceRef } from '../api/types.js';
import type { Clock } from '../util/clock.js';

export type WaitVerdict = 'done' | 'failed' | 'pending';

export interface WaitOutcome {
  readonly result: 'done' | 'failed' | 'timeout';
  /** The last observed pipe (undefined when it was not listed). */
  readonly pipe?: ClickPipe;
}

interface Pending {
  readonly pipeId: string;
  readonly check: (pipe: ClickPipe | undefined) => WaitVerdict;
  readonly deadline: number;
  last?: ClickPipe;
  resolve(outcome: WaitOutcome): void;
}

export interface WaiterOptions {
  /** The shortest tick. */
  readonly intervalMs: number;
  /** The client's rate limit: ticks stretch so that the lists of all waiting services fit in it. */
  readonly rate?: { readonly limit: number; readonly windowMs: number };
  readonly onObserved?: (pipe: ClickPipe) => void;
}

export class Waiter {
  private readonly byService = new Map<string, { ref: ServiceRef; pending: Set<Pending> }>();
  /** The last list of each service and when it was taken: apply's convergence check reuses fresh ones. */
  readonly lastLists = new Map<string, { readonly at: number; readonly pipes: readonly ClickPipe[] }>();
  /** Ticks run; for tests and the apply summary. */
  polls = 0;

  constructor(
    private readonly client: CloudClient,
    private readonly clock: Clock,
    private readonly options: WaiterOptions,
  ) {}

  /** A service's tick: the floor, or longer when the waiting services' lists would not fit the rate limit. */
  private tickMs(): number {
    const r = this.options.rate;
    if (!r || r.limit <= 0) return this.options.intervalMs;
    return Math.max(this.options.intervalMs, Math.ceil((this.byService.size * r.windowMs) / r.limit));
  }

  waitFor(ref: ServiceRef, pipeId: string, check: (pipe: ClickPipe | undefined) => WaitVerdict, timeoutMs: number): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      const key = `${ref.organizationId}/${ref.serviceId}`;
      let entry = this.byService.get(key);
      const start = !entry;
      if (!entry) {
        entry = { ref, pending: new Set() };
        this.byService.set(key, entry);
      }
      entry.pending.add({ pipeId, check, deadline: this.clock.now() + timeoutMs, resolve });
      if (start) void this.loop(key);
    });
  }

  private async loop(key: string): Promise<void> {
    const entry = this.byService.get(key)!;
    while (entry.pending.size > 0) {
      let pipes: ClickPipe[] | undefined;
      try {
        this.polls++;
        const at = this.clock.now();
        pipes = await this.client.listClickPipes(entry.ref);
        this.lastLists.set(key, { at, pipes });
      } catch {
        pipes = undefined; // a failed poll is "not yet" (the client already retried what it could)
      }
      const now = this.clock.now();
      for (const p of [...entry.pending]) {
        const pipe = pipes?.find((x) => x.id === p.pipeId);
        if (pipe) {
          p.last = pipe;
          this.options.onObserved?.(pipe);
        }
        const verdict = pipes ? p.check(pipe) : 'pending';
        if (verdict !== 'pending' || now >= p.deadline) {
          entry.pending.delete(p);
          p.resolve({ result: verdict === 'pending' ? 'timeout' : verdict, pipe: p.last });
        }
      }
      if (entry.pending.size > 0) await this.clock.sleep(this.tickMs());
    }
    this.byService.delete(key);
  }
}
