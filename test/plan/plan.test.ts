/**
 * plan() on test worlds: one class of difference at a time, exact equality on the action data
 * (kind, changes, steps, risk), against live pipes the sandbox World produced.
 */
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/plan.js';
import type { Action, Plan } from '../../src/plan/types.js';
import { PlanWorld } from '../support/plan-world.js';
import { edit, endpoint, pipe, service } from '../support/world.js';

const only = (p: Plan): Action => {
  const changed = p.actions.filter((a) => a.kind !== 'noop');
  expect(changed, JSON.stringify(p.actions.map((a) => [a.address, a.kind]))).toHaveLength(1);
  return changed[0]!;
};
const steps = (a: Action) => a.steps.map(({ id: _id, address: _a, service: _s, pipeId: _p, dependsOn: _d, ...op }) => op);
const changes = (a: Action) => a.changes.map((c) => [c.path, c.policy, c.before, c.after, c.risk]);

function world(...docs: unknown[]) {
  const w = new PlanWorld();
  const d = w.converge(...docs);
  return { w, d };
}

describe('plan: one policy class at a time', () => {
  it('update: a changed IAM role is one PATCH with just that field', () => {
    const base = edit(pipe('kinesis'), () => {});
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/new'; })]));
    expect(a.kind).toBe('update');
    expect(changes(a)).toEqual([['source.kinesis.iamRole', 'update', 'arn:aws:iam::123456789012:role/r', 'arn:aws:iam::123456789012:role/new', 'safe']]);
    expect(steps(a)).toEqual([{ op: 'patchPipe', purpose: 'update', body: { source: { kinesis: { iamRole: 'arn:aws:iam::123456789012:role/new' } } } }]);
    expect(a.risk).toBe('safe');
  });

  it('settings: PUT /settings with only the changed declared keys', () => {
    const base = edit(pipe('kafka'), (p) => { p.spec.settings = { streaming_max_insert_wait_ms: 5000, clickhouse_max_threads: 4 }; });
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.settings.clickhouse_max_threads = 8; })]));
    expect(changes(a)).toEqual([['settings.clickhouse_max_threads', 'settings', 4, 8, 'safe']]);
    expect(steps(a)).toEqual([{ op: 'putSettings', settings: { clickhouse_max_threads: 8 } }]);
  });

  it('scaling: PATCH /scaling; ignoreChanges leaves a field alone', () => {
    const base = edit(pipe('kafka'), (p) => { p.spec.scaling = { replicas: 2, replicaCpuMillicores: 500 }; p.spec.lifecycle = { ignoreChanges: ['scaling.replicas'] }; });
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.scaling = { replicas: 5, replicaCpuMillicores: 1000 }; })]));
    expect(changes(a)).toEqual([['scaling.replicaCpuMillicores', 'scaling', 500, 1000, 'safe']]);
    expect(steps(a)).toEqual([{ op: 'patchScaling', scaling: { replicaCpuMillicores: 1000 } }]);
  });

  it('columns: a reorder is no change; an added column sends columns and field mappings whole', () => {
    const base = edit(pipe('kafka'), (p) => { p.spec.fieldMappings = [{ sourceField: 'id', destinationField: 'id' }, { sourceField: 'body', destinationField: 'body' }]; });
    const { w } = world(service(), base);
    expect(w.plan([service(), edit(base, (p) => { p.spec.destination.columns.reverse(); p.spec.fieldMappings.reverse(); })]).changes).toBe(false);
    const added = edit(base, (p) => { p.spec.destination.columns.push({ name: 'ts', type: 'DateTime' }); p.spec.fieldMappings.push({ sourceField: 'time', destinationField: 'ts' }); });
    const a = only(w.plan([service(), added]));
    expect(changes(a)).toEqual([['destination.columns[ts]', 'update', undefined, 'DateTime', 'safe'], ['fieldMappings[time]', 'update', undefined, 'ts', 'safe']]);
    expect(steps(a)).toEqual([{ op: 'patchPipe', purpose: 'update', body: { destination: { columns: added.spec.destination.columns }, fieldMappings: added.spec.fieldMappings } }]);
  });

  it('CDC mappings, added table: pause, wait, PATCH add, wait for the resume; risk pause', () => {
    const base = pipe('postgres');
    const { w } = world(service(), base);
    const orders = { sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'orders' };
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.source.postgres.tableMappings.push(orders); })]));
    expect(changes(a)).toEqual([['source.postgres.tableMappings[public.orders]', 'pause-required', undefined, orders, 'pause']]);
    expect(steps(a)).toEqual([
      { op: 'state', command: 'stop' }, { op: 'wait', until: 'stopped' },
      { op: 'patchPipe', purpose: 'add-mappings', body: { source: { postgres: { tableMappingsToAdd: [orders] } } } },
      { op: 'wait', until: 'running' },
    ]);
    expect(a.risk).toBe('pause');
  });

  it('CDC mappings, changed table: remove then add in two PATCHes, risk resnapshot, tables named; stays paused when desired stopped', () => {
    const base = edit(pipe('postgres'), (p) => { p.spec.state = 'stopped'; });
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.source.postgres.tableMappings[0].excludedColumns = ['secret_col']; })]));
    expect(a.risk).toBe('resnapshot');
    expect(a.resnapshot).toEqual(['public.users']);
    expect(steps(a)).toEqual([
      { op: 'patchPipe', purpose: 'remove-mappings', body: { source: { postgres: { tableMappingsToRemove: [{ sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' }] } } } },
      { op: 'wait', until: 'running' }, { op: 'state', command: 'stop' }, { op: 'wait', until: 'stopped' },
      { op: 'patchPipe', purpose: 'add-mappings', body: { source: { postgres: { tableMappingsToAdd: [{ excludedColumns: ['secret_col'], sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' }] } } } },
      { op: 'wait', until: 'running' },
      { op: 'state', command: 'stop' },
    ]);
  });

  it('MySQL source edit carries host and port (the spec requires them) and the credentials (#617); a mapping edit only host and port', () => {
    const base = pipe('mysql');
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.source.mysql.settings.pullBatchSize = 5000; })]));
    expect(steps(a)).toEqual([{ op: 'patchPipe', purpose: 'update', body: { source: { mysql: { settings: { pullBatchSize: 5000 }, host: 'my', port: 3306, credentials: { username: 'u', password: '${env:MY}' } } } } }]);
    const added = { sourceSchemaName: 'shop', sourceTable: 'items', targetTable: 'items' };
    const m = only(w.plan([service(), edit(base, (p) => { p.spec.source.mysql.tableMappings.push(added); })]));
    expect(steps(m)[2]).toEqual({ op: 'patchPipe', purpose: 'add-mappings', body: { source: { mysql: { host: 'my', port: 3306, tableMappingsToAdd: [added] } } } });
  });

  it('a source edit of a database pipe needs its credentials: reported when they cannot be read', () => {
    const base = pipe('postgres');
    const { w } = world(service(), base);
    delete w.env.PG;
    const p = w.plan([service(), edit(base, (x) => { x.spec.source.postgres.port = 6432; })]);
    expect(p.missingSecrets).toEqual([{ address: 'prod/events', message: 'spec.source.postgres.credentials: environment variable PG is not set' }]);
  });

  it('replace: refused without --allow-replace, delete then create with it', () => {
    const base = pipe('kafka');
    const { w } = world(service(), base);
    const changed = [service(), edit(base, (p) => { p.spec.source.kafka.brokers = 'other:9092'; })];
    const refused = w.plan(changed);
    expect(refused.errors).toEqual([{ address: 'prod/events', message: 'needs replacing (delete and create); run with --allow-replace to allow it' }]);
    const a = only(w.plan(changed, { allowReplace: true }));
    expect(a.kind).toBe('replace');
    expect(a.reasons).toEqual(['source.kafka.brokers: forces replacement']);
    expect(steps(a).map((s) => s.op)).toEqual(['deletePipe', 'createPipe']);
    expect(a.refused).toBeUndefined();
  });

  it('protected pipes are never replaced, also with --allow-replace', () => {
    const base = edit(pipe('kafka'), (p) => { p.spec.lifecycle = { protect: true }; });
    const { w } = world(service(), base);
    const p = w.plan([service(), edit(base, (x) => { x.spec.source.kafka.topics = 'other'; })], { allowReplace: true });
    expect(p.errors.map((e) => e.message)).toEqual(['needs replacing but is protected (lifecycle.protect); remove the protection to let it be recreated']);
  });

  it('BigQuery: any change is a replace', () => {
    const base = pipe('bigquery');
    const { w } = world(service(), base);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.source.bigquery.tableMappings[0].targetTable = 't2'; })], { allowReplace: true }));
    expect(a.kind).toBe('replace');
    expect(a.reasons).toContain('BigQuery pipes cannot be updated: any change recreates the pipe');
  });

  it('create-only: changed destination roles (not returned by the API) compare with the ledger and force a replace', () => {
    const base = edit(pipe('kafka'), (p) => { p.spec.destination.roles = ['writer']; });
    const { w } = world(service(), base);
    expect(w.plan([service(), base]).changes).toBe(false);
    const a = only(w.plan([service(), edit(base, (p) => { p.spec.destination.roles = ['writer', 'reader']; })], { allowReplace: true }));
    expect(changes(a)).toEqual([['destination.roles', 'create-only', ['writer'], ['writer', 'reader'], 'replace']]);
  });

  it('rename through previousNames: one PATCH of name, never delete and create', () => {
    const { w } = world(service(), pipe('kafka', 'orders'));
    const a = only(w.plan([service(), edit(pipe('kafka', 'orders-events'), (p) => { p.metadata.previousNames = ['orders']; })]));
    expect(a.kind).toBe('rename');
    expect(a.previousName).toBe('orders');
    expect(steps(a)).toEqual([{ op: 'patchPipe', purpose: 'update', body: { name: 'orders-events' } }]);
  });

  it('adopt: a live pipe with the name but no ledger entry is adopted, with its secrets unknown', () => {
    const { w } = world(service(), pipe('kafka'));
    w.ledger = { formatVersion: 1, pipes: {} };
    const p = w.plan([service(), pipe('kafka')]);
    const a = only(p);
    expect([a.kind, a.steps]).toEqual(['adopt', []]);
    expect(p.warnings.map((x) => x.message)).toEqual([
      'source.kafka.credentials: no fingerprint in the ledger, so pipeform cannot know whether the live pipe uses this value; --rotate-secrets sends it',
    ]);
    const rotated = only(w.plan([service(), pipe('kafka')], { rotateSecrets: true }));
    expect(steps(rotated)).toEqual([{ op: 'patchPipe', purpose: 'update', body: { source: { kafka: { credentials: { username: 'u', password: '${env:KAFKA_PASSWORD}' } } } } }]);
  });

  it('a rotated secret shows as (rotating), is sent by reference, and its value appears nowhere in the plan', () => {
    const { w } = world(service(), pipe('kafka'));
    w.env.KAFKA_PASSWORD = 'kafka-pw-2';
    const p = w.plan([service(), pipe('kafka')]);
    const a = only(p);
    expect(a.changes).toEqual([{ path: 'source.kafka.credentials', policy: 'secret', note: '(rotating)', reason: 'rotated in place (PATCH)', risk: 'safe' }]);
    expect(JSON.stringify(p)).not.toMatch(/kafka-pw-[12]/);
  });

  it('a secret that is needed but unset is reported; the rest of the plan stands', () => {
    const w = new PlanWorld();
    w.env = {};
    const p = w.plan([service(), pipe('kafka')]);
    expect(p.missingSecrets).toEqual([{ address: 'prod/events', message: 'spec.source.kafka.credentials: environment variable KAFKA_PASSWORD is not set' }]);
    expect(p.actions.map((a) => a.kind)).toEqual(['create']);
    expect(p.errors).toEqual([]);
  });

  it('state: desired stopped → stop; a stopped pipe desired running → start; the observed state is never a diff', () => {
    const { w } = world(service(), pipe('kafka'));
    const stop = only(w.plan([service(), edit(pipe('kafka'), (p) => { p.spec.state = 'stopped'; })]));
    expect(changes(stop)).toEqual([['state', 'state', 'Running', 'stopped', 'safe']]);
    expect(steps(stop)).toEqual([{ op: 'state', command: 'stop' }]);
    const stopped = edit(pipe('kafka'), (p) => { p.spec.state = 'stopped'; });
    const s = world(service(), stopped);
    const start = only(s.w.plan([service(), pipe('kafka')]));
    expect([changes(start), steps(start)]).toEqual([[['state', 'state', 'Stopped', 'running', 'safe']], [{ op: 'state', command: 'start' }]]);
    w.now -= 9_500; // mid-provisioning: still no diff
    expect(w.plan([service(), pipe('kafka')]).changes).toBe(false);
  });

  it('a Failed or InternalError pipe is warned about and never blocks the others', () => {
    const { w, d } = world(service(), pipe('kafka', 'a'), pipe('kinesis', 'b'));
    const live = w.live(d);
    const pipes = live.prod!.pipes.map((p) => (p.name === 'a' ? { ...p, state: 'InternalError' as const } : p));
    const p = plan(d, { prod: { ...live.prod!, pipes } }, w.ledger);
    expect(p.warnings).toEqual([{ address: 'prod/a', message: 'the live pipe is InternalError; the plan goes on with the others' }]);
    const changedB = w.desired(service(), pipe('kafka', 'a'), edit(pipe('kinesis', 'b'), (x) => { x.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/x'; }));
    expect(plan(changedB, { prod: { ...live.prod!, pipes } }, w.ledger).actions.map((a) => [a.address, a.kind])).toEqual([['prod/a', 'noop'], ['prod/b', 'update']]);
  });

  it('deletes only under prune; protected pipes stay, also when their manifest is gone', () => {
    const keep = edit(pipe('kafka', 'keep'), (p) => { p.spec.lifecycle = { protect: true }; });
    const { w } = world(service(), pipe('kafka'), keep);
    const noPrune = w.plan([service()]);
    expect(noPrune.actions).toEqual([]);
    expect(noPrune.warnings.map((x) => x.address)).toEqual(['prod/events', 'prod/keep']);
    const pruned = w.plan([service('prod', { prune: true })]);
    expect(pruned.actions.map((a) => [a.address, a.kind, a.risk, a.refused !== undefined])).toEqual([['prod/events', 'delete', 'delete', false], ['prod/keep', 'delete', 'delete', true]]);
    expect(pruned.errors.map((e) => e.address)).toEqual(['prod/keep']);
  });

  it('endpoint before the pipe that uses it; CDC scaling after the first database pipe', () => {
    const w = new PlanWorld();
    const kafka = edit(pipe('kafka'), (p) => { p.spec.source.kafka.reversePrivateEndpoints = ['vpce']; });
    const p = w.plan([service('prod', { cdcScaling: { replicaCpuMillicores: 2000, replicaMemoryGb: 8 } }), endpoint(), kafka, pipe('postgres', 'db')]);
    const step = (addr: string) => p.actions.find((a) => a.address === addr)!.steps[0]!;
    expect(step('prod/events').dependsOn).toEqual([step('prod/endpoint:vpce').id]);
    expect(step('prod/cdcScaling').dependsOn).toEqual([step('prod/db').id]);
    expect(step('prod/events')).toMatchObject({ op: 'createPipe', body: { source: { kafka: { reversePrivateEndpointIds: ['${endpoint:vpce}'] } } } });
  });

  it('--target and --exclude select addresses; a dependency left out is an error', () => {
    const w = new PlanWorld();
    const kafka = edit(pipe('kafka'), (p) => { p.spec.source.kafka.reversePrivateEndpoints = ['vpce']; });
    const docs = [service(), endpoint(), kafka, pipe('kinesis', 'k')];
    expect(w.plan(docs, { target: ['prod/k'] }).actions.map((a) => a.address)).toEqual(['prod/k']);
    expect(w.plan(docs, { exclude: ['prod/k'] }).actions.map((a) => a.address)).toEqual(['prod/endpoint:vpce', 'prod/events']);
    expect(w.plan(docs, { target: ['prod/events'] }).errors).toEqual([{ address: 'prod/events', message: 'depends on prod/endpoint:vpce, which --target/--exclude leaves out; include it' }]);
  });
});
