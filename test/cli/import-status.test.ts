/**
 * `pipeform import` and `pipeform status` against a sandbox holding one pipe of each family: the imported
 * manifests validate, plan against them shows no change (exit 0) and names only the secrets it cannot know;
 * files are never overwritten without --force. status reports sync and health per pipe.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { edit, endpoint, pipe, service, sources, type SourceName } from '../support/world.js';

const FAMILIES = Object.keys(sources) as SourceName[];

async function populated() {
  const w = await E2eWorld.start();
  const docs = [
    service(), endpoint(),
    ...FAMILIES.map((f) => edit(pipe(f, `${f}-pipe`), (p) => {
      if (f === 'kafka') { p.spec.source.kafka.reversePrivateEndpoints = ['vpce']; p.spec.scaling = { replicas: 2 }; p.spec.settings = { streaming_max_insert_wait_ms: 1000 }; }
      if (f === 'mysql') p.spec.state = 'stopped';
    })),
  ];
  const r = await w.apply(docs);
  expect(r.exitCode, r.stderr).toBe(0);
  return { w, docs };
}

describe('pipeform import', () => {
  it('writes minimal manifests that plan as no change, secrets aside', async () => {
    const { w } = await populated();
    const fresh = mkdtempSync(join(tmpdir(), 'pipeform-import-'));
    writeFileSync(join(fresh, 'prod.yaml'), stringify(service()));
    const imp = await runCli(['import', 'prod.yaml', '--service', 'prod', '--out', 'imported', '--api-rate', '0'], w.env, fresh);
    expect(imp.stderr).toBe('');
    expect(imp.exitCode).toBe(0);
    expect(imp.stdout).toContain('imported 9 pipe(s) and 1 reverse private endpoint(s)');
    expect(imp.stdout).toContain('PROD_KAFKA_PIPE_PASSWORD');
    const kafka = readFileSync(join(fresh, 'imported', 'kafka-pipe.yaml'), 'utf8');
    expect(kafka).toContain('reversePrivateEndpoints:');
    expect(kafka).toContain('password: ${env:PROD_KAFKA_PIPE_PASSWORD}');
    expect(kafka).not.toContain('consumerGroup');
    expect(readFileSync(join(fresh, 'imported', 'mysql-pipe.yaml'), 'utf8')).toContain('state: stopped');

    const plan = await runCli(['plan', 'imported', '--detailed-exitcode', '--api-rate', '0'], w.env, fresh);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    const secretWarnings = plan.stdout.split('\n').filter((l) => l.startsWith('warning:'));
    expect(secretWarnings.length).toBeGreaterThanOrEqual(FAMILIES.length - 1); // kinesis uses an IAM role: no secret
    expect(secretWarnings.every((l) => /no fingerprint in the ledger/.test(l))).toBe(true);
  });

  it('never overwrites without --force, and writes nothing then', async () => {
    const { w } = await populated();
    const fresh = mkdtempSync(join(tmpdir(), 'pipeform-import-'));
    writeFileSync(join(fresh, 'prod.yaml'), stringify(service()));
    mkdirSync(join(fresh, 'out'));
    writeFileSync(join(fresh, 'out', 'kafka-pipe.yaml'), 'mine\n');
    const r = await runCli(['import', 'prod.yaml', '--service', 'prod', '--out', 'out', '--api-rate', '0'], w.env, fresh);
    expect([r.exitCode, r.stderr]).toEqual([1, 'error: out/kafka-pipe.yaml already exists; pass --force to overwrite (nothing was written)\n']);
    expect(existsSync(join(fresh, 'out', 'service.yaml'))).toBe(false);
    expect((await runCli(['import', 'prod.yaml', '--service', 'prod', '--out', 'out', '--force', '--api-rate', '0'], w.env, fresh)).exitCode).toBe(0);
    expect(readFileSync(join(fresh, 'out', 'kafka-pipe.yaml'), 'utf8')).toContain('kind: ClickPipe');
  });

  it('an unknown service alias is a clear error', async () => {
    const w = await E2eWorld.start();
    const r = await runCli(['import', w.write(service()), '--service', 'nope', '--out', 'x'], w.env, w.dir);
    expect(r.stderr).toMatch(/^error: no Service document named "nope" in .* \(services: prod\); import needs it for the organization and service ids\n$/);
  });
});

describe('pipeform status', () => {
  it('sync and health per pipe; exit 2 under --detailed-exitcode until all are synced and healthy', async () => {
    const { w, docs } = await populated();
    const ok = await runCli(['status', w.write(...docs), '--format', 'json', '--detailed-exitcode', '--api-rate', '0'], w.env, w.dir);
    expect(ok.exitCode, ok.stdout).toBe(0);
    const rows = JSON.parse(ok.stdout).pipes;
    expect(rows.find((r: any) => r.address === 'prod/mysql-pipe')).toEqual({ address: 'prod/mysql-pipe', kind: 'pipe', sync: 'Synced', health: 'Suspended', state: 'Paused' });
    expect(rows.every((r: any) => r.sync === 'Synced')).toBe(true);

    const drifted = [...docs.filter((d: any) => d.metadata.name !== 'kinesis-pipe'), edit(pipe('kinesis', 'kinesis-pipe'), (p) => { p.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/other'; }), pipe('kafka', 'not-yet')];
    const text = await runCli(['status', w.write(...drifted.filter((d: any) => d.metadata.name !== 'gcs')), '--detailed-exitcode', '--api-rate', '0'], w.env, w.dir);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toMatch(/prod\/kinesis-pipe\s+OutOfSync\s+Healthy\s+Running/);
    expect(text.stdout).toMatch(/prod\/not-yet\s+Missing\s+Missing\s+-/);
    expect(text.stdout).toContain('  prod/kinesis-pipe: source.kinesis.iamRole');
    const fewer = await runCli(['status', w.write(...docs.filter((d: any) => d.metadata.name !== 'bigquery-pipe')), '--format', 'json', '--api-rate', '0'], w.env, w.dir);
    expect(JSON.parse(fewer.stdout).pipes.find((r: any) => r.address === 'prod/bigquery-pipe')).toMatchObject({ sync: 'Unmanaged' });
  });
});
