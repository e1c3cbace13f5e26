/**
 * Every source family through its whole life against the sandbox over HTTP: create → update each class of
 * field the family can change in place → stop → start → rename → replace (allowed) → prune. After every
 * apply a fresh plan (--detailed-exitcode) must exit 0.
 */
import { describe, expect, it } from 'vitest';
import { E2eWorld } from '../support/e2e.js';
import { edit, pipe, service, type SourceName } from '../support/world.js';

type Edit = (p: any) => void;
const UPDATES: Record<string, { source: SourceName; base?: Edit; updates: Record<string, Edit>; replace: Edit }> = {
  kafka: {
    source: 'kafka',
    base: (p) => { p.spec.scaling = { replicas: 1 }; p.spec.settings = { streaming_max_insert_wait_ms: 5000 }; },
    updates: {
      'update (PATCH)': (p) => { p.spec.source.kafka.caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; },
      'settings (PUT)': (p) => { p.spec.settings.streaming_max_insert_wait_ms = 1000; },
      'scaling (PATCH)': (p) => { p.spec.scaling.replicas = 3; },
      'columns and field mappings': (p) => { p.spec.destination.columns.push({ name: 'ts', type: 'DateTime' }); },
    },
    replace: (p) => { p.spec.source.kafka.topics = 'other'; },
  },
  kinesis: { source: 'kinesis', updates: { 'update (PATCH)': (p) => { p.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/new'; } }, replace: (p) => { p.spec.source.kinesis.streamName = 's2'; } },
  'object storage (continuous)': {
    source: 's3',
    base: (p) => { p.spec.source.objectStorage.isContinuous = true; p.spec.settings = { object_storage_concurrency: 2 }; },
    updates: { 'settings (PUT)': (p) => { p.spec.settings.object_storage_concurrency = 4; }, 'update (PATCH)': (p) => { p.spec.source.objectStorage.startAfter = 'a/b.csv'; } },
    replace: (p) => { p.spec.source.objectStorage.url = 'https://b.s3.amazonaws.com/v2/*.csv'; },
  },
  pubsub: { source: 'pubsub', updates: { 'update (PATCH)': (p) => { p.spec.source.pubsub.ackDeadline = 120; } }, replace: (p) => { p.spec.source.pubsub.topic = 't2'; } },
  ...Object.fromEntries((['postgres', 'mysql'] as const).map((f) => [f, {
    source: f,
    updates: {
      'update (PATCH)': (p: any) => { p.spec.source[f].settings.pullBatchSize = 5000; },
      'table added (pause)': (p: any) => { p.spec.source[f].tableMappings.push({ sourceSchemaName: 'extra', sourceTable: 'items', targetTable: 'items' }); },
      'table changed (re-snapshot)': (p: any) => { p.spec.source[f].tableMappings[0].excludedColumns = ['secret']; },
    },
    replace: (p: any) => { p.spec.source[f].settings.replicationMode = 'cdc_only'; },
  }])),
  mongodb: {
    source: 'mongodb',
    updates: {
      'update (PATCH)': (p) => { p.spec.source.mongodb.readPreference = 'secondaryPreferred'; },
      'table added (pause)': (p) => { p.spec.source.mongodb.tableMappings.push({ sourceDatabaseName: 'app', sourceCollection: 'orders', targetTable: 'orders' }); },
    },
    replace: (p) => { p.spec.source.mongodb.settings.useJsonNativeFormat = true; },
  },
  bigquery: { source: 'bigquery', updates: {}, replace: (p) => { p.spec.source.bigquery.snapshotStagingPath = 'gs://b/v2/'; } },
};

async function converged(w: E2eWorld, docs: unknown[], step: string) {
  const r = await w.plan(docs);
  expect(r.exitCode, `${step}: plan after apply\n${r.stdout}${r.stderr}`).toBe(0);
}

async function applied(w: E2eWorld, docs: unknown[], step: string, ...flags: string[]) {
  const r = await w.apply(docs, ...flags);
  expect(r.exitCode, `${step}\n${r.stdout}${r.stderr}`).toBe(0);
  // A snapshot-only pipe may already be Completed (nothing to stop) on a slow machine: no call is then right too.
  expect(r.stdout).toMatch(/a fresh plan is empty|Nothing to apply/);
  await converged(w, docs, step);
  return r;
}

describe('apply: every family through its lifecycle', () => {
  for (const [name, c] of Object.entries(UPDATES)) {
    it(name, async () => {
      const w = await E2eWorld.start();
      let p = edit(pipe(c.source, 'p1'), c.base ?? (() => {}));
      const svc = service('prod', { prune: true });
      await applied(w, [svc, p], 'create');
      for (const [what, change] of Object.entries(c.updates)) {
        p = edit(p, change);
        await applied(w, [svc, p], what);
      }
      await applied(w, [svc, edit(p, (x) => { x.spec.state = 'stopped'; })], 'stop');
      await applied(w, [svc, p], 'start');
      p = edit(p, (x) => { x.metadata.name = 'p2'; x.metadata.previousNames = ['p1']; });
      await applied(w, [svc, p], 'rename', ...(c.source === 'bigquery' ? ['--allow-replace'] : []));
      const refused = await w.apply([svc, edit(p, c.replace)]);
      expect(refused.exitCode, refused.stdout).toBe(1);
      expect(refused.stderr).toContain('nothing was changed');
      p = edit(p, c.replace);
      await applied(w, [svc, p], 'replace', '--allow-replace');
      await applied(w, [svc], 'prune');
      const s = await w.stats();
      expect(s.byStatus['500'] ?? 0).toBe(0);
    });
  }
});

describe('apply: created stopped', () => {
  it('the API cannot create a stopped pipe: created, then stopped; converged', async () => {
    const w = await E2eWorld.start();
    const docs = [service(), edit(pipe('kafka', 'k'), (p) => { p.spec.state = 'stopped'; }), edit(pipe('postgres', 'pg'), (p) => { p.spec.state = 'stopped'; })];
    const r = await applied(w, docs, 'create stopped');
    expect(r.stdout).toContain('prod/k: stop ok');
    expect(r.stdout).toMatch(/prod\/pg: state Paused/);
    expect(r.stdout).toContain('done: prod/k, prod/pg');
  });
});
