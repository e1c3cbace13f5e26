/**
 * What the real API rejects (API notes §4, §6, §9), as tables and small checks. Every function throws a
 * SandboxError with the API's wording where it is known.
 */
import type { JsonObject, SourceKey } from '../api/types.js';
import { badRequest, DATABASE_FAMILIES, SOURCE_KEYS } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export const KAFKA_AUTH_BY_TYPE: Record<string, string[]> = {
  kafka: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'MUTUAL_TLS'],
  msk: ['SCRAM-SHA-512', 'IAM_ROLE', 'IAM_USER', 'MUTUAL_TLS'],
  gcmk: ['PLAIN', 'MUTUAL_TLS'],
  confluent: ['PLAIN', 'MUTUAL_TLS'],
  warpstream: ['PLAIN'],
  azureeventhub: ['PLAIN'],
  redpanda: ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'MUTUAL_TLS'],
  dokafka: ['SCRAM-SHA-256', 'MUTUAL_TLS'],
};

/** `ClickPipePatch*Source` of the spec: the only source fields a PATCH may carry, per family. */
export const PATCHABLE_SOURCE_FIELDS: Record<SourceKey, readonly string[]> = {
  kafka: ['authentication', 'iamRole', 'caCertificate', 'reversePrivateEndpointIds', 'credentials'],
  kinesis: ['authentication', 'iamRole', 'accessKey'],
  objectStorage: ['skipInitialLoad', 'startAfter', 'authentication', 'iamRole', 'connectionString', 'path', 'azureContainerName', 'accessKey', 'serviceAccountKey'],
  pubsub: ['authentication', 'ackDeadline', 'serviceAccountKey'],
  postgres: ['credentials', 'host', 'port', 'database', 'tlsHost', 'caCertificate', 'disableTls', 'skipCertVerification', 'settings', 'tableMappingsToAdd', 'tableMappingsToRemove'],
  mysql: ['credentials', 'host', 'port', 'authentication', 'iamRole', 'tlsHost', 'caCertificate', 'disableTls', 'skipCertVerification', 'serverId', 'settings', 'tableMappingsToAdd', 'tableMappingsToRemove'],
  mongodb: ['uri', 'readPreference', 'tlsHost', 'disableTls', 'skipCertVerification', 'caCertificate', 'credentials', 'settings', 'tableMappingsToAdd', 'tableMappingsToRemove'],
  bigquery: [],
};
export const PATCHABLE_CDC_SETTINGS: Record<string, readonly string[]> = {
  postgres: ['syncIntervalSeconds', 'pullBatchSize'],
  mysql: ['syncIntervalSeconds', 'pullBatchSize', 'useCompression'],
  mongodb: ['syncIntervalSeconds', 'pullBatchSize'],
};

/** [min, max] of each pipe setting (`ClickPipeSettings`), or 'boolean'. */
export const SETTING_RANGES: Record<string, [number, number] | 'boolean'> = {
  streaming_max_insert_wait_ms: [500, 60000],
  object_storage_concurrency: [1, 35],
  object_storage_polling_interval_ms: [100, 3600000],
  object_storage_max_insert_bytes: [10485760, 53687091200],
  object_storage_max_file_count: [1, 10000],
  clickhouse_max_threads: [0, 64],
  clickhouse_max_insert_threads: [0, 16],
  clickhouse_min_insert_block_size_bytes: [0, 10737418240],
  clickhouse_max_download_threads: [0, 32],
  clickhouse_parallel_distributed_insert_select: [0, 2],
  object_storage_use_cluster_function: 'boolean',
  clickhouse_parallel_view_processing: 'boolean',
  kafka_read_committed: 'boolean',
};

const SCALING_RANGES: Record<string, [number, number]> = {
  replicas: [1, 40],
  concurrency: [0, 34],
  replicaCpuMillicores: [125, 2000],
  replicaMemoryGb: [0.5, 8],
};

