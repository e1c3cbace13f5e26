/** Each injected fault, and how the client comes through it. */
import { describe, expect, it } from 'vitest';
import type { ClickPipePostRequest } from '../../src/api/types.js';
import { bodies, PHASE, startSandbox, SVC } from '../support/sandbox.js';

const BASE = `/v1/organizations/${SVC.organizationId}/services/${SVC.serviceId}`;
const stats = async (url: string) => (await fetch(`${url}/_sandbox/stats`).then((r) => r.json())) as { byStatus: Record<string, number>; byRouteStatus: Record<string, number> };
const kafka = bodies.kafka as unknown as ClickPipePostRequest;

describe('faults', () => {
  it('5xx: idempotent calls come through on retries', async () => {
    const w = await startSandbox({ faults: '5xx=0.3,seed=3' });
    for (let i = 0; i < 20; i++) await w.client.listClickPipes(SVC);
    const s = await stats(w.sandbox.url);
    const errors = (s.byStatus['500'] ?? 0) + (s.byStatus['502'] ?? 0) + (s.byStatus['503'] ?? 0);
    expect(errors).toBeGreaterThan(0);
    expect(s.byStatus['200']).toBe(20);
  });

  it('504 after create: the pipe exists, the client recovers it, one POST and one pipe', async () => {
    const w = await startSandbox({ faults: '504-after-create' });
    const created = await w.client.createClickPipe(SVC, kafka);
    expect(created.recovered).toBe(true);
    expect((await w.client.listClickPipes(SVC)).map((p) => p.name)).toEqual(['kafka-pipe']);
    expect((await stats(w.sandbox.url)).byRouteStatus['POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes 504']).toBe(1);
  });

  it('504 after create is an HTML page, as CloudFront sends it', async () => {
    const w = await startSandbox({ faults: '504-after-create' });
    const r = await w.raw('POST', `${BASE}/clickpipes`, bodies.kinesis);
    expect(r.status).toBe(504);
    expect(r.json).toContain('<TITLE>504 Gateway Timeout</TITLE>');
  });

  it('connection resets: reads retry, creates never duplicate', async () => {
    const w = await startSandbox({ faults: 'reset=0.3,seed=11' });
    for (let i = 0; i < 10; i++) await w.client.listClickPipes(SVC);
    const names = Object.values(bodies).map((b) => b.name);
    let created = 0;
    for (const body of Object.values(bodies)) {
      try {
        await w.client.createClickPipe(SVC, body as unknown as ClickPipePostRequest);
        created++;
      } catch {
        // a create may still fail after its two attempts; what matters is that none is duplicated
      }
    }
    const live = (await w.client.listClickPipes(SVC)).map((p) => p.name);
    expect(new Set(live).size).toBe(live.length);
    expect(live.length).toBeGreaterThanOrEqual(created);
    expect(live.every((n) => names.includes(n))).toBe(true);
    expect((await stats(w.sandbox.url)).byStatus.reset).toBeGreaterThan(0);
  });

  it('idle: the first call is answered 424, the client wakes the service and carries on', async () => {
    const w = await startSandbox({ faults: 'idle' });
    expect((await w.raw('GET', `${BASE}/clickpipes`)).json.error).toBe('FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is running. Current state: idle');
    const t0 = w.clock.now();
    expect(await w.client.listClickPipes(SVC)).toEqual([]);
    expect(w.clock.now() - t0).toBeGreaterThanOrEqual(PHASE);
    expect((await w.client.getService(SVC)).state).toBe('running');
  });

  it('zero scaling: CPU and memory read 0 for a phase after a scaling change', async () => {
    const w = await startSandbox({ faults: 'zero-scaling' });
    const { value } = await w.client.createClickPipe(SVC, kafka);
    await w.clock.advance(PHASE);
    await w.client.patchScaling(SVC, value.id, { replicaCpuMillicores: 1000, replicaMemoryGb: 4 });
    expect((await w.client.getClickPipe(SVC, value.id)).scaling).toEqual({ replicas: 1, replicaCpuMillicores: 0, replicaMemoryGb: 0 });
    await w.clock.advance(PHASE);
    expect((await w.client.getClickPipe(SVC, value.id)).scaling).toEqual({ replicas: 1, replicaCpuMillicores: 1000, replicaMemoryGb: 4 });
  });

  it('quantity strings: CPU and memory come back as Kubernetes quantities', async () => {
    const w = await startSandbox({ faults: 'quantity-strings' });
    const { value } = await w.client.createClickPipe(SVC, { ...kafka, scaling: { replicas: 2, replicaCpuMillicores: 250, replicaMemoryGb: 0.5 } });
    expect((await w.client.getClickPipe(SVC, value.id)).scaling).toEqual({ replicas: 2, replicaCpuMillicores: '250m', replicaMemoryGb: '512Mi' });
  });

  it('legacy read-back: the engine type with parentheses, an empty sorting key as null', async () => {
    const w = await startSandbox({ faults: 'legacy-readback' });
    const { value } = await w.client.createClickPipe(SVC, bodies.kinesis as unknown as ClickPipePostRequest);
    expect(value.destination.tableDefinition).toEqual({ engine: { type: 'MergeTree()' }, sortingKey: null });
  });

  it('rejects an unknown fault name', async () => {
    await expect(startSandbox({ faults: 'gremlins' })).rejects.toThrow('--faults: unknown fault "gremlins"');
  });
});

describe('rate limit', () => {
  it('answers 429 past N requests per 10 s with Retry-After, and a rejected request does not count', async () => {
    const w = await startSandbox({ rateLimit: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await w.raw('GET', `${BASE}/clickpipes`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await w.raw('GET', `${BASE}/clickpipes`);
    expect(limited.headers.get('retry-after')).toBe('10');
    await w.clock.advance(10_000);
    expect((await w.raw('GET', `${BASE}/clickpipes`)).status).toBe(200);
  });

  it('a client pacing itself at the same limit receives no 429', async () => {
    const w = await startSandbox({ rateLimit: 10, clientRate: 10 });
    await Promise.all(Array.from({ length: 40 }, () => w.client.listClickPipes(SVC)));
    expect((await stats(w.sandbox.url)).byStatus).toEqual({ 200: 40 });
  });

  it('a 429 storm (another process on the key): the unpaced client honours Retry-After and every call succeeds', async () => {
    const w = await startSandbox({ rateLimit: 10 });
    const t0 = w.clock.now();
    await Promise.all(Array.from({ length: 40 }, () => w.client.listClickPipes(SVC)));
    const s = await stats(w.sandbox.url);
    expect(s.byStatus['200']).toBe(40);
    expect(s.byStatus['429']).toBeGreaterThan(0);
    // 40 requests at 10 per 10 s need at least 30 s; Retry-After keeps it near that.
    expect(w.clock.now() - t0).toBeGreaterThanOrEqual(30_000);
    console.log(`429 storm: 40 calls, ${s.byStatus['429']} answered 429, all succeeded after ${(w.clock.now() - t0) / 1000} s (virtual)`);
  });
});
