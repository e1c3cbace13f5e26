/**
 * Pipe lifecycles as timelines: a list of (state, from) entries with absolute times, so the state at any
 * moment is a lookup, a restart resumes where it was, and tests move a clock instead of sleeping.
 */
import type { ClickPipeState } from '../api/types.js';

export interface Phase {
  readonly state: ClickPipeState;
  readonly at: number;
}
export type Timeline = readonly Phase[];

/** How a pipe lives: which path it takes after create, stop, start and resync. */
export type LifecycleKind = 'streaming' | 'object-once' | 'object-continuous' | 'cdc' | 'cdc-only' | 'cdc-snapshot' | 'bigquery';

const AFTER_CREATE: Record<LifecycleKind, ClickPipeState[]> = {
  streaming: ['Provisioning', 'Running'],
  'object-continuous': ['Provisioning', 'Running'],
  'object-once': ['Provisioning', 'Running', 'Completed'],
  cdc: ['Provisioning', 'Setup', 'Snapshot', 'Running'],
  'cdc-only': ['Provisioning', 'Setup', 'Running'],
  'cdc-snapshot': ['Provisioning', 'Setup', 'Snapshot', 'Completed'],
  bigquery: ['Provisioning', 'Setup', 'Snapshot', 'Completed'],
};

export function isDatabaseKind(kind: LifecycleKind): boolean {
  return kind === 'cdc' || kind === 'cdc-only' || kind === 'cdc-snapshot' || kind === 'bigquery';
}

export function stateAt(timeline: Timeline, now: number): ClickPipeState {
  let state = timeline[0]?.state ?? 'Unknown';
  for (const phase of timeline) if (phase.at <= now) state = phase.state;
  return state;
}

/** Replaces what had not happened yet with a new sequence of states, one phase apart, starting now. */
function continueWith(timeline: Timeline, now: number, states: ClickPipeState[], phaseMs: number): Timeline {
  const past = timeline.filter((p) => p.at <= now);
  return [...past, ...states.map((state, i) => ({ state, at: now + i * phaseMs }))];
}

export function created(kind: LifecycleKind, now: number, phaseMs: number): Timeline {
  return continueWith([], now, AFTER_CREATE[kind], phaseMs);
}

export function stopped(timeline: Timeline, kind: LifecycleKind, now: number, phaseMs: number): Timeline {
  const current = stateAt(timeline, now);
  if (current === 'Stopped' || current === 'Paused') return continueWith(timeline, now, [], phaseMs);
  return continueWith(timeline, now, isDatabaseKind(kind) ? ['Pausing', 'Paused'] : ['Stopping', 'Stopped'], phaseMs);
}

export function started(timeline: Timeline, kind: LifecycleKind, now: number, phaseMs: number): Timeline {
  switch (kind) {
    case 'streaming':
    case 'object-continuous':
      return continueWith(timeline, now, ['Provisioning', 'Running'], phaseMs);
    case 'object-once':
      return continueWith(timeline, now, ['Provisioning', 'Running', 'Completed'], phaseMs);
    case 'cdc':
    case 'cdc-only':
      // No "resuming" state exists: the pipe shows its old state until it runs.
      return continueWith(timeline, now, [stateAt(timeline, now), 'Running'], phaseMs);
    case 'cdc-snapshot':
    case 'bigquery':
      return continueWith(timeline, now, [stateAt(timeline, now), 'Snapshot', 'Completed'], phaseMs);
  }
}

export function resynced(kind: LifecycleKind, timeline: Timeline, now: number, phaseMs: number): Timeline {
  return continueWith(timeline, now, ['Resync', 'Snapshot', kind === 'cdc-snapshot' ? 'Completed' : 'Running'], phaseMs);
}

/** A mapping edit on a paused pipe resumes it to validate the change, and snapshots added tables. */
export function resumedAfterEdit(timeline: Timeline, now: number, phaseMs: number, tablesAdded: boolean): Timeline {
  return continueWith(timeline, now, tablesAdded ? ['Modifying', 'Snapshot', 'Running'] : ['Modifying', 'Running'], phaseMs);
}

export function failed(timeline: Timeline, now: number): Timeline {
  return continueWith(timeline, now, ['Failed'], 0);
}