export function familyOf(source: unknown): SourceKey {
  if (!isObj(source)) throw badRequest('request body.source: required');
  const present = SOURCE_KEYS.filter((k) => source[k] !== undefined && source[k] !== null);
  if (present.length !== 1) throw badRequest(`request body.source: exactly one source type is required, got ${present.length}`);
  return present[0]!;
}

export function validateCreate(body: unknown, knownEndpointIds: ReadonlySet<string>): { family: SourceKey; source: Obj } {
  if (!isObj(body)) throw badRequest('request body: must be an object');
  if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 255) throw badRequest('request body.name: must be 1 to 255 characters');
  const family = familyOf(body.source);
  const source = (body.source as Obj)[family] as Obj;
  if (!isObj(source)) throw badRequest(`request body.source.${family}: must be an object`);
  noEmptyStrings(source, `${family}`);
  const dest = isObj(body.destination) ? body.destination : {};
  const database = DATABASE_FAMILIES.includes(family);
  if (database) {
    for (const k of ['table', 'managedTable', 'tableDefinition', 'columns']) {
      if (dest[k] !== undefined) throw badRequest(`destination.${k} is not supported for database ClickPipes`);
    }
    if (body.scaling !== undefined) throw badRequest('scaling is not supported for database ClickPipes: use clickpipesCdcScaling');
    if (body.settings !== undefined) throw badRequest('settings are not supported for database ClickPipes');
  } else {
    for (const k of ['table', 'managedTable', 'columns']) if (dest[k] === undefined) throw badRequest(`destination.${k}: required for ${family} ClickPipes`);
    if (dest.managedTable === true && !isObj(dest.tableDefinition)) throw badRequest('destination.tableDefinition: required when managedTable is true');
  }
  if (body.scaling !== undefined) validateScaling(family, body.scaling, 'scaling');
  if (body.settings !== undefined) validateSettings(family, body.settings);
  validateSource(family, source, knownEndpointIds);
  return { family, source };
}

