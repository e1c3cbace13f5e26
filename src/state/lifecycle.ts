/**
 * The lifecycle as the plan sees it (API notes §5): which observed states count as running or stopped.
 * The observed state itself is never a diff; only a desired state the pipe is not heading to is.
 */
import type { ClickPipeState } from '../api/types.js';

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
      const _exhaustive: never = state;
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
