/** The lifecycle health model, the duration parser and the progress views, as pure units. */
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/apply/progress.js';
import type { CliIo } from '../../src/cli/io.js';
import { jsonLines, liveLines, plainLines } from '../../src/cli/progress-view.js';
import { atTarget, healthOf } from '../../src/state/lifecycle.js';
import { parseDuration } from '../../src/util/duration.js';

const events: ProgressEvent[] = [
  { type: 'start', at: 0, addresses: ['prod/a', 'prod/b'] },
  { type: 'step', at: 10, address: 'prod/a', step: 'POST clickpipe', status: 'start' },
  { type: 'step', at: 20, address: 'prod/a', step: 'POST clickpipe', status: 'done' },
  { type: 'state', at: 30, address: 'prod/a', state: 'Provisioning' },
  { type: 'action', at: 40, address: 'prod/a', outcome: 'done' },
  { type: 'action', at: 40, address: 'prod/b', outcome: 'failed', detail: 'prod/b: the pipe entered Failed' },
  { type: 'finish', at: 50, outcomes: { done: 1, failed: 1, skipped: 0, timeout: 0 } },
];

function capture(): { io: CliIo; out: () => string } {
  let out = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => {} }, env: {}, isTTY: true, cwd: '/', ask: async () => '', untilInterrupted: async () => {} };
  return { io, out: () => out };
}

describe('health', () => {
  it.each([
    ['running', 'Running', 'kafka', 'Healthy'], ['running', 'Completed', 's3', 'Healthy'], ['running', 'Snapshot', 'postgres', 'Healthy'],
    ['running', 'Snapshot', 'kafka', 'Progressing'], ['running', 'Provisioning', 'kafka', 'Progressing'], ['stopped', 'Paused', 'postgres', 'Suspended'],
    ['stopped', 'Stopping', 'kafka', 'Progressing'], ['running', 'Failed', 'kafka', 'Degraded'], ['running', 'InternalError', 'kafka', 'Degraded'],
    ['running', 'Unknown', 'kafka', 'Unknown'], ['running', undefined, 'kafka', 'Missing'],
  ] as const)('desired %s, observed %s (%s) → %s', (desired, state, family, health) => {
    expect(healthOf(desired, state, family)).toBe(health);
  });
  it('target states', () => {
    expect([atTarget('running', 'Running', 'kafka'), atTarget('running', 'Paused', 'postgres'), atTarget('stopped', 'Paused', 'postgres'), atTarget('stopped', 'Stopped', 'kafka')]).toEqual([true, false, true, true]);
  });
});

describe('durations', () => {
  it.each([['30m', 1_800_000], ['90s', 90_000], ['1h', 3_600_000], ['250ms', 250], ['45', 45_000]])('%s → %d ms', (v, ms) => expect(parseDuration(v, '--timeout')).toBe(ms));
  it('rejects what is not a duration', () => expect(() => parseDuration('soon', '--timeout')).toThrow('--timeout must be a duration such as 90s, 30m or 1h, got "soon"'));
});

describe('progress views', () => {
  it('plain lines: timestamped, one per event', () => {
    const c = capture();
    events.forEach(plainLines(c.io));
    expect(c.out().split('\n').filter(Boolean)).toEqual([
      '1970-01-01T00:00:00.000Z apply: 2 object(s) to change',
      '1970-01-01T00:00:00.010Z prod/a: POST clickpipe …',
      '1970-01-01T00:00:00.020Z prod/a: POST clickpipe ok',
      '1970-01-01T00:00:00.030Z prod/a: state Provisioning',
      '1970-01-01T00:00:00.040Z prod/a: done',
      '1970-01-01T00:00:00.040Z prod/b: failed (prod/b: the pipe entered Failed)',
      '1970-01-01T00:00:00.050Z apply: 1 done, 1 failed, 0 skipped, 0 timed out',
    ]);
  });
  it('json lines parse back to the events', () => {
    const c = capture();
    events.forEach(jsonLines(c.io));
    expect(c.out().trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(events.map((e) => e.type));
  });
  it('terminal: one line per object, redrawn in place', () => {
    const c = capture();
    events.forEach(liveLines(c.io, pc.createColors(false), () => 1500));
    const out = c.out();
    expect(out).toContain('\x1b[2A'); // cursor back over the two lines
    const last = out.slice(out.lastIndexOf('\x1b[2A') + 4).split('\n').filter(Boolean).map((l) => l.replace('\x1b[2K', ''));
    expect(last).toEqual(['✓ prod/a  done  Provisioning  1.5s', '✗ prod/b  failed    1.5s', 'prod/b: failed']);
  });
});