function validateSource(family: SourceKey, s: Obj, knownEndpointIds: ReadonlySet<string>): void {
  const creds = isObj(s.credentials) ? s.credentials : undefined;
  const need = (cond: unknown, message: string) => {
    if (!cond) throw badRequest(message);
  };
  switch (family) {
    case 'kafka': {
      const allowed = KAFKA_AUTH_BY_TYPE[String(s.type)];
      need(allowed, `request body.source.kafka.type: '${String(s.type)}'`);
      need(allowed!.includes(String(s.authentication)), `authentication ${String(s.authentication)} is not supported for Kafka type ${String(s.type)}`);
      if (s.type === 'azureeventhub') need(creds?.connectionString, 'credentials.connectionString is required for Azure Event Hubs');
      else if (s.authentication === 'IAM_USER') need(creds?.accessKeyId && creds.secretKey, 'credentials.accessKeyId and credentials.secretKey are required for IAM_USER authentication');
      else if (s.authentication === 'MUTUAL_TLS') need(creds?.certificate && creds.privateKey, 'credentials.certificate and credentials.privateKey are required for MUTUAL_TLS authentication');
      else if (s.authentication === 'IAM_ROLE') need(s.iamRole, 'iamRole is required for IAM_ROLE authentication');
      else need(creds?.username && creds.password, 'credentials.username and credentials.password are required');
      for (const id of (s.reversePrivateEndpointIds as string[] | undefined) ?? []) need(knownEndpointIds.has(id), `reverse private endpoint ${id} not found`);
      return;
    }
    case 'kinesis':
      if (s.authentication === 'IAM_USER') need(isObj(s.accessKey), 'accessKey is required for IAM_USER authentication');
      if (s.authentication === 'IAM_ROLE') need(s.iamRole, 'iamRole is required for IAM_ROLE authentication');
      if (s.iteratorType === 'AT_TIMESTAMP') need(s.timestamp !== undefined, 'timestamp is required when iteratorType is AT_TIMESTAMP');
      return;
    case 'objectStorage':
      need(!(s.queueUrl && s.isContinuous !== true), 'queueUrl is only applicable when isContinuous is true');
      need(!(s.skipInitialLoad === true && s.startAfter), 'startAfter cannot be provided when skipInitialLoad is true');
      if (s.authentication === 'IAM_USER') need(isObj(s.accessKey), 'accessKey is required for IAM_USER authentication');
      if (s.authentication === 'SERVICE_ACCOUNT') need(s.serviceAccountKey, 'serviceAccountKey is required for SERVICE_ACCOUNT authentication');
      if (s.authentication === 'CONNECTION_STRING') need(s.connectionString, 'connectionString is required for CONNECTION_STRING authentication');
      return;
    case 'pubsub':
      need(isObj(s.serviceAccountKey) && s.serviceAccountKey.serviceAccountFile, 'serviceAccountKey.serviceAccountFile is required');
      return;
    case 'postgres':
    case 'mysql': {
      const auth = s.authentication ?? 'basic';
      need(auth === 'basic' || auth === 'IAM_ROLE', `request body.source.${family}.authentication: '${String(auth)}'`);
      if (auth === 'basic') need(creds?.password, 'password is required for basic authentication');
      else need(s.iamRole, 'iamRole is required for IAM_ROLE authentication');
      validateCdcSettings(family, s.settings);
      validateMappings(family, s.tableMappings);
      return;
    }
    case 'mongodb':
      need(creds?.username && creds.password, 'credentials.username and credentials.password are required');
      validateCdcSettings(family, s.settings);
      validateMappings(family, s.tableMappings);
      return;
    case 'bigquery':
      need(isObj(s.credentials) && s.credentials.serviceAccountFile, 'credentials.serviceAccountFile is required');
      need(!isObj(s.settings) || s.settings.replicationMode === undefined || s.settings.replicationMode === 'snapshot', 'BigQuery ClickPipes support snapshot replication only');
      validateMappings(family, s.tableMappings);
      return;
  }
}

function validateCdcSettings(family: SourceKey, settings: unknown): void {
  const s = isObj(settings) ? settings : {};
  if ((family === 'mysql' || family === 'mongodb') && s.replicationMode === undefined) throw badRequest('settings.replicationMode: required');
  if (s.replicationSlotName !== undefined && s.replicationMode !== 'cdc_only') throw badRequest('replicationSlotName is only valid for cdc_only mode');
  for (const [k, v] of Object.entries(s)) {
    if (typeof v !== 'number') continue;
    const min = k === 'snapshotNumRowsPerPartition' ? 1000 : 1;
    if (v < min) throw badRequest(`settings.${k}: Value must be >= ${min}`);
  }
}

function validateMappings(family: SourceKey, mappings: unknown): void {
  if (!Array.isArray(mappings) || mappings.length === 0) throw badRequest(`${family}.tableMappings: at least one table mapping is required`);
}

/** Values the API rejects as empty: `postgres.host: ''` and the like (clickhousectl exemptions). */
function noEmptyStrings(value: Obj, path: string): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === '') throw badRequest(`${path}.${k}: ''`);
    if (isObj(v)) noEmptyStrings(v, `${path}.${k}`);
  }
}

export function validateScaling(family: SourceKey, body: unknown, where = 'request body'): Obj {
  if (!isObj(body)) throw badRequest(`${where}: must be an object`);
  const set = Object.entries(body).filter(([, v]) => v !== null && v !== undefined);
  if (set.length === 0) throw badRequest(`${where}: either send real values or omit it`);
  for (const [k, v] of set) {
    const range = SCALING_RANGES[k];
    if (!range) throw badRequest(`${where}.${k}: unknown field`);
    if (typeof v !== 'number' || v < range[0] || v > range[1]) throw badRequest(`${k}: Not between ${range[0]} and ${range[1]}`);
  }
  if (family === 'objectStorage' && (body.replicaCpuMillicores != null || body.replicaMemoryGb != null)) {
    throw badRequest('replicaCpuMillicores and replicaMemoryGb are only for streaming pipes');
  }
  if (family !== 'objectStorage' && body.concurrency != null) throw badRequest('concurrency is only for S3 pipes');
  return Object.fromEntries(set);
}

