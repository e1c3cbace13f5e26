/**
 * How apply's progress looks: on a terminal one live line per pipe (address, step, state, elapsed), redrawn
 * in place; in CI plain timestamped lines; with --format json one JSON event per line.
 */
import type { ProgressEvent, ProgressSink } from '../apply/progress.js';
import type { Colors, CliIo } from './io.js';

export function jsonLines(io: CliIo): ProgressSink {
  return (e) => io.stdout.write(`${JSON.stringify({ ...e, at: new Date(e.at).toISOString() })}\n`);
}

export function plainLines(io: CliIo): ProgressSink {
  return (e) => {
    const line = describe(e);
    if (line) io.stdout.write(`${new Date(e.at).toISOString()} ${line}\n`);
  };
}

function describe(e: ProgressEvent): string | undefined {
  switch (e.type) {
    case 'start':
      return `apply: ${e.addresses.length} object(s) to change`;
    case 'step':
      return e.status === 'start' ? `${e.address}: ${e.step} …` : e.status === 'done' ? `${e.address}: ${e.step} ok` : `${e.address}: ${e.step} failed: ${e.error}`;
    case 'state':
      return `${e.address}: state ${e.state}`;
    case 'action':
      return `${e.address}: ${e.outcome}${e.detail ? ` (${e.detail})` : ''}`;
    case 'finish':
      return `apply: ${e.outcomes.done} done, ${e.outcomes.failed} failed, ${e.outcomes.skipped} skipped, ${e.outcomes.timeout} timed out`;
  }
}

/** One line per object, rewritten in place with ANSI cursor moves. */
export function liveLines(io: CliIo, c: Colors, now: () => number): ProgressSink {
  const rows = new Map<string, { step: string; state: string; since: number; outcome?: string }>();
  let drawn = 0;
  const draw = () => {
    if (drawn > 0) io.stdout.write(`\x1b[${drawn}A`);
    for (const [address, r] of rows) {
      const secs = ((now() - r.since) / 1000).toFixed(1);
      const mark = r.outcome === 'done' ? c.green('✓') : r.outcome === 'failed' || r.outcome === 'timeout' ? c.red('✗') : r.outcome === 'skipped' ? c.dim('-') : c.cyan('…');
      io.stdout.write(`\x1b[2K${mark} ${address}  ${r.step}  ${c.dim(r.state)}  ${c.dim(`${secs}s`)}\n`);
    }
    drawn = rows.size;
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        for (const a of e.addresses) rows.set(a, { step: 'waiting', state: '', since: e.at });
        break;
      case 'step':
        rows.set(e.address, { ...(rows.get(e.address) ?? { state: '', since: e.at }), step: e.status === 'failed' ? `${e.step} failed` : e.step });
        break;
      case 'state':
        if (rows.has(e.address)) rows.get(e.address)!.state = e.state;
        break;
      case 'action':
        if (rows.has(e.address)) Object.assign(rows.get(e.address)!, { outcome: e.outcome, step: e.outcome === 'done' ? 'done' : e.outcome });
        break;
      case 'finish':
        draw();
        for (const [address, r] of rows) if (r.outcome === 'failed' || r.outcome === 'timeout') io.stdout.write(c.red(`${address}: ${r.outcome}\n`));
        return;
    }
    draw();
  };
}
