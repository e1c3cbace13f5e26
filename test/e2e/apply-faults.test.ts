/**
 * apply under the real API's faults, in virtual time: every source family at once through a 429 storm,
 * 5xx answers, a 504 after each create, an idle service, dropped connections and a sandbox restart in the
 * middle. Each run ends converged (a fresh plan is empty) with exactly one pipe per manifest.
 */
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/server.js';
import { applyVirtual, pending } from '../support/apply-world.js';
import { startSandbox, SVC, type SandboxWorld } from '../support/sandbox.js';
import { edit, pipe, service, sources, type SourceName } from '../support/world.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FAMILIES = Object.keys(sources) as SourceName[];
const docs = () => [service(), ...FAMILIES.map((f) => edit(pipe(f, `${f}-pipe`), (p) => { if (f === 'kafka') p.spec.scaling = { replicas: 2 }; }))];

async function stats(w: SandboxWorld) {
  return (await w.raw('GET', '/_sandbox/stats')).json as { byStatus: Record<string, number>; byRouteStatus: Record<string, number>; total: number };
}

async function expectConverged(w: SandboxWorld, run: Awaited<ReturnType<typeof applyVirtual>>) {
  expect(run.errors).toEqual({});
  expect(Object.values(run.outcomes).every((o) => o === 'done')).toBe(true);
  expect(pending(run.after)).toEqual([]);
  const names = (await w.client.listClickPipes(SVC)).map((p) => p.name).sort();
  expect(names).toEqual(FAMILIES.map((f) => `${f}-pipe`).sort());
}

describe('apply under faults (virtual time)', () => {
  it('a 429 storm: an unpaced client is answered 429 and still converges; a paced one is never answered 429', async () => {
    const storm = await startSandbox({ rateLimit: 4 });
    const run = await applyVirtual(storm, docs());
    await expectConverged(storm, run);
    const s = await stats(storm);
    expect(s.byStatus['429']).toBeGreaterThan(0);
    const paced = await startSandbox({ rateLimit: 4, clientRate: 4 });
    await expectConverged(paced, await applyVirtual(paced, docs()));
    expect((await stats(paced)).byStatus['429']).toBeUndefined();
    console.log(`429 storm: unpaced ${s.total} requests, ${s.byStatus['429']} answered 429; paced ${(await stats(paced)).total} requests, 0 answered 429`);
  });

  it('5xx on 30% of requests', async () => {
    const w = await startSandbox({ faults: '5xx=0.3,seed=3' });
    await expectConverged(w, await applyVirtual(w, docs()));
  });

  it('504 after every create: each pipe recovered by listing, never created twice', async () => {
    const w = await startSandbox({ faults: '504-after-create' });
    await expectConverged(w, await applyVirtual(w, docs()));
    const s = await stats(w);
    expect(s.byRouteStatus['POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes 504']).toBe(FAMILIES.length);
  });

  it('an idle service (424): woken once, then everything applies', async () => {
    const w = await startSandbox({ faults: 'idle' });
    await expectConverged(w, await applyVirtual(w, docs()));
    const s = await stats(w);
    expect(s.byRouteStatus['PATCH /v1/organizations/{organizationId}/services/{serviceId}/state 200']).toBe(1);
  });

  it('dropped connections on 20% of requests', async () => {
    const w = await startSandbox({ faults: 'reset=0.2,seed=9' });
    await expectConverged(w, await applyVirtual(w, docs()));
  });

  it('the sandbox restarts in the middle of the apply: its data file keeps the pipes, apply finishes', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'restart-')), 'sandbox.json');
    const w = await startSandbox({ dataFile });
    let restarted = false;
    const run = await applyVirtual(w, docs(), {
      parallelism: 2,
      onEvent: async (e) => {
        if (restarted || e.type !== 'step' || e.status !== 'done' || !e.step.startsWith('POST clickpipe')) return;
        restarted = true;
        const port = w.sandbox.port;
        await w.sandbox.close();
        w.sandbox = await Sandbox.start({ port, dataFile, lifecycleMs: 1000, now: () => w.clock.now() });
      },
    });
    expect(restarted).toBe(true);
    await expectConverged(w, run);
    await w.sandbox.close();
  });
});

describe('apply failure semantics', () => {
  it('the first failure stops new work; work in flight (a-good waiting for Running) finishes; the rest is skipped; the API reason is kept', async () => {
    const w = await startSandbox();
    const bad = edit(pipe('kafka', 'b-bad'), (p) => { p.spec.source.kafka.reversePrivateEndpointIds = ['00000000-0000-4000-8000-000000000999']; });
    const run = await applyVirtual(w, [service(), pipe('kinesis', 'a-good'), bad, pipe('kinesis', 'c-later'), pipe('kinesis', 'd-later')], { parallelism: 1 });
    expect(run.outcomes).toEqual({ 'prod/a-good': 'done', 'prod/b-bad': 'failed', 'prod/c-later': 'skipped', 'prod/d-later': 'skipped' });
    expect(run.errors['prod/b-bad']).toContain('400 BAD_REQUEST: reverse private endpoint 00000000-0000-4000-8000-000000000999 not found');
    expect((await w.client.listClickPipes(SVC)).map((p) => p.name)).toEqual(['a-good']);
  });
});

describe('create recipes', () => {
  it('a create whose answer shows other scaling than asked is followed by PATCH /scaling', async () => {
    const w = await startSandbox({ faults: 'ignore-create-scaling' });
    const run = await applyVirtual(w, [service(), edit(pipe('kafka', 'k'), (p) => { p.spec.scaling = { replicas: 3, replicaCpuMillicores: 1000 }; })]);
    expect(pending(run.after)).toEqual([]);
    const s = await stats(w);
    expect(s.byRouteStatus['PATCH /v1/organizations/{organizationId}/services/{serviceId}/clickpipes/{clickPipeId}/scaling 200']).toBe(1);
    expect((await w.client.listClickPipes(SVC))[0]!.scaling).toMatchObject({ replicas: 3, replicaCpuMillicores: 1000 });
  });
});
