/**
 * The examples: each set validates on its own, each file tells editors where the schema is, and every
 * curl example of the seed document (002, the ClickPipes OpenAPI reference) is carried over field for
 * field, with its secrets turned into references.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { parseReference } from '../../src/manifest/references.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const SEED = join(ROOT, '../shared/seeds/002_93b33815c0a6f00e.txt');

// github-actions/ holds CI workflows, not manifests (test/examples/github-actions.test.ts checks them).
const exampleDirs = readdirSync(EXAMPLES).filter((d) => statSync(join(EXAMPLES, d)).isDirectory() && d !== 'github-actions');
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? yamlFiles(join(dir, f)) : /\.ya?ml$/.test(f) ? [join(dir, f)] : []));

describe.each(exampleDirs)('examples/%s', (dir) => {
  it('validates on its own', () => {
    const out = loadManifests([join('examples', dir)]);
    expect(out.diagnostics).toEqual([]);
    expect(out.set!.pipes.length).toBeGreaterThan(0);
  });

  it('names the schema for editors on its first line', () => {
    for (const file of yamlFiles(join(EXAMPLES, dir))) {
      const first = readFileSync(file, 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, file).not.toBeNull();
      expect(resolve(dirname(file), m![1]!)).toBe(join(ROOT, 'schemas/pipeform.schema.json'));
    }
  });
});

it('covers every source family', () => {
  const out = loadManifests(['examples']);
  const families = new Set(out.set!.pipes.flatMap((p) => Object.keys(p.manifest.spec.source)));
  expect([...families].sort()).toEqual(['bigquery', 'kafka', 'kinesis', 'mongodb', 'mysql', 'objectStorage', 'postgres', 'pubsub']);
  const objectStorageTypes = new Set(out.set!.pipes.map((p) => p.manifest.spec.source.objectStorage?.type).filter(Boolean));
  expect([...objectStorageTypes].sort()).toEqual(['azureblobstorage', 'gcs', 's3']);
});

describe('the seed curl examples are transcribed', () => {
  const seedBodies = [...readFileSync(SEED, 'utf8').matchAll(/-d '(\{[\s\S]*?\})' \\/g)]
    .map((m) => JSON.parse(m[1]!) as { name?: string; source?: Record<string, unknown>; destination?: unknown })
    .filter((b) => b.name && b.source);
  const transcribedAs: Record<string, string> = {
    'My Kafka ClickPipe': 'kafka/orders-events.yaml',
    'My Kinesis ClickPipe': 'kinesis/clickstream.yaml',
    'My S3 ClickPipe': 's3/events-archive.yaml',
    'My GCS ClickPipe': 'gcs/exports.yaml',
    'My Azure Blob ClickPipe': 'azure-blob/telemetry.yaml',
    'My Postgres CDC ClickPipe': 'postgres-cdc/app-db.yaml',
    'My MySQL CDC ClickPipe': 'mysql-cdc/shop-db.yaml',
    'My MongoDB CDC ClickPipe': 'mongodb-cdc/profiles.yaml',
    'My BigQuery ClickPipe': 'bigquery/marketing-snapshot.yaml',
  };

  it('finds all nine create examples in the seed', () => {
    expect(seedBodies.map((b) => b.name).sort()).toEqual(Object.keys(transcribedAs).sort());
  });

  const SECRET_FIELDS = new Set(['password', 'secretKey', 'serviceAccountKey', 'serviceAccountFile', 'connectionString', 'privateKey']);
  /** Where the example differs from the seed body; secrets must be references instead of the seed's placeholders. */
  function differences(seed: unknown, example: unknown, path: string): string[] {
    const key = path.split('.').pop()!;
    if (SECRET_FIELDS.has(key)) return typeof example === 'string' && parseReference(example) ? [] : [`${path}: not a reference`];
    if (Array.isArray(seed)) return seed.flatMap((s, i) => differences(s, (example as unknown[] | undefined)?.[i], `${path}[${i}]`));
    if (seed !== null && typeof seed === 'object') {
      if (example === null || typeof example !== 'object') return [`${path}: missing`];
      return Object.entries(seed).flatMap(([k, v]) => differences(v, (example as Record<string, unknown>)[k], `${path}.${k}`));
    }
    return seed === example ? [] : [`${path}: ${JSON.stringify(example)} instead of ${JSON.stringify(seed)}`];
  }

  it.each(Object.entries(transcribedAs))('%s → examples/%s', (name, file) => {
    const body = seedBodies.find((b) => b.name === name)!;
    const docs = readFileSync(join(EXAMPLES, file), 'utf8').split(/^---$/m).map((d) => parse(d) as { kind: string; spec: Record<string, unknown> });
    const spec = docs.find((d) => d.kind === 'ClickPipe')!.spec;
    expect([...differences(body.source, spec.source, 'source'), ...differences(body.destination, spec.destination, 'destination')]).toEqual([]);
  });
});

it('the generated TypeScript types match the schema', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-types.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
