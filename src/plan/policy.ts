/**
 * The field-policy table: for every field of every source family, what a change to it takes.
 * Built from the spec's Patch* schemas (what PATCH accepts) and API notes §6 (what forces replacement).
 * A test walks the manifest schema and fails when a field has no entry here, so no change is dropped.
 *
 * - update          PATCH /clickpipes/{id}
 * - settings        PUT /clickpipes/{id}/settings (PUT merges; never sent in the PATCH, clickhousectl #824)
 * - scaling         PATCH /clickpipes/{id}/scaling (streaming and object storage only)
 * - pause-required  CDC table mappings: add/remove lists in a PATCH while the pipe is paused
 * - replace         delete and create again
 * - create-only     sent on create, not returned by GET: compared with the ledger; a change is a replace
 * - secret          never returned: compared by HMAC fingerprint in the ledger, sent when it rotates
 * - state           the desired lifecycle (running/stopped), compared with the observed state
 * - ignored         pipeform's own metadata, never sent
 * - container       an object whose fields carry their own policies
 */
export type FieldPolicy =
  | 'update' | 'settings' | 'scaling' | 'pause-required' | 'replace' | 'create-only' | 'secret' | 'state' | 'ignored' | 'container';

/** How a rotated secret reaches the API: most by PATCH; schema-registry credentials only by recreating. */
export type SecretVia = 'update' | 'replace';

export interface PolicyEntry {
  readonly policy: FieldPolicy;
  readonly via?: SecretVia;
  /** Why, shown in the plan next to the change. */
  readonly why?: string;
}

const u: PolicyEntry = { policy: 'update' };
const r: PolicyEntry = { policy: 'replace' };
const c: PolicyEntry = { policy: 'container' };
const secret: PolicyEntry = { policy: 'secret', via: 'update' };
const createOnly = (why: string): PolicyEntry => ({ policy: 'create-only', why });
const immutable = (why: string): PolicyEntry => ({ policy: 'replace', why });

const KAFKA: Record<string, PolicyEntry> = {
  'source.kafka': c,
  'source.kafka.type': r, 'source.kafka.format': r, 'source.kafka.brokers': r, 'source.kafka.topics': r,
  'source.kafka.consumerGroup': r, 'source.kafka.offset': r, 'source.kafka.exactlyOnce': immutable('exactly-once can only be set at creation'),
  'source.kafka.authentication': u, 'source.kafka.iamRole': u, 'source.kafka.caCertificate': u,
  'source.kafka.credentials': secret,
  'source.kafka.schemaRegistry': c,
  'source.kafka.schemaRegistry.url': r, 'source.kafka.schemaRegistry.authentication': r, 'source.kafka.schemaRegistry.caCertificate': r,
  'source.kafka.schemaRegistry.credentials': { policy: 'secret', via: 'replace', why: 'the API cannot rotate schema-registry credentials in place' },
  'source.kafka.reversePrivateEndpoints': u, 'source.kafka.reversePrivateEndpointIds': u,
};

const KINESIS: Record<string, PolicyEntry> = {
  'source.kinesis': c,
  'source.kinesis.format': r, 'source.kinesis.streamName': r, 'source.kinesis.region': r, 'source.kinesis.iteratorType': r,
  'source.kinesis.timestamp': r, 'source.kinesis.useEnhancedFanOut': r,
  'source.kinesis.authentication': u, 'source.kinesis.iamRole': u, 'source.kinesis.accessKey': secret,
};

const OBJECT_STORAGE: Record<string, PolicyEntry> = {
  'source.objectStorage': c,
  'source.objectStorage.type': r, 'source.objectStorage.format': r, 'source.objectStorage.url': r,
  'source.objectStorage.delimiter': r, 'source.objectStorage.compression': r, 'source.objectStorage.isContinuous': r,
  'source.objectStorage.queueUrl': r,
  'source.objectStorage.skipInitialLoad': u, 'source.objectStorage.startAfter': u, 'source.objectStorage.authentication': u,
  'source.objectStorage.iamRole': u, 'source.objectStorage.path': u, 'source.objectStorage.azureContainerName': u,
  'source.objectStorage.accessKey': secret, 'source.objectStorage.serviceAccountKey': secret, 'source.objectStorage.connectionString': secret,
};

const PUBSUB: Record<string, PolicyEntry> = {
  'source.pubsub': c,
  'source.pubsub.format': r, 'source.pubsub.projectId': r, 'source.pubsub.topic': r, 'source.pubsub.seekType': r,
  'source.pubsub.seekTimestamp': r, 'source.pubsub.filter': r, 'source.pubsub.enableOrdering': r,
  'source.pubsub.authentication': u, 'source.pubsub.ackDeadline': u, 'source.pubsub.serviceAccountKey': secret,
};

const CONNECTION = ['tlsHost', 'caCertificate', 'disableTls', 'skipCertVerification'];
const TUNING = ['syncIntervalSeconds', 'pullBatchSize'];
const mappings: PolicyEntry = { policy: 'pause-required', why: 'table mappings change only while the pipe is paused' };

function database(family: string, fields: Record<string, PolicyEntry>): Record<string, PolicyEntry> {
  const out: Record<string, PolicyEntry> = { [`source.${family}`]: c, [`source.${family}.settings`]: c };
  for (const [k, v] of Object.entries(fields)) out[`source.${family}.${k}`] = v;
  return out;
}
const notEchoed = createOnly('set at creation and not returned by the API');

