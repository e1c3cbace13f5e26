/**
 * Golden files for the three renderers: per source family (a create next to that family's kind of update)
 * and one scenario with every action kind. UPDATE_GOLDEN=1 rewrites them (review the diff before committing).
 * The markdown renderer's size cap is checked separately.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/plan/render/json.js';
import { MARKDOWN_LIMIT, renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import type { Plan, PlanOptions } from '../../src/plan/types.js';
import { REPO_ROOT } from '../support/cli.js';
import { PlanWorld } from '../support/plan-world.js';
import { edit, endpoint, pipe, service, type SourceName } from '../support/world.js';

const plain = pc.createColors(false);

function golden(name: string, actual: string): string {
  const file = `${REPO_ROOT}test/golden/plan/${name}`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(`${REPO_ROOT}test/golden/plan`, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  return readFileSync(file, 'utf8');
}

function checkAll(name: string, p: Plan) {
  for (const [ext, text] of [['txt', renderText(p, plain)], ['md', renderMarkdown(p)], ['json', renderJson(p)]] as const) {
    expect(text, `${name}.${ext}`).toBe(golden(`${name}.${ext}`, text));
  }
}

/** Per family: the pipe as created, the pipe as the manifest now wants it, and the plan options. */
const FAMILY_CASES: Record<string, { source: SourceName; change: (p: any) => void; options?: PlanOptions }> = {
  kafka: { source: 'kafka', change: (p) => { p.spec.settings = { streaming_max_insert_wait_ms: 1000 }; p.spec.source.kafka.caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; } },
  kinesis: { source: 'kinesis', change: (p) => { p.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/new'; } },
  'object-storage': { source: 's3', change: (p) => { p.spec.source.objectStorage.url = 'https://b.s3.amazonaws.com/v2/*.csv'; }, options: { allowReplace: true } },
  pubsub: { source: 'pubsub', change: (p) => { p.spec.source.pubsub.ackDeadline = 120; } },
  postgres: { source: 'postgres', change: (p) => { p.spec.source.postgres.tableMappings[0].excludedColumns = ['ssn']; p.spec.source.postgres.tableMappings.push({ sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'orders' }); } },
  mysql: { source: 'mysql', change: (p) => { p.spec.source.mysql.settings.pullBatchSize = 5000; p.spec.state = 'stopped'; } },
  mongodb: { source: 'mongodb', change: (p) => { p.metadata.name = 'profiles'; p.metadata.previousNames = ['existing']; p.spec.source.mongodb.readPreference = 'secondaryPreferred'; } },
  bigquery: { source: 'bigquery', change: (p) => { p.spec.source.bigquery.snapshotStagingPath = 'gs://b/staging-v2/'; }, options: { allowReplace: true } },
};

describe('plan renderers: golden files', () => {
  for (const [name, c] of Object.entries(FAMILY_CASES)) {
    it(`${name}: create and update`, () => {
      const w = new PlanWorld();
      const existing = pipe(c.source, 'existing');
      w.converge(service(), existing);
      checkAll(name, w.plan([service(), edit(existing, c.change), pipe(c.source, 'fresh')], c.options));
    });
  }

  it('every action kind in one plan: create, update, replace, delete, rename, adopt, refused, missing secret', () => {
    const w = new PlanWorld();
    const protectedPipe = edit(pipe('kinesis', 'audit'), (p) => { p.spec.lifecycle = { protect: true }; });
    const d = w.converge(service('prod', { prune: true }), pipe('kafka', 'updated'), pipe('kafka', 'replaced'), pipe('kafka', 'orphan'), pipe('kafka', 'old-name'), protectedPipe);
    w.create(d, w.desired(service('prod', { prune: true }), pipe('kinesis', 'adopted')).pipes[0]!);
    w.ledger = { ...w.ledger, pipes: Object.fromEntries(Object.entries(w.ledger.pipes).filter(([k]) => k !== 'prod/adopted')) };
    w.settle();
    delete w.env.S3_SECRET;
    const p = w.plan([
      service('prod', { prune: true, cdcScaling: { replicaCpuMillicores: 2000, replicaMemoryGb: 8 } }), endpoint(),
      edit(pipe('kafka', 'updated'), (x) => { x.spec.scaling = { replicas: 3 }; x.spec.source.kafka.reversePrivateEndpoints = ['vpce']; }),
      edit(pipe('kafka', 'replaced'), (x) => { x.spec.source.kafka.topics = 'orders.v2'; }),
      edit(pipe('kafka', 'new-name'), (x) => { x.metadata.previousNames = ['old-name']; }),
      edit(protectedPipe, (x) => { x.spec.source.kinesis.streamName = 'audit-v2'; }),
      pipe('kinesis', 'adopted'), pipe('s3', 'created'), pipe('postgres', 'cdc'),
    ], { allowReplace: true });
    expect(p.summary).toEqual({ create: 4, update: 1, replace: 2, delete: 1, rename: 1, adopt: 1, noop: 0 });
    checkAll('kinds', p);
  });

  it('markdown stays under the comment limit and says what it cut', () => {
    const w = new PlanWorld();
    const docs = [service(), ...Array.from({ length: 400 }, (_, i) => pipe('postgres', `pipe-${String(i).padStart(3, '0')}`))];
    const md = renderMarkdown(w.plan(docs));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toMatch(/_Cut: \d+ of 400 objects are not shown/);
    expect(renderMarkdown(w.plan(docs.slice(0, 3)))).not.toContain('_Cut:');
  });
});
