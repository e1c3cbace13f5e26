/** Each lifecycle path of the seed document 000 (and of the other families), observed through GET. */
import { describe, expect, it } from 'vitest';
import type { ClickPipePostRequest } from '../../src/api/types.js';
import { bodies, PHASE, startSandbox, SVC, type SandboxWorld } from '../support/sandbox.js';

/** The state GET shows now and after each of the next `phases` phases. */
async function observe(w: SandboxWorld, id: string, phases: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i <= phases; i++) {
    seen.push((await w.client.getClickPipe(SVC, id)).state);
    if (i < phases) await w.clock.advance(PHASE);
  }
  return seen;
}

async function create(w: SandboxWorld, body: object): Promise<string> {
  const { value } = await w.client.createClickPipe(SVC, body as ClickPipePostRequest);
  return value.id;
}

const withMode = (mode: string) => {
  const b = structuredClone(bodies.postgres);
  b.source.postgres.settings.replicationMode = mode;
  return b;
};

describe('after create', () => {
  it.each([
    ['Kafka', bodies.kafka, ['Provisioning', 'Running', 'Running']],
    ['Kinesis', bodies.kinesis, ['Provisioning', 'Running', 'Running']],
    ['Pub/Sub', bodies.pubsub, ['Provisioning', 'Running', 'Running']],
    ['object storage, continuous', bodies.s3Continuous, ['Provisioning', 'Running', 'Running']],
    ['object storage, one-off', bodies.s3, ['Provisioning', 'Running', 'Completed', 'Completed']],
    ['Postgres cdc', withMode('cdc'), ['Provisioning', 'Setup', 'Snapshot', 'Running', 'Running']],
    ['Postgres cdc_only', withMode('cdc_only'), ['Provisioning', 'Setup', 'Running', 'Running']],
    ['Postgres snapshot only', withMode('snapshot'), ['Provisioning', 'Setup', 'Snapshot', 'Completed', 'Completed']],
    ['MySQL', bodies.mysql, ['Provisioning', 'Setup', 'Snapshot', 'Running']],
    ['MongoDB', bodies.mongodb, ['Provisioning', 'Setup', 'Snapshot', 'Running']],
    ['BigQuery', bodies.bigquery, ['Provisioning', 'Setup', 'Snapshot', 'Completed']],
  ])('%s: %j', async (_name, body, expected) => {
    const w = await startSandbox();
    const id = await create(w, body);
    expect(await observe(w, id, expected.length - 1)).toEqual(expected);
  });
});

describe('state commands', () => {
  it('a CDC pipe pauses (Pausing → Paused) and resumes; the command\'s answer is not the finished transition', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.postgres);
    await w.clock.advance(3 * PHASE);
    const stop = await w.client.changeState(SVC, id, 'stop');
    expect(stop.state).toBe('Pausing');
    expect(await observe(w, id, 1)).toEqual(['Pausing', 'Paused']);
    const start = await w.client.changeState(SVC, id, 'start');
    expect(start.state).toBe('Paused');
    expect(await observe(w, id, 1)).toEqual(['Paused', 'Running']);
  });

  it('a streaming pipe stops (Stopping → Stopped) and starts again', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.kafka);
    await w.clock.advance(PHASE);
    await w.client.changeState(SVC, id, 'stop');
    expect(await observe(w, id, 1)).toEqual(['Stopping', 'Stopped']);
    await w.client.changeState(SVC, id, 'start');
    expect(await observe(w, id, 1)).toEqual(['Provisioning', 'Running']);
  });

  it('start on a running pipe is "already running" (the client makes it success); stop on a stopped pipe changes nothing', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.kafka);
    await w.clock.advance(PHASE);
    const raw = await w.raw('PATCH', `/v1/organizations/${SVC.organizationId}/services/${SVC.serviceId}/clickpipes/${id}/state`, { command: 'start' });
    expect(raw).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST: ClickPipe is already running' } });
    expect((await w.client.changeState(SVC, id, 'start')).state).toBe('Running');
    await w.client.changeState(SVC, id, 'stop');
    await w.clock.advance(PHASE);
    expect((await w.client.changeState(SVC, id, 'stop')).state).toBe('Stopped');
  });

  it('resync: Resync → Snapshot → Running, from any state', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.mysql);
    await w.clock.advance(3 * PHASE);
    await w.client.changeState(SVC, id, 'resync');
    expect(await observe(w, id, 2)).toEqual(['Resync', 'Snapshot', 'Running']);
  });

  it('a table added to a paused pipe resumes it and snapshots the table: Modifying → Snapshot → Running', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.postgres);
    await w.clock.advance(3 * PHASE);
    await w.client.changeState(SVC, id, 'stop');
    await w.clock.advance(PHASE);
    const added = await w.client.updateClickPipe(SVC, id, {
      source: { postgres: { tableMappingsToAdd: [{ sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'orders' }] } },
    });
    expect((added.source.postgres!.tableMappings as unknown[]).length).toBe(2);
    expect(await observe(w, id, 2)).toEqual(['Modifying', 'Snapshot', 'Running']);
  });

  it('progress goes on across phases of a long wait (absolute times)', async () => {
    const w = await startSandbox();
    const id = await create(w, bodies.postgres);
    await w.clock.advance(10 * PHASE);
    expect((await w.client.getClickPipe(SVC, id)).state).toBe('Running');
  });
});
