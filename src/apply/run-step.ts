/**
 * One plan step as API calls (API notes §6): bodies resolved at send time, the ledger updated after each
 * successful send, lifecycle waits through the shared Waiter.
 */
import type { CloudClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { ClickPipe, ClickPipePatchRequest, ClickPipePostRequest, CreateReversePrivateEndpoint, ServiceRef } from '../api/types.js';
import { PipeformError } from '../errors.js';
import type { ResolveEnv } from '../manifest/resolve.js';
import { getPath, type Desired, type DesiredPipe } from '../plan/desired.js';
import { CREATE_ONLY_PATHS } from '../plan/policy.js';
import type { Step } from '../plan/types.js';
import { isFailure } from '../state/lifecycle.js';
import { flatten, sameValue } from '../state/normalize.js';
import { assertNever } from '../util/assert-never.js';
import type { LedgerStore } from './ledger-store.js';
import { resolveBody } from './resolve-body.js';
import type { Waiter } from './waiter.js';

export interface StepContext {
  readonly client: CloudClient;
  readonly refs: Readonly<Record<string, ServiceRef>>;
  readonly resolveEnv: ResolveEnv;
  readonly desired: Desired;
  readonly ledger: LedgerStore;
  readonly waiter: Waiter;
  readonly timeoutMs: number;
  /** Pipe ids by address, filled by creates; endpoint ids by SERVICE/NAME. */
  readonly pipeIds: Map<string, string>;
  readonly endpointIds: Map<string, string>;
}

/** A step that could not finish: the message names the object and the API's answer. */
export class StepFailed extends PipeformError {
  constructor(message: string, readonly timedOut = false) {
    super('api', timedOut ? 'APPLY_TIMEOUT' : 'APPLY_STEP_FAILED', message);
  }
}

export async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const ref = ctx.refs[step.service];
  if (!ref) throw new PipeformError('internal', 'UNKNOWN_SERVICE', `${step.address}: service ${step.service} is not in the manifests`);
  const desired = desiredPipe(ctx, step.address);
  const resolve = <T>(body: T) => resolveBody(body, ctx.resolveEnv, (name) => ctx.endpointIds.get(`${step.service}/${name}`), step.address);
  const pipeId = () => {
    const id = ctx.pipeIds.get(step.address) ?? step.pipeId;
    if (!id) throw new PipeformError('internal', 'NO_PIPE_ID', `${step.address}: no pipe id (its create did not run)`);
    return id;
  };

  switch (step.op) {
    case 'createEndpoint': {
      const created = await ctx.client.createEndpoint(ref, resolve(step.body) as unknown as CreateReversePrivateEndpoint);
      ctx.endpointIds.set(`${step.service}/${step.address.split('endpoint:')[1]}`, created.value.id);
      return;
    }
    case 'patchEndpoint':
      await ctx.client.patchEndpoint(ref, step.endpointId, resolve(step.body) as Pick<CreateReversePrivateEndpoint, 'customPrivateDnsMappings'>);
      return;
    case 'deleteEndpoint':
      await ctx.client.deleteEndpoint(ref, step.endpointId);
      return;
    case 'createPipe': {
      const created = await ctx.client.createClickPipe(ref, resolve(step.body) as unknown as ClickPipePostRequest);
      ctx.pipeIds.set(step.address, created.value.id);
      if (desired) record(ctx, desired, ref, created.value.id, desired.secrets.map((s) => s.path));
      await scaleAfterCreate(ctx, ref, created.value, step.body);
      return;
    }
    case 'patchPipe': {
      const id = pipeId();
      await patchPaused(ctx, ref, step.address, id, resolve(step.body));
      if (desired) record(ctx, desired, ref, id, desired.secrets.filter((s) => getPath(step.body, s.path) !== undefined).map((s) => s.path));
      return;
    }
    case 'putSettings':
      await ctx.client.putSettings(ref, pipeId(), step.settings as Record<string, number | boolean | string>);
      return;
    case 'patchScaling':
      await ctx.client.patchScaling(ref, pipeId(), step.scaling);
      return;
    case 'state':
      await ctx.client.changeState(ref, pipeId(), step.command);
      return;
    case 'wait': {
      const want = step.until === 'stopped' ? ['Stopped', 'Paused'] : ['Running', 'Completed'];
      await waitUntil(ctx, ref, step.address, pipeId(), (p) => want.includes(p.state), want.join(' or '));
      return;
    }
    case 'deletePipe': {
      const id = pipeId();
      await ctx.client.deleteClickPipe(ref, id);
      ctx.ledger.forgetId(id);
      ctx.pipeIds.delete(step.address);
      return;
    }
    case 'patchCdcScaling':
      await ctx.client.patchCdcScaling(ref, step.scaling);
      return;
    default:
      assertNever(step);
  }
}