export function validateSettings(family: SourceKey, body: unknown): Obj {
  if (!isObj(body)) throw badRequest('settings: must be an object');
  const set = Object.entries(body).filter(([, v]) => v !== null && v !== undefined);
  if (set.length === 0) throw badRequest('settings: either send real values or omit it');
  for (const [k, v] of set) {
    const range = SETTING_RANGES[k];
    if (!range) throw badRequest(`settings.${k}: unknown setting`);
    if (k === 'kafka_read_committed' && family !== 'kafka') throw badRequest("Setting 'kafka_read_committed' is only supported for Kafka ClickPipes");
    if (range === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'number' || v < range[0] || v > range[1]) {
      throw badRequest(`settings.${k}: ${range === 'boolean' ? 'must be a boolean' : `Not between ${range[0]} and ${range[1]}`}`);
    }
  }
  return Object.fromEntries(set);
}

/** Checks a PATCH body against what the API accepts for this family; returns the family's source patch. */
export function validatePatch(family: SourceKey, body: unknown): { sourcePatch?: Obj } {
  if (!isObj(body)) throw badRequest('request body: must be an object');
  if (family === 'bigquery') throw badRequest('BigQuery ClickPipes cannot be updated');
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 255)) {
    throw badRequest('request body.name: must be 1 to 255 characters');
  }
  if (body.destination !== undefined && body.destination !== null) {
    if (!isObj(body.destination) || Object.keys(body.destination).length === 0) throw badRequest('request body.destination: must not be empty');
    for (const k of Object.keys(body.destination)) if (k !== 'columns') throw badRequest(`request body.destination.${k}: field is not patchable`);
  }
  if (body.source === undefined || body.source === null) return {};
  if (!isObj(body.source)) throw badRequest('request body.source: must be an object');
  const keys = Object.keys(body.source).filter((k) => k !== 'validateSamples' && body.source !== null && (body.source as Obj)[k] != null);
  if (keys.length === 0) return {};
  if (keys.length > 1 || keys[0] !== family) throw badRequest(`request body.source: the source type of a ${family} ClickPipe cannot be changed`);
  const patch = (body.source as Obj)[family];
  if (!isObj(patch)) throw badRequest(`request body.source.${family}: must be an object`);
  noEmptyStrings(patch, family);
  for (const k of Object.keys(patch)) {
    if (!PATCHABLE_SOURCE_FIELDS[family].includes(k)) throw badRequest(`request body.source.${family}.${k}: field is not patchable`);
  }
  if (isObj(patch.settings)) {
    for (const k of Object.keys(patch.settings)) {
      if (!PATCHABLE_CDC_SETTINGS[family]?.includes(k)) throw badRequest(`request body.source.${family}.settings.${k}: field is not patchable`);
    }
  }
  // The spec's ClickPipePatch*Source `required` lists: the connection's identity travels with every edit.
  const required: Partial<Record<SourceKey, string[]>> = { pubsub: ['authentication', 'serviceAccountKey'], mysql: ['host', 'port'], mongodb: ['uri', 'readPreference'] };
  const missing = (required[family] ?? []).filter((k) => patch[k] === undefined);
  if (missing.length > 0) throw badRequest(`request body.source.${family}: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required`);
  return { sourcePatch: patch };
}

export function mappingKey(family: SourceKey, m: JsonObject): string {
  return family === 'mongodb' ? `${String(m.sourceDatabaseName)}.${String(m.sourceCollection)}` : `${String(m.sourceSchemaName)}.${String(m.sourceTable)}`;
}
