/**
 * `pipeform plan` end to end: the examples against the embedded sandbox (--sandbox), the three formats, the
 * plan file, exit codes; and a sandbox over HTTP holding pipes that differ from their manifests in each policy class.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
// @ts-expect-error: a plain .mjs helper shared with the demo script
import { exampleSecrets } from '../../scripts/example-secrets.mjs';
import { REPO_ROOT, runCli, STACK_TRACE } from '../support/cli.js';
import { startSandbox, SVC } from '../support/sandbox.js';
import { edit, pipe, service } from '../support/world.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
let cwd: string;
let env: Record<string, string>;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'pipeform-plan-'));
  env = exampleSecrets(EXAMPLES);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('pipeform plan --sandbox on the examples', () => {
  it('shows every example as a create; --detailed-exitcode exits 2; text, markdown and json render the same plan', async () => {
    const text = await runCli(['plan', EXAMPLES, '--sandbox', '--detailed-exitcode'], env, cwd);
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain('Plan: 14 to create, 0 to update, 0 to replace, 0 to delete.');
    const json = await runCli(['plan', EXAMPLES, '--sandbox', '--format', 'json'], env, cwd);
    expect(json.exitCode).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ formatVersion: 1, changes: true, summary: { create: 14 } });
    const addresses: string[] = plan.actions.map((a: { address: string }) => a.address);
    expect(plan.actions.every((a: { kind: string }) => a.kind === 'create')).toBe(true);
    const md = await runCli(['plan', EXAMPLES, '--sandbox', '--format', 'markdown'], env, cwd);
    for (const a of addresses) {
      expect(text.stdout).toContain(`+ ${a} `);
      expect(md.stdout).toContain(`\`${a}\``);
    }
    expect(md.stdout).toContain('Plan: 14 to create');
  });

  it('--out saves a plan file; no output or file holds a secret value', async () => {
    const r = await runCli(['plan', EXAMPLES, '--sandbox', '--out', 'plan.json'], env, cwd);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('saved the plan to plan.json');
    const file = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    expect(file).toMatchObject({ pipeformPlan: 1, manifestDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), plan: { formatVersion: 1 } });
    expect(file.services.streaming).toEqual({ organizationId: '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13', serviceId: '0b6f4c1e-3a59-4d2a-8e71-5c0d9a3f2b11' });
    const all = [r.stdout, r.stderr, readFileSync(join(cwd, 'plan.json'), 'utf8')].join('\n');
    for (const v of Object.values(env)) expect(all).not.toContain(v);
    expect(all).toContain('${env:KAFKA_PASSWORD}');
  });

  it('names a missing secret and still shows the plan (exit 0); apply would stop', async () => {
    const { KAFKA_PASSWORD: _k, ...rest } = env;
    const r = await runCli(['plan', join(EXAMPLES, 'kafka'), '--sandbox'], rest, cwd);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('missing secret: streaming/orders-events: spec.source.kafka.credentials: environment variable KAFKA_PASSWORD is not set (apply needs it)');
  });

  it('without credentials or --sandbox: one clear line, exit 1, no stack trace', async () => {
    const r = await runCli(['plan', join(EXAMPLES, 'kafka')], {}, cwd);
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: 'error: set CLICKHOUSE_KEY_ID and CLICKHOUSE_KEY_SECRET to an API key of the organization, or pass --sandbox to use the embedded sandbox\n' });
  });

  it('invalid manifests: the diagnostics, exit 1, nothing read', async () => {
    const r = await runCli(['plan', join(REPO_ROOT, 'test/fixtures/bad/misspelt-keys.yaml'), '--sandbox'], env, cwd);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/misspelt-keys\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('pipeform plan against a sandbox whose pipes differ in each policy class', () => {
  it('names exactly those differences, with their steps and risks; "500m" and a reordered column list are no change', async () => {
    const w = await startSandbox({ faults: 'quantity-strings' });
    const base = (name: string) => edit(pipe('kafka', name), (p) => {
      p.spec.scaling = { replicas: 2, replicaCpuMillicores: 500 };
      p.spec.settings = { streaming_max_insert_wait_ms: 5000 };
    });
    const manifests = {
      same: edit(base('same'), (p) => { p.spec.destination.columns.reverse(); }),
      upd: edit(base('upd'), (p) => { p.spec.source.kafka.caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; }),
      set: edit(base('set'), (p) => { p.spec.settings.streaming_max_insert_wait_ms = 1000; }),
      scale: edit(base('scale'), (p) => { p.spec.scaling.replicas = 4; }),
      repl: edit(base('repl'), (p) => { p.spec.source.kafka.topics = 'other'; }),
      stop: edit(base('stop'), (p) => { p.spec.state = 'stopped'; }),
      cdc: edit(pipe('postgres', 'cdc'), (p) => { p.spec.source.postgres.tableMappings.push({ sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'orders' }); }),
    };
    // What is live: each pipe as its base manifest (no orders table on the CDC pipe).
    const liveBody = (name: string) => ({
      name, source: { kafka: { type: 'kafka', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN', credentials: { username: 'u', password: 'x' } } },
      destination: { table: 'events', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' }, sortingKey: ['id'] }, columns: [{ name: 'id', type: 'UInt64' }, { name: 'body', type: 'String' }] },
      scaling: { replicas: 2, replicaCpuMillicores: 500 }, settings: { streaming_max_insert_wait_ms: 5000 },
    });
    for (const n of ['same', 'upd', 'set', 'scale', 'repl', 'stop']) await w.client.createClickPipe(SVC, liveBody(n) as never);
    await w.client.createClickPipe(SVC, { name: 'cdc', source: { postgres: { host: 'pg', port: 5432, database: 'db', credentials: { username: 'u', password: 'x' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' }] } }, destination: { database: 'default' } });
    await w.clock.advance(10_000);

    const dir = mkdtempSync(join(tmpdir(), 'pipeform-policy-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'm.yaml'), [service(), ...Object.values(manifests)].map((d) => stringify(d)).join('---\n'));
    const r = await runCli(['plan', dir, '--format', 'json', '--api-url', w.sandbox.url, '--api-rate', '0'], { CLICKHOUSE_KEY_ID: 'sandbox', CLICKHOUSE_KEY_SECRET: 'sandbox', KAFKA_PASSWORD: 'x', PG: 'x' }, dir);
    expect(r.stderr).toBe('');
    const plan = JSON.parse(r.stdout);
    const summary = Object.fromEntries(plan.actions.map((a: any) => [a.name, [a.kind, a.risk, a.changes.map((c: any) => `${c.path}:${c.policy}`), a.steps.map((s: any) => s.op + (s.command ? `:${s.command}` : ''))]]));
    expect(summary).toEqual({
      same: ['adopt', 'safe', [], []],
      upd: ['adopt', 'safe', ['source.kafka.caCertificate:update'], ['patchPipe']],
      set: ['adopt', 'safe', ['settings.streaming_max_insert_wait_ms:settings'], ['putSettings']],
      scale: ['adopt', 'safe', ['scaling.replicas:scaling'], ['patchScaling']],
      repl: ['replace', 'replace', ['source.kafka.topics:replace'], ['deletePipe', 'createPipe']],
      stop: ['adopt', 'safe', ['state:state'], ['state:stop']],
      cdc: ['adopt', 'pause', ['source.postgres.tableMappings[public.orders]:pause-required'], ['state:stop', 'wait', 'patchPipe', 'wait']],
    });
    expect(plan.errors).toEqual([{ address: 'prod/repl', message: 'needs replacing (delete and create); run with --allow-replace to allow it' }]);
    expect(r.exitCode).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