/**
 * The provider's safety net (API notes §6): a CDC edit answered "must be paused to edit" (the pipe resumed
 * on its own since the plan) pauses the pipe, waits, and sends the PATCH once more.
 */
async function patchPaused(ctx: StepContext, ref: ServiceRef, address: string, id: string, body: ClickPipePatchRequest): Promise<void> {
  try {
    await ctx.client.updateClickPipe(ref, id, body);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400 || !/must be paused to edit/i.test(err.message)) throw err;
    await ctx.client.changeState(ref, id, 'stop');
    await waitUntil(ctx, ref, address, id, (p) => p.state === 'Paused' || p.state === 'Stopped', 'Paused or Stopped');
    await ctx.client.updateClickPipe(ref, id, body);
  }
}

/** Waits until `arrived`; `goal` names the state(s) in messages ("Running", "Stopped or Paused"). */
export async function waitUntil(ctx: StepContext, ref: ServiceRef, address: string, id: string, arrived: (p: ClickPipe) => boolean, goal: string): Promise<void> {
  const outcome = await ctx.waiter.waitFor(ref, id, (p) => (p === undefined ? 'pending' : arrived(p) ? 'done' : isFailure(p.state) ? 'failed' : 'pending'), ctx.timeoutMs);
  if (outcome.result === 'done') return;
  if (outcome.result === 'failed') throw new StepFailed(`${address}: the pipe entered ${outcome.pipe?.state} on its way to ${goal}; see its status in the ClickHouse Cloud console`);
  throw new StepFailed(`${address}: did not reach ${goal} within ${ctx.timeoutMs < 1000 ? `${ctx.timeoutMs} ms` : `${Math.round(ctx.timeoutMs / 1000)} s`} (last state ${outcome.pipe?.state ?? 'unseen'}); raise --timeout or check the pipe`, true);
}

const byAddress = new WeakMap<Desired, Map<string, DesiredPipe>>();

/** The desired pipe of an address (indexed once per apply: a thousand pipes make a thousand lookups per phase). */
export function desiredPipe(ctx: StepContext, address: string): DesiredPipe | undefined {
  let index = byAddress.get(ctx.desired);
  if (!index) byAddress.set(ctx.desired, (index = new Map(ctx.desired.pipes.map((p) => [p.address, p]))));
  return index.get(address);
}

export function record(ctx: StepContext, d: DesiredPipe, ref: ServiceRef, id: string, sentSecrets: readonly string[]): void {
  const createOnly = Object.fromEntries(CREATE_ONLY_PATHS.filter((k) => k in d.flat).map((k) => [k, d.flat[k]]));
  ctx.ledger.record({ address: d.address, ref, id, name: d.name, secrets: d.secrets, createOnly, protect: d.protect }, sentSecrets);
}

/** The provider's recipe: when the created pipe's scaling differs from what was asked, PATCH /scaling (API notes §6). */
async function scaleAfterCreate(ctx: StepContext, ref: ServiceRef, created: ClickPipe, body: Record<string, unknown>): Promise<void> {
  const wanted = body.scaling as Record<string, unknown> | undefined;
  if (!wanted) return;
  const family = Object.keys(body.source as object).find((k) => k !== 'validateSamples')!;
  const got = flatten(created as unknown as Record<string, unknown>, { family: family as never, pipeId: created.id });
  const differs = Object.entries(wanted).filter(([k, v]) => got[`scaling.${k}`] !== undefined && typeof got[`scaling.${k}`] === 'number' && !sameValue(got[`scaling.${k}`], v));
  if (differs.length > 0) await ctx.client.patchScaling(ref, created.id, Object.fromEntries(differs));
}
