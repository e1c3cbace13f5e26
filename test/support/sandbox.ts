/** A sandbox on 127.0.0.1 and a real client for it, sharing one manual clock: lifecycles run in virtual time. */
import { Agent } from 'undici';
import { afterEach } from 'vitest';
import { CloudClient } from '../../src/api/client.js';
import { RateLimiter } from '../../src/api/rate-limiter.js';
import { Transport, type ApiLogEvent } from '../../src/api/transport.js';
import { parseFaults } from '../../src/sandbox/faults.js';
import { Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { ManualClock } from '../../src/util/clock.js';

export const PHASE = 1000;
export const ORG = '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13';
export const SVC = { organizationId: ORG, serviceId: '0b6f4c1e-3a59-4d2a-8e71-5c0d9a3f2b11' };

const running: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

export interface SandboxWorld {
  sandbox: Sandbox;
  client: CloudClient;
  clock: ManualClock;
  logs: ApiLogEvent[];
  /** Raw HTTP to the sandbox, for what the client would never send. */
  raw(method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; json: any; headers: Headers }>;
}

export async function startSandbox(options: Omit<SandboxOptions, 'now' | 'faults'> & { faults?: string; clientRate?: number } = {}): Promise<SandboxWorld> {
  const clock = new ManualClock();
  const sandbox = await Sandbox.start({ lifecycleMs: PHASE, ...options, faults: parseFaults(options.faults), now: () => clock.now() });
  running.push(sandbox);
  const logs: ApiLogEvent[] = [];
  const transport = new Transport({
    baseUrl: sandbox.url,
    keyId: options.keyId ?? 'sandbox',
    keySecret: options.keySecret ?? 'sandbox',
    dispatcher: new Agent({ keepAliveTimeout: 1000 }),
    clock: clock.autoAdvance(),
    random: () => 0.5,
    limiter: new RateLimiter({ limit: options.clientRate ?? 0, windowMs: 10_000 }, clock),
    log: (e) => logs.push(e),
  });
  const client = new CloudClient(transport, { clock, pollIntervalMs: 500 });
  const raw = async (method: string, path: string, body?: unknown, auth = `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, json, headers: res.headers };
  };
  return { sandbox, client, clock, logs, raw };
}

/** POST bodies per family, with (fake) secrets, as apply will send them. */
export const bodies = {
  kafka: {
    name: 'kafka-pipe',
    source: { kafka: { type: 'confluent', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN', credentials: { username: 'u', password: 'kafka-secret-value' } } },
    destination: { table: 'events', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' }, sortingKey: ['id'] }, columns: [{ name: 'id', type: 'UInt64' }], roles: ['writer'] },
    fieldMappings: [{ sourceField: 'id', destinationField: 'id' }],
    settings: { streaming_max_insert_wait_ms: 5000, kafka_read_committed: true },
  },
  kinesis: {
    name: 'kinesis-pipe',
    source: { kinesis: { format: 'JSONEachRow', streamName: 's', region: 'us-east-1', iteratorType: 'TRIM_HORIZON', authentication: 'IAM_USER', accessKey: { accessKeyId: 'AKIA', secretKey: 'kinesis-secret-value' } } },
    destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
  },
  s3: {
    name: 's3-pipe',
    source: { objectStorage: { type: 's3', format: 'JSONEachRow', url: 'https://b.s3.amazonaws.com/*.json', authentication: 'IAM_USER', accessKey: { accessKeyId: 'AKIA', secretKey: 's3-secret-value' } } },
    destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
  },
  s3Continuous: {
    name: 's3-continuous-pipe',
    source: { objectStorage: { type: 's3', format: 'CSV', url: 'https://b.s3.amazonaws.com/*.csv', isContinuous: true, queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' } },
    destination: { table: 't', managedTable: false, columns: [{ name: 'id', type: 'UInt64' }] },
    scaling: { replicas: 2 },
    settings: { object_storage_polling_interval_ms: 30000 },
  },
  gcs: {
    name: 'gcs-pipe',
    source: { objectStorage: { type: 'gcs', format: 'JSONEachRow', url: 'gs://b/*.json', authentication: 'SERVICE_ACCOUNT', serviceAccountKey: 'Z2NzLXNlY3JldC12YWx1ZQ==' } },
    destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
  },
  azure: {
    name: 'azure-pipe',
    source: { objectStorage: { type: 'azureblobstorage', format: 'JSONEachRow', azureContainerName: 'c', path: 'data/*.json', authentication: 'CONNECTION_STRING', connectionString: 'AccountKey=azure-secret-value' } },
    destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
  },
  pubsub: {
    name: 'pubsub-pipe',
    source: { pubsub: { format: 'JSONEachRow', projectId: 'p', topic: 't', authentication: 'SERVICE_ACCOUNT', seekType: 'latest', serviceAccountKey: { serviceAccountFile: 'cHVic3ViLXNlY3JldC12YWx1ZQ==' } } },
    destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
  },
  postgres: {
    name: 'postgres-pipe',
    source: { postgres: { host: 'pg.example.com', port: 5432, database: 'app', credentials: { username: 'u', password: 'postgres-secret-value' }, settings: { replicationMode: 'cdc', deleteOnMerge: true }, tableMappings: [{ sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' }] } },
    destination: { database: 'default' },
  },
  mysql: {
    name: 'mysql-pipe',
    source: { mysql: { host: 'my.example.com', port: 3306, credentials: { username: 'u', password: 'mysql-secret-value' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'shop', sourceTable: 'orders', targetTable: 'orders' }] } },
    destination: { database: 'default' },
  },
  mongodb: {
    name: 'mongodb-pipe',
    source: { mongodb: { uri: 'mongodb+srv://c.example.net', readPreference: 'primary', credentials: { username: 'u', password: 'mongodb-secret-value' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceDatabaseName: 'app', sourceCollection: 'users', targetTable: 'users' }] } },
    destination: { database: 'default' },
  },
  bigquery: {
    name: 'bigquery-pipe',
    source: { bigquery: { snapshotStagingPath: 'gs://b/staging/', credentials: { serviceAccountFile: 'YmlncXVlcnktc2VjcmV0LXZhbHVl' }, settings: { replicationMode: 'snapshot' }, tableMappings: [{ sourceDatasetName: 'ds', sourceTable: 't', targetTable: 't' }] } },
    destination: { database: 'default' },
  },
};
/** Every secret value in `bodies`: none may come back from the sandbox or reach its data file. */
export const SECRET_VALUES = ['kafka-secret-value', 'kinesis-secret-value', 's3-secret-value', 'Z2NzLXNlY3JldC12YWx1ZQ==', 'azure-secret-value', 'cHVic3ViLXNlY3JldC12YWx1ZQ==', 'postgres-secret-value', 'mysql-secret-value', 'mongodb-secret-value', 'YmlncXVlcnktc2VjcmV0LXZhbHVl'];
