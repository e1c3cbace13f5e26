/** The Waiter: one list call per service per tick, whatever the number of pipes waiting in it. */
import { describe, expect, it } from 'vitest';
import { Waiter } from '../../src/apply/waiter.js';
import type { ClickPipeState } from '../../src/api/types.js';
import { startSandbox, SVC, bodies } from '../support/sandbox.js';

describe('Waiter', () => {
  it('answers every pipe waiting in a service from one list per tick; each wait has its own deadline', async () => {
    const w = await startSandbox();
    const ids: string[] = [];
    for (const b of [bodies.kafka, bodies.kinesis, bodies.s3, bodies.postgres, bodies.mysql]) ids.push((await w.client.createClickPipe(SVC, b as never)).value.id);
    const before = (await w.raw('GET', '/_sandbox/stats')).json.total;
    const waiter = new Waiter(w.client, w.clock, { intervalMs: 250 });
    const running = (s: ClickPipeState | undefined) => (s === 'Running' ? 'done' : 'pending');
    const results = await Promise.all([
      ...ids.map((id) => waiter.waitFor(SVC, id, (p) => running(p?.state), 60_000)),
      waiter.waitFor(SVC, ids[3]!, (p) => (p?.state === 'Completed' ? 'done' : 'pending'), 2_000),
    ]);
    expect(results.map((r) => r.result)).toEqual(['done', 'done', 'done', 'done', 'done', 'timeout']);
    const lists = (await w.raw('GET', '/_sandbox/stats')).json.total - before;
    expect(lists).toBe(waiter.polls);
    // CDC pipes take three 1 s phases: about 3000 / 250 ticks, one list each — not five pipes × ticks.
    expect(waiter.polls).toBeLessThanOrEqual(14);
  });

  it('a pipe in Failed ends its wait at once', async () => {
    const w = await startSandbox();
    const id = (await w.client.createClickPipe(SVC, { ...bodies.kinesis, source: { kinesis: { ...bodies.kinesis.source.kinesis, streamName: 'x.invalid' } } } as never)).value.id;
    const waiter = new Waiter(w.client, w.clock, { intervalMs: 250 });
    const r = await waiter.waitFor(SVC, id, (p) => (p?.state === 'Running' ? 'done' : p?.state === 'Failed' ? 'failed' : 'pending'), 60_000);
    expect([r.result, r.pipe?.state]).toEqual(['failed', 'Failed']);
  });
});
