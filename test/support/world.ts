/**
 * Test-world builder: valid documents for every kind and source family, and a one-call validator
 * over an in-memory file. Tests change one thing with `edit` and assert the exact diagnostics.
 */
import { stringify } from 'yaml';
import type { Diagnostic } from '../../src/manifest/diagnostic.js';
import { loadManifests, type LoadResult } from '../../src/manifest/load.js';
import type { ClickPipe, ReversePrivateEndpoint, Service } from '../../src/manifest/types.gen.js';
import { memoryFs } from './memory-fs.js';

export const ORG_ID = '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13';
export const SERVICE_ID = '0b6f4c1e-3a59-4d2a-8e71-5c0d9a3f2b11';

export function service(name = 'prod', spec: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'pipeform/v1', kind: 'Service', metadata: { name }, spec: { organizationId: ORG_ID, serviceId: SERVICE_ID, ...spec } };
}

export function endpoint(name = 'vpce', service = 'prod'): ReversePrivateEndpoint {
  return {
    apiVersion: 'pipeform/v1',
    kind: 'ReversePrivateEndpoint',
    metadata: { name, service },
    spec: { type: 'VPC_ENDPOINT_SERVICE', vpcEndpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' },
  };
}

const streamingDestination = {
  table: 'events',
  managedTable: true,
  tableDefinition: { engine: { type: 'MergeTree' as const }, sortingKey: ['id'] },
  columns: [
    { name: 'id', type: 'UInt64' },
    { name: 'body', type: 'String' },
  ],
};

/** One valid source per family (and per object-storage type where they differ). */
export const sources = {
  kafka: { kafka: { type: 'kafka', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN', credentials: { username: 'u', password: '${env:KAFKA_PASSWORD}' } } },
  kinesis: { kinesis: { format: 'JSONEachRow', streamName: 's', region: 'us-east-1', iteratorType: 'LATEST', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' } },
  s3: { objectStorage: { type: 's3', format: 'CSV', url: 'https://b.s3.amazonaws.com/*.csv', authentication: 'IAM_USER', accessKey: { accessKeyId: 'AKIA', secretKey: '${env:S3_SECRET}' } } },
  azure: { objectStorage: { type: 'azureblobstorage', format: 'CSV', azureContainerName: 'c', path: 'p/*.csv', authentication: 'CONNECTION_STRING', connectionString: '${env:AZ}' } },
  pubsub: { pubsub: { format: 'JSONEachRow', projectId: 'p', topic: 't', authentication: 'SERVICE_ACCOUNT', serviceAccountKey: { serviceAccountFile: '${file:sa.json}' }, seekType: 'latest' } },
  postgres: { postgres: { host: 'pg', port: 5432, database: 'db', credentials: { username: 'u', password: '${env:PG}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users' }] } },
  mysql: { mysql: { host: 'my', port: 3306, credentials: { username: 'u', password: '${env:MY}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceSchemaName: 'shop', sourceTable: 'orders', targetTable: 'orders' }] } },
  mongodb: { mongodb: { uri: 'mongodb+srv://c.example.net', readPreference: 'primary', credentials: { username: 'u', password: '${env:MG}' }, settings: { replicationMode: 'cdc' }, tableMappings: [{ sourceDatabaseName: 'app', sourceCollection: 'users', targetTable: 'users' }] } },
  bigquery: { bigquery: { snapshotStagingPath: 'gs://b/staging/', credentials: { serviceAccountFile: '${file:bq.json}' }, tableMappings: [{ sourceDatasetName: 'ds', sourceTable: 't', targetTable: 't' }] } },
} as const;
export type SourceName = keyof typeof sources;
export const DATABASE_SOURCE_NAMES: SourceName[] = ['postgres', 'mysql', 'mongodb', 'bigquery'];

export function pipe(source: SourceName = 'kafka', name = 'events', serviceName = 'prod'): ClickPipe {
  const database = DATABASE_SOURCE_NAMES.includes(source);
  return structuredClone({
    apiVersion: 'pipeform/v1',
    kind: 'ClickPipe',
    metadata: { name, service: serviceName },
    spec: {
      source: sources[source],
      destination: database ? { database: 'default' } : streamingDestination,
    },
  }) as ClickPipe;
}

/** A changed deep copy: `edit(pipe(), (p) => { p.spec.state = 'stopped'; })`. Loosely typed on purpose: tests write invalid documents. */
export function edit<T>(doc: T, change: (d: any) => void): T {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}

export function yamlOf(...docs: unknown[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

export function load(...docs: unknown[]): LoadResult {
  return loadManifests(['m.yaml'], memoryFs({ 'm.yaml': yamlOf(...docs) }));
}

/** `field: message` of every diagnostic, the form most rule tests assert on. */
export function problems(...docs: unknown[]): string[] {
  return load(...docs).diagnostics.map((d: Diagnostic) => `${d.field ?? ''}: ${d.message}`);
}
