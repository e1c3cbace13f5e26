/**
 * Progress of an apply as events: sinks render them for a terminal (one live line per pipe), for CI logs
 * (timestamped plain lines) or as JSON lines, and the progress endpoint reads the same stream.
 */
import type { ClickPipeState } from '../api/types.js';

export type Outcome = 'done' | 'failed' | 'skipped' | 'timeout';

export type ProgressEvent =
  | { readonly type: 'start'; readonly at: number; readonly addresses: readonly string[] }
  | { readonly type: 'step'; readonly at: number; readonly address: string; readonly step: string; readonly status: 'start' | 'done' | 'failed'; readonly error?: string }
  | { readonly type: 'state'; readonly at: number; readonly address: string; readonly state: ClickPipeState }
  | { readonly type: 'action'; readonly at: number; readonly address: string; readonly outcome: Outcome; readonly detail?: string }
  | { readonly type: 'finish'; readonly at: number; readonly outcomes: Readonly<Record<Outcome, number>> };

export type ProgressSink = (event: ProgressEvent) => void;

export function fanOut(...sinks: (ProgressSink | undefined)[]): ProgressSink {
  return (e) => {
    for (const s of sinks) s?.(e);
  };
}
