// Benchmark worlds: N pipes over S services, the source families mixed, written as manifests; and the
// environment their secret references need.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const ORG = '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13';
export const serviceId = (i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`;

const streaming = { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' }, sortingKey: ['id'] }, columns: [{ name: 'id', type: 'UInt64' }, { name: 'body', type: 'String' }] };
const FAMILIES = {
  kafka: () => ({ source: { kafka: { type: 'confluent', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN', credentials: { username: 'u', password: '${env:BENCH_SECRET}' } } }, destination: streaming, settings: { streaming_max_insert_wait_ms: 1000 } }),
  kinesis: () => ({ source: { kinesis: { format: 'JSONEachRow', streamName: 's', region: 'us-east-1', iteratorType: 'LATEST', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' } }, destination: streaming }),
  s3: () => ({ source: { objectStorage: { type: 's3', format: 'CSV', url: 'https://b.s3.amazonaws.com/*.csv', isContinuous: true, authentication: 'IAM_USER', accessKey: { accessKeyId: 'AKIA', secretKey: '${env:BENCH_SECRET}' } } }, destination: streaming }),
  pubsub: () => ({ source: { pubsub: { format: 'JSONEachRow', projectId: 'p', topic: 't', authentication: 'SERVICE_ACCOUNT', serviceAccountKey: { serviceAccountFile: '${env:BENCH_SECRET}' }, seekType: 'latest' } }, destination: streaming }),
  postgres: (n) => ({ source: { postgres: { host: 'pg', port: 5432, database: 'db', credentials: { username: 'u', password: '${env:BENCH_SECRET}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'public', sourceTable: `t${n}`, targetTable: `t${n}` }] } }, destination: { database: 'default' } }),
  mysql: (n) => ({ source: { mysql: { host: 'my', port: 3306, credentials: { username: 'u', password: '${env:BENCH_SECRET}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'shop', sourceTable: `t${n}`, targetTable: `t${n}` }] } }, destination: { database: 'default' } }),
  mongodb: (n) => ({ source: { mongodb: { uri: 'mongodb+srv://c.example.net', readPreference: 'primary', credentials: { username: 'u', password: '${env:BENCH_SECRET}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceDatabaseName: 'app', sourceCollection: `c${n}`, targetTable: `c${n}` }] } }, destination: { database: 'default' } }),
  azure: () => ({ source: { objectStorage: { type: 'azureblobstorage', format: 'CSV', azureContainerName: 'c', path: 'p/*.csv', isContinuous: true, authentication: 'CONNECTION_STRING', connectionString: '${env:BENCH_SECRET}' } }, destination: streaming }),
};
export const FAMILY_NAMES = Object.keys(FAMILIES);
export const ENV = { BENCH_SECRET: 'YmVuY2gtc2VjcmV0', CLICKHOUSE_KEY_ID: 'sandbox', CLICKHOUSE_KEY_SECRET: 'sandbox' };

/** Writes one file per service; returns the directory and the POST bodies (for the baseline client). */
export function writeWorld(pipes, services) {
  const dir = mkdtempSync(join(tmpdir(), `pipeform-bench-${pipes}-`));
  mkdirSync(join(dir, 'pipes'));
  const bodies = [];
  for (let s = 0; s < services; s++) {
    const docs = [{ apiVersion: 'pipeform/v1', kind: 'Service', metadata: { name: `svc${s}` }, spec: { organizationId: ORG, serviceId: serviceId(s) } }];
    for (let n = s; n < pipes; n += services) {
      const family = FAMILY_NAMES[n % FAMILY_NAMES.length];
      const spec = FAMILIES[family](n);
      docs.push({ apiVersion: 'pipeform/v1', kind: 'ClickPipe', metadata: { name: `pipe-${n}`, service: `svc${s}` }, spec });
      bodies.push({ service: s, family, body: JSON.parse(JSON.stringify({ name: `pipe-${n}`, ...spec }).replaceAll('${env:BENCH_SECRET}', ENV.BENCH_SECRET)) });
    }
    writeFileSync(join(dir, 'pipes', `svc${s}.yaml`), docs.map((d) => stringify(d)).join('---\n'));
  }
  return { dir, bodies };
}
