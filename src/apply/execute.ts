/**
 * The DAG executor (design §4): each action's steps in sequence, independent actions in parallel under
 * --parallelism, an action waiting for the steps of other actions it depends on before it takes a slot.
 * On the first failure no new action starts; those in flight finish; the rest are skipped. Each pipe ends
 * with a wait for its target state (unless --no-wait).
 */
import pLimit from 'p-limit';
import type { Action, Plan, Step } from '../plan/types.js';
import { atTarget } from '../state/lifecycle.js';
import type { Clock } from '../util/clock.js';
import type { Outcome, ProgressSink } from './progress.js';
import { desiredPipe, record, runStep, StepFailed, waitUntil, type StepContext } from './run-step.js';
import { stepLabel } from '../plan/render/format.js';

export interface ExecuteOptions {
  readonly parallelism: number;
  readonly wait: boolean;
  readonly clock: Clock;
}

export interface ExecuteResult {
  readonly outcomes: Readonly<Record<string, Outcome>>;
  /** Why each failed or timed-out action stopped. */
  readonly errors: Readonly<Record<string, string>>;
  /** When the last call was made: lists taken after it show the final state. */
  readonly callsDoneAt: number;
}

interface Deferred {
  promise: Promise<boolean>;
  resolve(ok: boolean): void;
}

function deferred(): Deferred {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

export async function execute(plan: Plan, ctx: StepContext, options: ExecuteOptions, progress: ProgressSink): Promise<ExecuteResult> {
  const now = () => options.clock.now();
  const actions = plan.actions.filter((a) => a.steps.length > 0 || a.kind === 'adopt' || (a.resource === 'pipe' && a.kind === 'noop'));
  const stepDone = new Map<string, Deferred>(actions.flatMap((a) => a.steps.map((s) => [s.id, deferred()] as const)));
  for (const a of plan.actions) if (a.resource === 'endpoint' && a.liveId && a.kind !== 'replace') ctx.endpointIds.set(`${a.service}/${a.name}`, a.liveId);
  for (const a of plan.actions) if (a.resource === 'pipe' && a.liveId) ctx.pipeIds.set(a.address, a.liveId);

  const outcomes: Record<string, Outcome> = {};
  const errors: Record<string, string> = {};
  let halted = false;
  const limit = pLimit(Math.max(1, options.parallelism));
  progress({ type: 'start', at: now(), addresses: actions.filter((a) => a.steps.length > 0).map((a) => a.address) });

  const finish = (a: Action, outcome: Outcome, detail?: string) => {
    outcomes[a.address] = outcome;
    if (detail) errors[a.address] = detail;
    for (const s of a.steps) stepDone.get(s.id)!.resolve(outcome === 'done');
    progress({ type: 'action', at: now(), address: a.address, outcome, ...(detail ? { detail } : {}) });
  };

  // Final lifecycle waits start once every call is made: polling then competes with no mutating call for
  // the rate limit, and one list per service answers all of its pipes at once.
  let callsLeft = actions.length;
  let callsDoneAt = 0;
  let releaseWaits!: () => void;
  const callsDone = new Promise<void>((r) => (releaseWaits = r));
  const callsFinished = () => {
    if (--callsLeft === 0) {
      callsDoneAt = now();
      releaseWaits();
    }
  };
  if (callsLeft === 0) releaseWaits();

  const run = async (a: Action) => {
    const own = new Set(a.steps.map((s) => s.id));
    const external = [...new Set(a.steps.flatMap((s) => s.dependsOn.filter((d) => !own.has(d))))];
    const depsOk = (await Promise.all(external.map((d) => stepDone.get(d)?.promise ?? Promise.resolve(true)))).every(Boolean);
    try {
      // The calls hold a slot; the final wait does not (one list per service answers every waiting pipe).
      let started: boolean;
      try {
        started = await limit(async () => {
          if (halted || !depsOk) return false;
          try {
            for (const s of a.steps) await runOne(s);
          } catch (err) {
            halted = true; // here, not after the slot is freed: the next queued action must already see it
            throw err;
          }
          return true;
        });
      } finally {
        callsFinished();
      }
      if (!started) return finish(a, 'skipped', depsOk ? undefined : 'a step it depends on did not complete');
      if (a.resource === 'pipe' && a.steps.length > 0 && a.steps.at(-1)?.op !== 'deletePipe' && options.wait) {
        await callsDone;
        await waitForTarget(a, ctx);
      }
      quiet(a, ctx);
      finish(a, 'done');
    } catch (err) {
      // A pipe slow to reach its state is not a broken one: the others go on.
      const timedOut = err instanceof StepFailed && err.timedOut;
      if (!timedOut) halted = true;
      finish(a, timedOut ? 'timeout' : 'failed', err instanceof Error ? err.message : String(err));
    }
  };

  const runOne = async (s: Step) => {
    progress({ type: 'step', at: now(), address: s.address, step: stepLabel(s), status: 'start' });
    try {
      await runStep(s, ctx);
    } catch (err) {
      progress({ type: 'step', at: now(), address: s.address, step: stepLabel(s), status: 'failed', error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    stepDone.get(s.id)!.resolve(true);
    progress({ type: 'step', at: now(), address: s.address, step: stepLabel(s), status: 'done' });
  };

  // Objects others depend on (endpoints, first database pipes) take the first slots.
  const needed = new Set(actions.flatMap((a) => a.steps.flatMap((s) => s.dependsOn.filter((d) => !d.startsWith(`${a.address}#`)))));
  const ordered = [...actions].sort((x, y) => Number(y.steps.some((s) => needed.has(s.id))) - Number(x.steps.some((s) => needed.has(s.id))));
  await Promise.all(ordered.map(run));
  const count = (o: Outcome) => Object.values(outcomes).filter((x) => x === o).length;
  const quietOnes = actions.filter((a) => a.steps.length === 0).length;
  progress({ type: 'finish', at: now(), outcomes: { done: count('done') - quietOnes, failed: count('failed'), skipped: count('skipped'), timeout: count('timeout') } });
  for (const a of actions) if (a.steps.length === 0) delete outcomes[a.address];
  return { outcomes, errors, callsDoneAt };
}

/** Pipes without calls still refresh their ledger entry: adoption, and protect as the manifest now says. */
function quiet(a: Action, ctx: StepContext): void {
  if (a.resource !== 'pipe') return;
  const d = desiredPipe(ctx, a.address);
  const id = ctx.pipeIds.get(a.address);
  if (d && id) record(ctx, d, ctx.refs[a.service]!, id, []);
}

async function waitForTarget(a: Action, ctx: StepContext): Promise<void> {
  const d = desiredPipe(ctx, a.address);
  const id = ctx.pipeIds.get(a.address);
  if (!d || !id) return;
  await waitUntil(ctx, ctx.refs[a.service]!, a.address, id, (p) => atTarget(d.state, p.state, d.family), d.state === 'stopped' ? 'Stopped or Paused' : 'Running');
}
