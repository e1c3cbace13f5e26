/** The real API's rejections as the sandbox reproduces them (README "Rejections"), status and text exact. */
import { describe, expect, it } from 'vitest';
import { bodies, PHASE, startSandbox, SVC, type SandboxWorld } from '../support/sandbox.js';

const BASE = `/v1/organizations/${SVC.organizationId}/services/${SVC.serviceId}`;
const edit = <T>(b: T, change: (x: any) => void): T => {
  const c = structuredClone(b);
  change(c);
  return c;
};

describe('create rejections', () => {
  it.each([
    ['no source', { ...bodies.kafka, source: {} }, 'request body.source: exactly one source type is required, got 0'],
    ['two sources', edit(bodies.kafka, (b) => (b.source.kinesis = bodies.kinesis.source.kinesis)), 'request body.source: exactly one source type is required, got 2'],
    ['a database pipe with a table', edit(bodies.postgres, (b) => (b.destination.table = 't')), 'destination.table is not supported for database ClickPipes'],
    ['a database pipe with scaling', edit(bodies.mysql, (b) => (b.scaling = { replicas: 2 })), 'scaling is not supported for database ClickPipes: use clickpipesCdcScaling'],
    ['a database pipe with settings', edit(bodies.mongodb, (b) => (b.settings = { clickhouse_max_threads: 2 })), 'settings are not supported for database ClickPipes'],
    ['a streaming pipe without columns', edit(bodies.kafka, (b) => delete b.destination.columns), 'destination.columns: required for kafka ClickPipes'],
    ['managedTable without tableDefinition', edit(bodies.kinesis, (b) => delete b.destination.tableDefinition), 'destination.tableDefinition: required when managedTable is true'],
    ['empty scaling', edit(bodies.kafka, (b) => (b.scaling = {})), 'scaling: either send real values or omit it'],
    ['zero replicas', edit(bodies.kafka, (b) => (b.scaling = { replicas: 0 })), 'replicas: Not between 1 and 40'],
    ['empty settings', edit(bodies.kafka, (b) => (b.settings = {})), 'settings: either send real values or omit it'],
    ['kafka_read_committed on Kinesis', edit(bodies.kinesis, (b) => (b.settings = { kafka_read_committed: true })), "Setting 'kafka_read_committed' is only supported for Kafka ClickPipes"],
    ['a Kafka authentication its type does not allow', edit(bodies.kafka, (b) => (b.source.kafka.authentication = 'SCRAM-SHA-256')), 'authentication SCRAM-SHA-256 is not supported for Kafka type confluent'],
    ['PLAIN without a password', edit(bodies.kafka, (b) => delete b.source.kafka.credentials.password), 'credentials.username and credentials.password are required'],
    ['Postgres authentication in the wrong case', edit(bodies.postgres, (b) => (b.source.postgres.authentication = 'iam_role')), "request body.source.postgres.authentication: 'iam_role'"],
    ['basic authentication without a password', edit(bodies.postgres, (b) => delete b.source.postgres.credentials.password), 'password is required for basic authentication'],
    ['an empty host', edit(bodies.postgres, (b) => (b.source.postgres.host = '')), "postgres.host: ''"],
    ['replicationSlotName outside cdc_only', edit(bodies.postgres, (b) => (b.source.postgres.settings.replicationSlotName = 's')), 'replicationSlotName is only valid for cdc_only mode'],
    ['a CDC number below 1', edit(bodies.postgres, (b) => (b.source.postgres.settings.pullBatchSize = 0)), 'settings.pullBatchSize: Value must be >= 1'],
    ['MySQL without a replication mode', edit(bodies.mysql, (b) => (b.source.mysql.settings = {})), 'settings.replicationMode: required'],
    ['queueUrl without isContinuous', edit(bodies.s3Continuous, (b) => delete b.source.objectStorage.isContinuous), 'queueUrl is only applicable when isContinuous is true'],
    ['startAfter with skipInitialLoad', edit(bodies.s3Continuous, (b) => Object.assign(b.source.objectStorage, { skipInitialLoad: true, startAfter: 'k' })), 'startAfter cannot be provided when skipInitialLoad is true'],
    ['an unknown reverse private endpoint', edit(bodies.kafka, (b) => (b.source.kafka.reversePrivateEndpointIds = ['0b6f4c1e-0000-4000-8000-000000000000'])), 'reverse private endpoint 0b6f4c1e-0000-4000-8000-000000000000 not found'],
    ['BigQuery in CDC mode', edit(bodies.bigquery, (b) => (b.source.bigquery.settings.replicationMode = 'cdc')), 'BigQuery ClickPipes support snapshot replication only'],
  ])('%s', async (_name, body, message) => {
    const w = await startSandbox();
    const r = await w.raw('POST', `${BASE}/clickpipes`, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(`BAD_REQUEST: ${message}`);
    expect((await w.client.listClickPipes(SVC)).length).toBe(0);
  });
});

async function running(w: SandboxWorld, body: object): Promise<string> {
  const id = (await w.raw('POST', `${BASE}/clickpipes`, body)).json.result.id as string;
  await w.clock.advance(5 * PHASE);
  return id;
}

describe('update rejections', () => {
  it.each([
    ['a BigQuery pipe', bodies.bigquery, { name: 'x' }, 'ClickPipe is in the Completed state and cannot be modified'],
    ['a field outside the PATCH schema', bodies.kafka, { source: { kafka: { brokers: 'other:9092' } } }, 'request body.source.kafka.brokers: field is not patchable'],
    ['Postgres authentication (#643)', bodies.postgres, { source: { postgres: { authentication: 'IAM_ROLE', credentials: { username: 'u', password: 'p' } } } }, 'request body.source.postgres.authentication: field is not patchable'],
    ['a change of source family', bodies.kafka, { source: { kinesis: { authentication: 'IAM_ROLE' } } }, 'request body.source: the source type of a kafka ClickPipe cannot be changed'],
    ['an empty destination (PR #751)', bodies.kafka, { destination: {} }, 'request body.destination: must not be empty'],
    ['mappings while running', bodies.postgres, { source: { postgres: { tableMappingsToAdd: [{ sourceSchemaName: 'public', sourceTable: 'a', targetTable: 'a' }] } } }, 'Postgres ClickPipe must be paused to edit'],
    ['a changed connection field without credentials (#617)', bodies.mysql, { source: { mysql: { host: 'new.example.com', port: 3306 } } }, 'failed to validate the connection: credentials are required when connection settings change'],
    ['a changed CDC setting without credentials (#617)', bodies.mongodb, { source: { mongodb: { uri: 'mongodb+srv://c.example.net', readPreference: 'primary', settings: { pullBatchSize: 10 } } } }, 'failed to validate the connection: credentials are required when connection settings change'],
    ['a MySQL PATCH without host and port (the spec requires them)', bodies.mysql, { source: { mysql: { credentials: { username: 'u', password: 'p' } } } }, 'request body.source.mysql: host and port are required'],
    ['a MongoDB PATCH without uri', bodies.mongodb, { source: { mongodb: { readPreference: 'primary' } } }, 'request body.source.mongodb: uri is required'],
    ['a CDC setting that is not patchable', bodies.postgres, { source: { postgres: { settings: { replicationMode: 'snapshot' } } } }, 'request body.source.postgres.settings.replicationMode: field is not patchable'],
  ])('%s', async (_name, body, patch, message) => {
    const w = await startSandbox();
    const id = await running(w, body);
    const r = await w.raw('PATCH', `${BASE}/clickpipes/${id}`, patch);
    expect(r.json.error).toBe(`BAD_REQUEST: ${message}`);
  });

  it('a BigQuery pipe cannot be updated even before it completes', async () => {
    const w = await startSandbox();
    const id = (await w.raw('POST', `${BASE}/clickpipes`, bodies.bigquery)).json.result.id;
    expect((await w.raw('PATCH', `${BASE}/clickpipes/${id}`, { name: 'x' })).json.error).toBe('BAD_REQUEST: BigQuery ClickPipes cannot be updated');
  });

  it('re-sending an unchanged connection needs no credentials', async () => {
    const w = await startSandbox();
    const id = await running(w, bodies.mysql);
    const r = await w.raw('PATCH', `${BASE}/clickpipes/${id}`, { source: { mysql: { host: 'my.example.com', port: 3306 } } });
    expect(r.status).toBe(200);
  });

  it('mapping edits on a paused pipe: add and remove of one table in one PATCH, unknown and duplicate mappings', async () => {
    const w = await startSandbox();
    const id = await running(w, bodies.postgres);
    await w.client.changeState(SVC, id, 'stop');
    await w.clock.advance(PHASE);
    const users = { sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' };
    const patch = (source: object) => w.raw('PATCH', `${BASE}/clickpipes/${id}`, { source: { postgres: source } });
    expect((await patch({ tableMappingsToAdd: [users], tableMappingsToRemove: [users] })).json.error).toBe('BAD_REQUEST: table public.users cannot be added and removed in the same request');
    expect((await patch({ tableMappingsToRemove: [{ ...users, targetTable: 'other' }] })).json.error).toBe('BAD_REQUEST: table mapping public.users -> other not found');
    expect((await patch({ tableMappingsToAdd: [users] })).json.error).toBe('BAD_REQUEST: table public.users is already replicated');
    expect((await patch({ tableMappingsToRemove: [users] })).status).toBe(200);
  });

  it('settings in the whole-pipe PATCH are silently ignored (#824)', async () => {
    const w = await startSandbox();
    const id = await running(w, bodies.kafka);
    const r = await w.raw('PATCH', `${BASE}/clickpipes/${id}`, { name: 'renamed', settings: { streaming_max_insert_wait_ms: 9000 } });
    expect(r.status).toBe(200);
    expect(r.json.result).toMatchObject({ name: 'renamed', settings: { streaming_max_insert_wait_ms: 5000 } });
  });
});

describe('settings, scaling and state endpoints', () => {
  it('PUT /settings merges, rejects {} and unknown keys, and does not exist for database pipes', async () => {
    const w = await startSandbox();
    const id = await running(w, bodies.kafka);
    expect(await w.client.putSettings(SVC, id, { clickhouse_max_threads: 4 })).toEqual({ streaming_max_insert_wait_ms: 5000, kafka_read_committed: true, clickhouse_max_threads: 4 });
    expect((await w.raw('PUT', `${BASE}/clickpipes/${id}/settings`, {})).json.error).toBe('BAD_REQUEST: settings: either send real values or omit it');
    expect((await w.raw('PUT', `${BASE}/clickpipes/${id}/settings`, { max_threads: 1 })).json.error).toBe('BAD_REQUEST: settings.max_threads: unknown setting');
    const db = await running(w, bodies.postgres);
    expect(await w.raw('GET', `${BASE}/clickpipes/${db}/settings`)).toMatchObject({ status: 404, json: { error: `NOT_FOUND: ingestion for pipe "${db}" not found` } });
  });

  it('PATCH /scaling: not for database or Pub/Sub pipes, not empty, in range, no CPU on object storage', async () => {
    const w = await startSandbox();
    const kafka = await running(w, bodies.kafka);
    expect((await w.client.patchScaling(SVC, kafka, { replicas: 3 })).scaling).toEqual({ replicas: 3, replicaCpuMillicores: 500, replicaMemoryGb: 2 });
    const scale = (id: string, body: object) => w.raw('PATCH', `${BASE}/clickpipes/${id}/scaling`, body).then((r) => r.json.error);
    expect(await scale(kafka, {})).toBe('BAD_REQUEST: request body: either send real values or omit it');
    expect(await scale(kafka, { replicaMemoryGb: 16 })).toBe('BAD_REQUEST: replicaMemoryGb: Not between 0.5 and 8');
    expect(await scale(await running(w, bodies.postgres), { replicas: 2 })).toBe('BAD_REQUEST: scaling is supported for Kafka, Kinesis and object storage ClickPipes, not postgres');
    expect(await scale(await running(w, bodies.pubsub), { replicas: 2 })).toBe('BAD_REQUEST: scaling is supported for Kafka, Kinesis and object storage ClickPipes, not pubsub');
    expect(await scale(await running(w, bodies.s3Continuous), { replicaCpuMillicores: 500 })).toBe('BAD_REQUEST: replicaCpuMillicores and replicaMemoryGb are only for streaming pipes');
  });

  it('a Completed pipe refuses changes; resync only for database pipes; unknown commands', async () => {
    const w = await startSandbox();
    const once = await running(w, bodies.s3);
    expect((await w.raw('PUT', `${BASE}/clickpipes/${once}/settings`, { clickhouse_max_threads: 1 })).json.error).toBe('BAD_REQUEST: ClickPipe is in the Completed state and cannot be modified');
    expect((await w.raw('PATCH', `${BASE}/clickpipes/${once}/state`, { command: 'resync' })).json.error).toBe('BAD_REQUEST: resync is only supported for Postgres, MySQL and MongoDB ClickPipes');
    expect((await w.raw('PATCH', `${BASE}/clickpipes/${once}/state`, { command: 'pause' })).json.error).toBe("BAD_REQUEST: request body.command: 'pause' (expected start, stop or resync)");
  });
});

describe('read back', () => {
  it('never returns a secret, and shows the quirks pipeform normalizes', async () => {
    const w = await startSandbox();
    for (const body of Object.values(bodies)) await w.raw('POST', `${BASE}/clickpipes`, body);
    const listed = JSON.stringify((await w.raw('GET', `${BASE}/clickpipes`)).json);
    for (const field of ['"credentials"', '"accessKey"', '"serviceAccountKey"', '"connectionString"', '-secret-value']) expect(listed).not.toContain(field);
    const kafka = (await w.client.listClickPipes(SVC)).find((p) => p.name === 'kafka-pipe')!;
    expect(kafka.destination).toEqual({ database: 'default', table: 'events', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' }, sortingKey: ['id'] }, columns: [{ name: 'id', type: 'UInt64' }] });
    expect(kafka.source.kafka!.consumerGroup).toBe(`clickpipes-${kafka.id}`);
    const kinesis = (await w.client.listClickPipes(SVC)).find((p) => p.name === 'kinesis-pipe')!;
    expect(kinesis.destination.tableDefinition).toEqual({ engine: { type: 'MergeTree' }, sortingKey: [] });
    const pg = (await w.client.listClickPipes(SVC)).find((p) => p.name === 'postgres-pipe')!;
    expect(pg.destination).toEqual({ database: 'default' });
    expect(pg.scaling).toBeUndefined();
    expect(pg.source.postgres).toMatchObject({ type: 'postgres', authentication: 'basic', settings: { replicationMode: 'cdc' } });
    expect(pg.source.postgres!.settings).not.toHaveProperty('deleteOnMerge');
  });
});

describe('CDC scaling and endpoints', () => {
  it('CDC scaling exists once a database pipe does, at service level only; 4 GiB per core', async () => {
    const w = await startSandbox();
    expect((await w.raw('GET', `${BASE}/clickpipesCdcScaling`)).status).toBe(404);
    await w.client.createClickPipe(SVC, bodies.postgres as never);
    expect(await w.client.getCdcScaling(SVC)).toEqual({ replicaCpuMillicores: 2000, replicaMemoryGb: 8 });
    expect((await w.raw('GET', `/v1/organizations/${SVC.organizationId}/clickpipes/cdcScaling`)).status).toBe(404);
    expect((await w.raw('PATCH', `${BASE}/clickpipesCdcScaling`, { replicaCpuMillicores: 3000, replicaMemoryGb: 8 })).json.error).toBe('BAD_REQUEST: replicaMemoryGb: Must be 4× the CPU core count');
    expect(await w.client.patchCdcScaling(SVC, { replicaCpuMillicores: 3000, replicaMemoryGb: 12 })).toEqual({ replicaCpuMillicores: 3000, replicaMemoryGb: 12 });
  });

  it('endpoints: type-specific fields, Provisioning → Ready, PATCH of DNS mappings only, no delete while used', async () => {
    const w = await startSandbox();
    expect((await w.raw('POST', `${BASE}/clickpipesReversePrivateEndpoints`, { description: 'x', type: 'MSK_MULTI_VPC' })).json.error).toBe('BAD_REQUEST: mskClusterArn: required for MSK_MULTI_VPC');
    const { value: e } = await w.client.createEndpoint(SVC, { description: 'msk', type: 'MSK_MULTI_VPC', mskClusterArn: 'arn:aws:kafka:x', mskAuthentication: 'SASL_IAM' });
    expect(e.status).toBe('Provisioning');
    await w.clock.advance(PHASE);
    expect((await w.client.getEndpoint(SVC, e.id)).status).toBe('Ready');
    expect((await w.client.patchEndpoint(SVC, e.id, { customPrivateDnsMappings: [{ privateDnsName: 'kafka.internal' }] })).privateDnsNames).toEqual(['kafka.internal']);
    expect((await w.raw('PATCH', `${BASE}/clickpipesReversePrivateEndpoints/${e.id}`, { description: 'y' })).json.error).toBe('BAD_REQUEST: request body.description: field is not patchable');
    const body = edit(bodies.kafka, (b) => (b.source.kafka.reversePrivateEndpointIds = [e.id]));
    const { value: pipe } = await w.client.createClickPipe(SVC, body as never);
    expect((await w.raw('DELETE', `${BASE}/clickpipesReversePrivateEndpoints/${e.id}`)).json.error).toBe(`BAD_REQUEST: reverse private endpoint ${e.id} is used by ClickPipe ${pipe.id}`);
    await w.client.deleteClickPipe(SVC, pipe.id);
    expect(await w.client.deleteEndpoint(SVC, e.id)).toBe(true);
  });
});

describe('transport', () => {
  it('401 for a wrong or missing key, 404 for an unknown path, 405 for a wrong method, 400 for bad JSON', async () => {
    const w = await startSandbox();
    expect(await w.raw('GET', `${BASE}/clickpipes`, undefined, `Basic ${Buffer.from('sandbox:nope').toString('base64')}`)).toMatchObject({ status: 401, json: { error: 'UNAUTHORIZED: invalid API key' } });
    expect((await w.raw('GET', `${BASE}/clickpipes`, undefined, '')).status).toBe(401);
    expect((await w.raw('GET', `${BASE}/pipes`)).status).toBe(404);
    expect((await w.raw('PUT', `${BASE}/clickpipes`)).status).toBe(405);
    expect(await w.raw('POST', `${BASE}/clickpipes`, '{not json')).toMatchObject({ status: 400, json: { error: 'BAD_REQUEST: request body is not valid JSON' } });
  });

  it('accepts another key with --key', async () => {
    const w = await startSandbox({ keyId: 'ci', keySecret: 'ci-secret' });
    expect(await w.client.listClickPipes(SVC)).toEqual([]);
    expect((await w.raw('GET', `${BASE}/clickpipes`)).status).toBe(401);
  });

  it('counts requests by method, route and status', async () => {
    const w = await startSandbox();
    await w.client.listClickPipes(SVC);
    await w.raw('GET', `${BASE}/clickpipes/nope`);
    const stats = (await fetch(`${w.sandbox.url}/_sandbox/stats`).then((r) => r.json())) as Record<string, any>;
    expect(stats.total).toBe(2);
    expect(stats.byMethod).toEqual({ GET: 2 });
    expect(stats.byStatus).toEqual({ 200: 1, 404: 1 });
    expect(stats.byRouteStatus).toEqual({
      'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipes 200': 1,
      'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipes/{clickPipeId} 404': 1,
    });
  });
});