const POSTGRES = database('postgres', {
  type: r, authentication: immutable('the API cannot switch authentication (terraform-provider #643)'), iamRole: immutable('the API cannot switch authentication (terraform-provider #643)'),
  host: u, port: u, database: u, ...Object.fromEntries(CONNECTION.map((k) => [k, u])), credentials: secret,
  ...Object.fromEntries(TUNING.map((k) => [`settings.${k}`, u])),
  'settings.replicationMode': r, 'settings.publicationName': r, 'settings.replicationSlotName': r, 'settings.allowNullableColumns': r,
  'settings.initialLoadParallelism': r, 'settings.snapshotNumRowsPerPartition': r, 'settings.snapshotNumberOfParallelTables': r,
  'settings.enableFailoverSlots': notEchoed, 'settings.deleteOnMerge': notEchoed,
  tableMappings: mappings,
});

const MYSQL = database('mysql', {
  type: r, host: u, port: u, authentication: u, iamRole: u, serverId: u, ...Object.fromEntries(CONNECTION.map((k) => [k, u])), credentials: secret,
  ...Object.fromEntries(TUNING.map((k) => [`settings.${k}`, u])), 'settings.useCompression': u,
  'settings.replicationMode': r, 'settings.replicationMechanism': r, 'settings.allowNullableColumns': r, 'settings.initialLoadParallelism': r,
  'settings.snapshotNumRowsPerPartition': r, 'settings.snapshotNumberOfParallelTables': r, 'settings.deleteOnMerge': notEchoed,
  tableMappings: mappings,
});

const MONGODB = database('mongodb', {
  uri: u, readPreference: u, ...Object.fromEntries(CONNECTION.map((k) => [k, u])), credentials: secret,
  ...Object.fromEntries(TUNING.map((k) => [`settings.${k}`, u])),
  'settings.replicationMode': r, 'settings.snapshotNumRowsPerPartition': r, 'settings.snapshotNumberOfParallelTables': r,
  'settings.useJsonNativeFormat': r, 'settings.deleteOnMerge': notEchoed,
  tableMappings: mappings,
});

const noPatch = immutable('BigQuery pipes cannot be updated (the API has no PATCH for them)');
const BIGQUERY = database('bigquery', {
  snapshotStagingPath: noPatch, credentials: { policy: 'secret', via: 'replace', why: noPatch.why },
  'settings.replicationMode': noPatch, 'settings.allowNullableColumns': noPatch, 'settings.initialLoadParallelism': noPatch,
  'settings.snapshotNumRowsPerPartition': noPatch, 'settings.snapshotNumberOfParallelTables': noPatch, tableMappings: noPatch,
});

const COMMON: Record<string, PolicyEntry> = {
  state: { policy: 'state' },
  source: c,
  'source.validateSamples': { policy: 'update', why: 'experimental; sent on create and by PATCH, never returned' },
  destination: c,
  'destination.database': r, 'destination.table': r, 'destination.managedTable': r,
  'destination.tableDefinition': c, 'destination.tableDefinition.engine': c,
  'destination.tableDefinition.engine.type': r,
  'destination.tableDefinition.engine.versionColumnId': notEchoed,
  'destination.tableDefinition.engine.columnIds': notEchoed,
  'destination.tableDefinition.sortingKey': r, 'destination.tableDefinition.partitionBy': r, 'destination.tableDefinition.primaryKey': r,
  'destination.columns': { policy: 'update', why: 'the pipe configuration changes, not the table schema' },
  'destination.roles': createOnly('granted at creation and not returned by the API'),
  fieldMappings: u,
  scaling: c, 'scaling.replicas': { policy: 'scaling' }, 'scaling.concurrency': { policy: 'scaling' },
  'scaling.replicaCpuMillicores': { policy: 'scaling' }, 'scaling.replicaMemoryGb': { policy: 'scaling' },
  settings: c,
  lifecycle: { policy: 'ignored', why: "pipeform's own options" },
};

const TABLE: Record<string, PolicyEntry> = { ...COMMON, ...KAFKA, ...KINESIS, ...OBJECT_STORAGE, ...PUBSUB, ...POSTGRES, ...MYSQL, ...MONGODB, ...BIGQUERY };

/**
 * The policy of a field path (keyed entries like `destination.columns[id]` use their collection's).
 * Every `settings.*` key is a settings change; a secret's subfields share the secret's policy.
 */
export function policyOf(path: string): PolicyEntry | undefined {
  const base = path.includes('[') ? path.replace(/\[[^\]]*\]/g, '') : path;
  if (base.startsWith('settings.')) return SETTINGS;
  // Memoized: a plan of a thousand pipes asks for the same few hundred paths again and again.
  if (memo.has(base)) return memo.get(base);
  let found: PolicyEntry | undefined;
  for (let p = base; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const entry = TABLE[p];
    if (entry && (p === base || entry.policy !== 'container')) {
      found = entry;
      break;
    }
    if (entry?.policy === 'container') break;
  }
  memo.set(base, found);
  return found;
}

const SETTINGS: PolicyEntry = { policy: 'settings' };
const memo = new Map<string, PolicyEntry | undefined>();

/** Secret subtrees per family: their values are fingerprinted, never diffed. */
export const SECRET_PATHS: readonly string[] = Object.entries(TABLE).filter(([, e]) => e.policy === 'secret').map(([p]) => p);
export const CREATE_ONLY_PATHS: readonly string[] = Object.entries(TABLE).filter(([, e]) => e.policy === 'create-only').map(([p]) => p);
