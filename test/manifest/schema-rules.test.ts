/**
 * Each cross-field rule of the schema, shown by one valid base document and one change that breaks it,
 * with the exact diagnostics it must produce (field and message).
 */
import { describe, expect, it } from 'vitest';
import { edit, endpoint, load, pipe, problems, service, sources, type SourceName } from '../support/world.js';

describe('valid base documents', () => {
  it.each(Object.keys(sources) as SourceName[])('a %s pipe is valid', (source) => {
    expect(problems(service(), pipe(source))).toEqual([]);
  });
  it('a service with cdcScaling and an endpoint are valid', () => {
    expect(problems(service('prod', { cdcScaling: { replicaCpuMillicores: 3000, replicaMemoryGb: 12 } }), endpoint())).toEqual([]);
  });
});

type Case = [title: string, doc: unknown, expected: string[]];

const cases: Case[] = [
  // database pipes
  ['database pipe with a destination table', edit(pipe('postgres'), (p) => (p.spec.destination.table = 't')),
    ['spec.destination.table: is not allowed for database pipes: each table mapping names its targetTable']],
  ['database pipe with columns and managedTable', edit(pipe('mysql'), (p) => Object.assign(p.spec.destination, { managedTable: false, columns: [{ name: 'a', type: 'String' }] })),
    ['spec.destination.columns: is not allowed for database pipes: columns come from the source tables',
     'spec.destination.managedTable: is not allowed for database pipes: ClickPipes creates the tables of the table mappings']],
  ['database pipe with scaling', edit(pipe('mongodb'), (p) => (p.spec.scaling = { replicas: 2 })),
    ["spec.scaling: is not allowed for database pipes: they share the service's compute, set Service.spec.cdcScaling instead"]],
  ['database pipe with settings and field mappings', edit(pipe('bigquery'), (p) => Object.assign(p.spec, { settings: { clickhouse_max_threads: 2 }, fieldMappings: [{ sourceField: 'a', destinationField: 'a' }] })),
    ['spec.fieldMappings: is not allowed for database pipes: use excludedColumns in the table mappings',
     'spec.settings: is not allowed for database pipes: tune them in source settings instead']],
  ['streaming pipe without table and columns', edit(pipe('kafka'), (p) => (p.spec.destination = { database: 'default' })),
    ['spec.destination.columns: is required', 'spec.destination.managedTable: is required', 'spec.destination.table: is required']],
  // destination table definition
  ['managedTable without tableDefinition', edit(pipe(), (p) => delete p.spec.destination.tableDefinition),
    ['spec.destination.tableDefinition: managedTable: true needs a tableDefinition']],
  ['tableDefinition on an existing table', edit(pipe(), (p) => (p.spec.destination.managedTable = false)),
    ['spec.destination.tableDefinition: is only used with managedTable: true']],
  ['ReplacingMergeTree without version column or sorting key', edit(pipe(), (p) => (p.spec.destination.tableDefinition = { engine: { type: 'ReplacingMergeTree' } })),
    ['spec.destination.tableDefinition.engine.versionColumnId: ReplacingMergeTree needs versionColumnId',
     'spec.destination.tableDefinition.sortingKey: ReplacingMergeTree needs a sortingKey']],
  ['ReplacingMergeTree with an empty sorting key', edit(pipe(), (p) => (p.spec.destination.tableDefinition = { engine: { type: 'ReplacingMergeTree', versionColumnId: 'id' }, sortingKey: [] })),
    ['spec.destination.tableDefinition.sortingKey: must name at least one column for ReplacingMergeTree']],
  ['columnIds on MergeTree and versionColumnId on SummingMergeTree', edit(pipe(), (p) => (p.spec.destination.tableDefinition.engine = { type: 'MergeTree', columnIds: ['id'] })),
    ['spec.destination.tableDefinition.engine.columnIds: is only used with SummingMergeTree']],
  ['versionColumnId on SummingMergeTree', edit(pipe(), (p) => (p.spec.destination.tableDefinition.engine = { type: 'SummingMergeTree', versionColumnId: 'id', columnIds: ['id'] })),
    ['spec.destination.tableDefinition.engine.versionColumnId: is only used with ReplacingMergeTree']],
  // kafka
  ['kafka type with an authentication it does not allow', edit(pipe(), (p) => Object.assign(p.spec.source.kafka, { type: 'warpstream', authentication: 'SCRAM-SHA-512' })),
    ['spec.source.kafka.authentication: must be PLAIN for type warpstream']],
  ['PLAIN without a password', edit(pipe(), (p) => delete p.spec.source.kafka.credentials.password),
    ['spec.source.kafka.credentials.password: is required']],
  ['IAM_USER with username and password', edit(pipe(), (p) => Object.assign(p.spec.source.kafka, { type: 'msk', authentication: 'IAM_USER' })),
    ['spec.source.kafka.credentials.accessKeyId: is required',
     'spec.source.kafka.credentials.password: is not used with IAM_USER authentication: give accessKeyId and secretKey',
     'spec.source.kafka.credentials.secretKey: is required',
     'spec.source.kafka.credentials.username: is not used with IAM_USER authentication: give accessKeyId and secretKey']],
  ['IAM_ROLE with credentials and no role', edit(pipe(), (p) => Object.assign(p.spec.source.kafka, { type: 'msk', authentication: 'IAM_ROLE' })),
    ['spec.source.kafka.credentials: is not used with IAM_ROLE authentication: the role in iamRole is assumed',
     'spec.source.kafka.iamRole: is required']],
  ['iamRole without IAM_ROLE', edit(pipe(), (p) => (p.spec.source.kafka.iamRole = 'arn:aws:iam::123456789012:role/r')),
    ['spec.source.kafka.iamRole: is only used with IAM_ROLE authentication']],
  ['MUTUAL_TLS needs certificate and private key', edit(pipe(), (p) => Object.assign(p.spec.source.kafka, { authentication: 'MUTUAL_TLS', credentials: { certificate: '${file:client.pem}' } })),
    ['spec.source.kafka.credentials.privateKey: is required']],
  ['Event Hubs take a connection string', edit(pipe(), (p) => (p.spec.source.kafka.type = 'azureeventhub')),
    ['spec.source.kafka.credentials.connectionString: is required',
     'spec.source.kafka.credentials.password: is not used by Azure Event Hubs: give credentials.connectionString',
     'spec.source.kafka.credentials.username: is not used by Azure Event Hubs: give credentials.connectionString']],
  ['connectionString outside Event Hubs', edit(pipe(), (p) => (p.spec.source.kafka.credentials.connectionString = '${env:X}')),
    ['spec.source.kafka.credentials.connectionString: is only for type azureeventhub']],
  ['from_timestamp offset needs a timestamp', edit(pipe(), (p) => (p.spec.source.kafka.offset = { strategy: 'from_timestamp' })),
    ['spec.source.kafka.offset.timestamp: is required']],
  ['a timestamp only with from_timestamp', edit(pipe(), (p) => (p.spec.source.kafka.offset = { strategy: 'from_latest', timestamp: '2026-01-01T00:00Z' })),
    ['spec.source.kafka.offset.timestamp: is only used with strategy from_timestamp']],
  ['AvroConfluent needs a schema registry', edit(pipe(), (p) => (p.spec.source.kafka.format = 'AvroConfluent')),
    ['spec.source.kafka.schemaRegistry: format AvroConfluent needs a schemaRegistry']],
  ['schema registry over plain http', edit(pipe(), (p) => (p.spec.source.kafka.schemaRegistry = { url: 'http://sr' })),
    ['spec.source.kafka.schemaRegistry.url: must be an https:// URL']],
  // kinesis
  ['AT_TIMESTAMP needs a timestamp', edit(pipe('kinesis'), (p) => (p.spec.source.kinesis.iteratorType = 'AT_TIMESTAMP')),
    ['spec.source.kinesis.timestamp: is required']],
  ['kinesis timestamp without AT_TIMESTAMP', edit(pipe('kinesis'), (p) => (p.spec.source.kinesis.timestamp = 1700000000)),
    ['spec.source.kinesis.timestamp: is only used with iteratorType AT_TIMESTAMP']],
  ['kinesis IAM_USER needs an access key', edit(pipe('kinesis'), (p) => (p.spec.source.kinesis.authentication = 'IAM_USER')),
    ['spec.source.kinesis.accessKey: is required', 'spec.source.kinesis.iamRole: is only used with IAM_ROLE authentication']],
  // object storage
  ['queueUrl without isContinuous', edit(pipe('s3'), (p) => (p.spec.source.objectStorage.queueUrl = 'https://sqs.eu-west-1.amazonaws.com/1/q')),
    ['spec.source.objectStorage.isContinuous: queueUrl needs isContinuous: true']],
  ['queueUrl on a public bucket', edit(pipe('s3'), (p) => { const o = p.spec.source.objectStorage; delete o.authentication; delete o.accessKey; Object.assign(o, { isContinuous: true, queueUrl: 'https://sqs/q' }); }),
    ['spec.source.objectStorage.authentication: queueUrl needs authentication: a public bucket cannot use a queue']],
  ['queueUrl on Azure', edit(pipe('azure'), (p) => Object.assign(p.spec.source.objectStorage, { isContinuous: true, queueUrl: 'q' })),
    ['spec.source.objectStorage.type: must be s3 or gcs: queue-based ingestion exists only for S3 (SQS) and GCS (Pub/Sub)']],
  ['skipInitialLoad without a queue', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { isContinuous: true, skipInitialLoad: true })),
    ['spec.source.objectStorage.queueUrl: skipInitialLoad needs a queueUrl']],
  ['startAfter with skipInitialLoad', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { isContinuous: true, queueUrl: 'q', skipInitialLoad: true, startAfter: 'k' })),
    ['spec.source.objectStorage.startAfter: cannot be combined with skipInitialLoad: true']],
  ['startAfter on a one-off load', edit(pipe('s3'), (p) => (p.spec.source.objectStorage.startAfter = 'k')),
    ['spec.source.objectStorage.isContinuous: startAfter needs isContinuous: true']],
  ['IAM_ROLE on GCS', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { type: 'gcs', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r', accessKey: undefined })),
    ['spec.source.objectStorage.type: must be s3: IAM_ROLE authentication is for S3 only']],
  ['SERVICE_ACCOUNT on S3', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { authentication: 'SERVICE_ACCOUNT', serviceAccountKey: '${file:k.json}', accessKey: undefined })),
    ['spec.source.objectStorage.type: must be gcs: SERVICE_ACCOUNT authentication is for GCS only']],
  ['Azure with a url and no container', edit(pipe('azure'), (p) => { delete p.spec.source.objectStorage.azureContainerName; p.spec.source.objectStorage.url = 'https://x'; }),
    ['spec.source.objectStorage.azureContainerName: is required',
     'spec.source.objectStorage.url: is not used by Azure Blob Storage: give azureContainerName and path']],
  ['connection string on S3', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { authentication: 'CONNECTION_STRING', connectionString: '${env:C}', accessKey: undefined })),
    ['spec.source.objectStorage.authentication: CONNECTION_STRING is only for Azure Blob Storage']],
  ['S3 queue with an unsuitable authentication is caught per type', edit(pipe('s3'), (p) => Object.assign(p.spec.source.objectStorage, { type: 'gcs', url: 'gs://b/*', isContinuous: true, queueUrl: 'projects/p/subscriptions/s', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r', accessKey: undefined })),
    ['spec.source.objectStorage.authentication: must be IAM_USER or SERVICE_ACCOUNT for a GCS queue',
     'spec.source.objectStorage.type: must be s3: IAM_ROLE authentication is for S3 only']],
  // pubsub
  ['seekType timestamp needs seekTimestamp', edit(pipe('pubsub'), (p) => (p.spec.source.pubsub.seekType = 'timestamp')),
    ['spec.source.pubsub.seekTimestamp: is required']],
  ['seekTimestamp must be RFC 3339', edit(pipe('pubsub'), (p) => Object.assign(p.spec.source.pubsub, { seekType: 'timestamp', seekTimestamp: 'yesterday' })),
    ['spec.source.pubsub.seekTimestamp: must be an RFC 3339 date-time such as 2026-01-31T09:30:00Z']],
  ['ackDeadline range', edit(pipe('pubsub'), (p) => (p.spec.source.pubsub.ackDeadline = 5)),
    ['spec.source.pubsub.ackDeadline: must be at least 10']],
  // postgres / mysql / mongodb / bigquery
  ['replicationSlotName outside cdc_only', edit(pipe('postgres'), (p) => (p.spec.source.postgres.settings.replicationSlotName = 'slot')),
    ['spec.source.postgres.settings.replicationSlotName: is only valid with replicationMode cdc_only']],
  ['failover slots with a user slot', edit(pipe('postgres'), (p) => Object.assign(p.spec.source.postgres.settings, { replicationMode: 'cdc_only', replicationSlotName: 's', enableFailoverSlots: true })),
    ['spec.source.postgres.settings.enableFailoverSlots: only applies when ClickPipes creates the replication slot (no replicationSlotName)']],
  ['postgres IAM_ROLE takes no password', edit(pipe('postgres'), (p) => Object.assign(p.spec.source.postgres, { authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' })),
    ['spec.source.postgres.credentials.password: is not used with IAM_ROLE authentication']],
  ['authentication is case-sensitive', edit(pipe('postgres'), (p) => (p.spec.source.postgres.authentication = 'iam_role')),
    ['spec.source.postgres.authentication: must be one of basic, IAM_ROLE (did you mean "IAM_ROLE"?)']],
  ['numeric CDC settings are at least 1', edit(pipe('postgres'), (p) => Object.assign(p.spec.source.postgres.settings, { pullBatchSize: 0, snapshotNumRowsPerPartition: 10 })),
    ['spec.source.postgres.settings.pullBatchSize: must be at least 1', 'spec.source.postgres.settings.snapshotNumRowsPerPartition: must be at least 1000']],
  ['custom sorting key needs keys', edit(pipe('postgres'), (p) => (p.spec.source.postgres.tableMappings[0].useCustomSortingKey = true)),
    ['spec.source.postgres.tableMappings[0].sortingKeys: useCustomSortingKey: true needs sortingKeys']],
  ['sorting keys need useCustomSortingKey', edit(pipe('postgres'), (p) => (p.spec.source.postgres.tableMappings[0].sortingKeys = ['id'])),
    ['spec.source.postgres.tableMappings[0].sortingKeys: is only used with useCustomSortingKey: true']],
  ['MariaDB replicates by GTID only', edit(pipe('mysql'), (p) => { p.spec.source.mysql.type = 'mariadb'; p.spec.source.mysql.settings.replicationMechanism = 'FILE_POS'; }),
    ['spec.source.mysql.settings.replicationMechanism: must be GTID: MariaDB supports GTID replication only']],
  ['MySQL has no database field', edit(pipe('mysql'), (p) => (p.spec.source.mysql.database = 'shop')),
    ['spec.source.mysql.database: unknown field']],
  ['MySQL settings need a replication mode', edit(pipe('mysql'), (p) => (p.spec.source.mysql.settings = { pullBatchSize: 10 })),
    ['spec.source.mysql.settings.replicationMode: is required']],
  ['MongoDB URI with credentials in it', edit(pipe('mongodb'), (p) => (p.spec.source.mongodb.uri = 'mongodb+srv://admin:hunter2@c.example.net')),
    ['spec.source.mongodb.uri: must be mongodb://host… or mongodb+srv://host… without user or password in it (give them in credentials)']],
  ['BigQuery replicates by snapshot only', edit(pipe('bigquery'), (p) => (p.spec.source.bigquery.settings = { replicationMode: 'cdc' })),
    ['spec.source.bigquery.settings.replicationMode: must be snapshot: BigQuery pipes only copy once']],
  // source, scaling, settings
  ['two source families at once', edit(pipe(), (p) => Object.assign(p.spec.source, sources.kinesis)),
    ['spec.source: must name exactly one source family: kafka, kinesis, objectStorage, pubsub, postgres, mysql, mongodb or bigquery']],
  ['no source family', edit(pipe(), (p) => (p.spec.source = { validateSamples: true })),
    ['spec.source: must name exactly one source family: kafka, kinesis, objectStorage, pubsub, postgres, mysql, mongodb or bigquery']],
  ['empty scaling and settings', edit(pipe(), (p) => Object.assign(p.spec, { scaling: {}, settings: {} })),
    ['spec.scaling: must set at least one field, or be left out (the API rejects an empty scaling)',
     'spec.settings: must set at least one setting, or be left out (the API rejects empty settings)']],
  ['scaling ranges', edit(pipe(), (p) => (p.spec.scaling = { replicas: 41, replicaCpuMillicores: 100, replicaMemoryGb: 9 })),
    ['spec.scaling.replicaCpuMillicores: must be at least 125', 'spec.scaling.replicaMemoryGb: must be at most 8', 'spec.scaling.replicas: must be at most 40']],
  ['CPU and memory scaling on object storage', edit(pipe('s3'), (p) => (p.spec.scaling = { replicas: 2, replicaCpuMillicores: 500 })),
    ['spec.scaling.replicaCpuMillicores: is only for streaming pipes (Kafka, Kinesis)']],
  ['scaling on Pub/Sub', edit(pipe('pubsub'), (p) => (p.spec.scaling = { replicas: 2 })),
    ['spec.scaling: is not supported for Pub/Sub pipes (the API scales Kafka, Kinesis and object storage pipes)']],
  ['concurrency outside object storage', edit(pipe(), (p) => (p.spec.scaling = { concurrency: 2 })),
    ['spec.scaling.concurrency: is only for object storage pipes (and deprecated: use settings.object_storage_concurrency)']],
  ['kafka_read_committed outside Kafka', edit(pipe('kinesis'), (p) => (p.spec.settings = { kafka_read_committed: true })),
    ['spec.settings.kafka_read_committed: is only supported for Kafka pipes']],
  ['object storage settings on Kafka', edit(pipe(), (p) => (p.spec.settings = { object_storage_max_file_count: 10 })),
    ['spec.settings.object_storage_max_file_count: is only for object storage pipes']],
  ['settings ranges', edit(pipe(), (p) => (p.spec.settings = { streaming_max_insert_wait_ms: 100, clickhouse_max_insert_threads: 17 })),
    ['spec.settings.clickhouse_max_insert_threads: must be at most 16', 'spec.settings.streaming_max_insert_wait_ms: must be at least 500']],
  ['a misspelt setting', edit(pipe(), (p) => (p.spec.settings = { streaming_max_insert_wait: 1000 })),
    ['spec.settings.streaming_max_insert_wait: unknown field (did you mean "streaming_max_insert_wait_ms"?)']],
  ['desired state', edit(pipe(), (p) => (p.spec.state = 'paused')),
    ['spec.state: must be one of running, stopped']],
  ['YAML 1.1 booleans', edit(pipe(), (p) => (p.spec.destination.managedTable = 'yes')),
    ['spec.destination.managedTable: must be true or false (YAML 1.2 reads yes/no/on/off as text: write true or false)']],
  ['a quoted number', edit(pipe('postgres'), (p) => (p.spec.source.postgres.port = '5432')),
    ['spec.source.postgres.port: must be an integer (remove the quotes)']],
  // metadata
  ['a pipe name with a slash', edit(pipe(), (p) => (p.metadata.name = 'a/b')),
    ["metadata.name: must not contain '/' nor start or end with a space"]],
  ['a pipe without a service', edit(pipe(), (p) => delete p.metadata.service),
    ['metadata.service: is required']],
  // secrets
  ['a literal password', edit(pipe(), (p) => (p.spec.source.kafka.credentials.password = 'hunter2')),
    ['spec.source.kafka.credentials.password: is a secret: write ${env:NAME} or ${file:path}, never the value itself']],
  ['a literal secret key, connection string and service account', edit(pipe('s3'), (p) => (p.spec.source.objectStorage.accessKey.secretKey = 'wJalrXUtnFEMI')),
    ['spec.source.objectStorage.accessKey.secretKey: is a secret: write ${env:NAME} or ${file:path}, never the value itself']],
  ['a secret given as a number', edit(pipe('postgres'), (p) => (p.spec.source.postgres.credentials.password = 12345)),
    ['spec.source.postgres.credentials.password: is a secret: write ${env:NAME} or ${file:path}, never the value itself']],
  ['a malformed reference', edit(pipe(), (p) => (p.spec.source.kafka.brokers = '${env:BROKERS')),
    ['spec.source.kafka.brokers: is not a valid reference: write ${env:NAME} or ${file:path} as the whole value']],
  // reverse private endpoints
  ['an MSK endpoint needs its cluster', edit(endpoint(), (e) => (e.spec = { type: 'MSK_MULTI_VPC', vpcEndpointServiceName: 'x' })),
    ['spec.mskAuthentication: is required', 'spec.mskClusterArn: is required', 'spec.vpcEndpointServiceName: is not used with type MSK_MULTI_VPC']],
  ['a PSC endpoint needs a service attachment', edit(endpoint(), (e) => (e.spec = { type: 'GCP_PSC_SERVICE_ATTACHMENT', gcpServiceAttachment: 'x' })),
    ['spec.gcpServiceAttachment: must be projects/{project}/regions/{region}/serviceAttachments/{name}']],
  // service
  ['CDC scaling out of range', service('prod', { cdcScaling: { replicaCpuMillicores: 1500, replicaMemoryGb: 6 } }),
    ['spec.cdcScaling.replicaCpuMillicores: must be a multiple of 1000', 'spec.cdcScaling.replicaMemoryGb: must be a multiple of 4']],
  ['a service id that is no UUID', edit(service(), (s) => (s.spec.serviceId = 'prod-service')),
    ['spec.serviceId: must be a UUID or ${env:NAME}']],
];

describe('cross-field rules', () => {
  it.each(cases)('%s', (_title, doc, expected) => {
    const docs = (doc as { kind: string }).kind === 'Service' ? [doc] : [service(), doc];
    // Diagnostics come in document order (golden files pin it); here the set is what matters.
    expect(problems(...docs).sort()).toEqual([...expected].sort());
  });

  it('never repeats the value of a secret field in a message', () => {
    const out = load(service(), edit(pipe(), (p) => (p.spec.source.kafka.credentials.password = 'hunter2-very-secret')));
    expect(JSON.stringify(out.diagnostics)).not.toContain('hunter2');
  });
});
