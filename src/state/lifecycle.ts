/**
 * The lifecycle as the plan sees it (API notes §5): which observed states count as running or stopped.
 * The observed state itself is never a diff; only a desired state the pipe is not heading to is.
 */
import type { ClickPipeState } from '../api/types.js';
import { isDatabaseFamily } from '../manifest/model.js';

export type ObservedPhase = 'running' | 'stopped' | 'failed' | 'completed' | 'unknown';

export function observedPhase(state: ClickPipeState): ObservedPhase {
  switch (state) {
    case 'Provisioning':
    case 'Running':
    case 'Setup':
    case 'Snapshot':
    case 'Modifying':
    case 'Resync':
    case 'Degraded':
      return 'running';
    case 'Stopped':
    case 'Stopping':
    case 'Paused':
    case 'Pausing':
      return 'stopped';
    case 'Failed':
    case 'InternalError':
      return 'failed';
    case 'Completed':
      return 'completed';
    case 'Unknown':
      return 'unknown';
    default: {
      // Exhaustive at compile time; a state a newer API invents is unknown at run time, never a crash.
      state satisfies never;
      return 'unknown';
    }
  }
}

/** The state command that moves a pipe towards the desired state, if any. */
export function stateCommandFor(desired: 'running' | 'stopped', state: ClickPipeState): 'start' | 'stop' | undefined {
  const phase = observedPhase(state);
  if (desired === 'running') return phase === 'stopped' || (phase === 'failed' && state === 'Failed') ? 'start' : undefined;
  return phase === 'running' || state === 'Failed' ? 'stop' : undefined;
}

export type Health = 'Healthy' | 'Progressing' | 'Suspended' | 'Degraded' | 'Missing' | 'Unknown';

/**
 * Whether a pipe has reached the state apply waits for (API notes §7): running → Running or Completed
 * (one-off object storage, snapshot-only CDC), or Snapshot for database pipes (an initial snapshot can take
 * hours); stopped → Stopped or Paused.
 */
export function atTarget(desired: 'running' | 'stopped', state: ClickPipeState, family: string): boolean {
  if (desired === 'stopped') return state === 'Stopped' || state === 'Paused';
  return state === 'Running' || state === 'Completed' || (state === 'Snapshot' && isDatabaseFamily(family));
}

/** A state the pipe will not leave on its own: waiting on it is pointless. */
export function isFailure(state: ClickPipeState): boolean {
  return state === 'Failed' || state === 'InternalError';
}

/** Argo CD-style health of a pipe against its desired state; Missing when there is no live pipe. */
export function healthOf(desired: 'running' | 'stopped' | undefined, state: ClickPipeState | undefined, family: string): Health {
  if (state === undefined) return 'Missing';
  if (isFailure(state) || state === 'Degraded') return 'Degraded';
  if (state === 'Unknown' || observedPhase(state) === 'unknown') return 'Unknown';
  const want = desired ?? 'running';
  if (atTarget(want, state, family)) return want === 'stopped' ? 'Suspended' : 'Healthy';
  return 'Progressing';
}
