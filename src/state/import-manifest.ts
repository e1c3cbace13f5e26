/**
 * A live pipe as a minimal manifest (`pipeform import`): the fields GET returns, less server defaults and
 * read-only fields; secrets as `${env:…}` placeholders named after the pipe (the API never returns them);
 * reverse private endpoints by name. Planning the result against the same live pipe shows no change but
 * the secrets it cannot know. Pure: the command does the I/O.
 */
import type { ClickPipe, ReversePrivateEndpoint } from '../api/types.js';
import { isDatabaseFamily, type SourceFamily } from '../manifest/model.js';
import { familyOf } from '../plan/plan.js';
import { observedPhase } from './lifecycle.js';
import { isPlainObject } from './normalize.js';
import { parseCpuMillicores, parseMemoryGb } from './quantity.js';

export interface ImportedPipe {
  readonly name: string;
  readonly document: Record<string, unknown>;
  /** Environment variables the placeholders name, in order. */
  readonly variables: readonly string[];
}

const SCALING_DEFAULTS: Record<string, number> = { replicas: 1, concurrency: 0 };

export function endpointName(e: ReversePrivateEndpoint): string {
  const slug = e.description.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '');
  return slug === '' ? `endpoint-${e.id.slice(0, 8)}` : slug.slice(0, 63);
}

export function importEndpoint(e: ReversePrivateEndpoint, service: string): Record<string, unknown> {
  const { id: _id, serviceId: _s, endpointId: _e, dnsNames: _d, privateDnsNames: _p, status: _st, customPrivateDnsMappings, ...spec } = e;
  return {
    apiVersion: 'pipeform/v1', kind: 'ReversePrivateEndpoint', metadata: { name: endpointName(e), service },
    spec: dropEmpty({ ...spec, ...(customPrivateDnsMappings?.length ? { customPrivateDnsMappings } : {}) }),
  };
}

export function importPipe(p: ClickPipe, service: string, endpoints: readonly ReversePrivateEndpoint[]): ImportedPipe {
  const family = familyOf(p);
  const variables: string[] = [];
  const placeholder = (what: string) => {
    const name = `${service}_${p.name}_${what}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, '_$1');
    variables.push(name);
    return `\${env:${name}}`;
  };
  const source = withSecrets(family, dropEmpty(structuredClone(p.source[family] ?? {}) as Record<string, unknown>), placeholder);
  if (family === 'kafka') {
    if (source.consumerGroup === `clickpipes-${p.id}`) delete source.consumerGroup;
    const ids = (source.reversePrivateEndpointIds as string[] | undefined) ?? [];
    const named = ids.map((id) => endpoints.find((e) => e.id === id)).filter((e): e is ReversePrivateEndpoint => e !== undefined);
    if (named.length > 0) source.reversePrivateEndpoints = named.map(endpointName);
    const unknown = ids.filter((id) => !endpoints.some((e) => e.id === id));
    if (unknown.length > 0) source.reversePrivateEndpointIds = unknown;
    else delete source.reversePrivateEndpointIds;
  }
  if (family === 'postgres' || family === 'mysql') {
    if (source.type === family) delete source.type;
    if (source.authentication === 'basic') delete source.authentication;
  }
  const database = isDatabaseFamily(family);
  const destination = dropEmpty(structuredClone(p.destination) as Record<string, unknown>);
  if (destination.database === 'default') delete destination.database;
  const def = destination.tableDefinition as Record<string, unknown> | undefined;
  if (def && isPlainObject(def.engine) && typeof def.engine.type === 'string') def.engine = { type: def.engine.type.replace(/\(\s*\)$/, '') };
  const spec: Record<string, unknown> = {
    ...(observedPhase(p.state) === 'stopped' ? { state: 'stopped' } : {}),
    source: { [family]: source },
    destination: database ? (Object.keys(destination).length ? destination : { database: 'default' }) : destination,
  };
  if (p.fieldMappings?.length) spec.fieldMappings = p.fieldMappings;
  const scaling = scalingOf(p);
  if (!database && scaling) spec.scaling = scaling;
  const settings = dropEmpty({ ...(p.settings ?? {}) });
  if (!database && Object.keys(settings).length > 0) spec.settings = settings;
  return { name: p.name, variables, document: { apiVersion: 'pipeform/v1', kind: 'ClickPipe', metadata: { name: p.name, service }, spec } };
}

/** Placeholders where the API keeps secrets it never returns, shaped by the authentication in use. */
function withSecrets(family: SourceFamily, s: Record<string, unknown>, ph: (what: string) => string): Record<string, unknown> {
  const auth = s.authentication;
  switch (family) {
    case 'kafka': {
      const creds =
        auth === 'PLAIN' || auth === 'SCRAM-SHA-256' || auth === 'SCRAM-SHA-512'
          ? s.type === 'azureeventhub' ? { connectionString: ph('connection_string') } : { username: ph('username'), password: ph('password') }
          : auth === 'IAM_USER' ? { accessKeyId: ph('access_key_id'), secretKey: ph('secret_key') }
            : auth === 'MUTUAL_TLS' ? { certificate: ph('certificate'), privateKey: ph('private_key') } : undefined;
      if (creds) s.credentials = creds;
      if (isPlainObject(s.schemaRegistry) && s.schemaRegistry.authentication === 'PLAIN') {
        s.schemaRegistry = { ...s.schemaRegistry, credentials: { username: ph('schema_registry_username'), password: ph('schema_registry_password') } };
      }
      return s;
    }
    case 'kinesis':
      if (auth === 'IAM_USER') s.accessKey = { accessKeyId: ph('access_key_id'), secretKey: ph('secret_key') };
      return s;
    case 'objectStorage':
      if (auth === 'IAM_USER') s.accessKey = { accessKeyId: ph('access_key_id'), secretKey: ph('secret_key') };
      if (auth === 'SERVICE_ACCOUNT') s.serviceAccountKey = ph('service_account_key');
      if (auth === 'CONNECTION_STRING') s.connectionString = ph('connection_string');
      return s;
    case 'pubsub':
      s.serviceAccountKey = { serviceAccountFile: ph('service_account_file') };
      return s;
    case 'postgres':
    case 'mysql':
    case 'mongodb':
      s.credentials = auth === 'IAM_ROLE' ? { username: ph('username') } : { username: ph('username'), password: ph('password') };
      return s;
    case 'bigquery':
      s.credentials = { serviceAccountFile: ph('service_account_file') };
      return s;
  }
}

function scalingOf(p: ClickPipe): Record<string, number> | undefined {
  const s = p.scaling ?? {};
  const out: Record<string, number> = {};
  if (typeof s.replicas === 'number' && s.replicas >= 1 && s.replicas !== SCALING_DEFAULTS.replicas) out.replicas = s.replicas;
  const cpu = parseCpuMillicores(s.replicaCpuMillicores);
  const mem = parseMemoryGb(s.replicaMemoryGb);
  // CPU and memory only when replicas were set too: alone they are the service's defaults.
  if (out.replicas !== undefined && cpu !== undefined && cpu >= 125) out.replicaCpuMillicores = cpu;
  if (out.replicas !== undefined && mem !== undefined && mem >= 0.5) out.replicaMemoryGb = mem;
  return Object.keys(out).length ? out : undefined;
}

function dropEmpty<T extends Record<string, unknown>>(o: T): T {
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) delete o[k];
    else if (isPlainObject(v)) dropEmpty(v);
  }
  return o;
}
