/**
 * What the manifests ask for, ready to diff: each pipe flattened and normalized (state/normalize), its
 * secrets as fingerprints (never values), its create body with references kept as references (apply
 * resolves them when it sends), and the service coordinates resolved. Reading the environment and files
 * goes through the injected ResolveEnv; nothing here touches the process.
 */
import { sourceFamily, type ManifestSet, type SourceFamily } from '../manifest/model.js';
import { parseReference } from '../manifest/references.js';
import { portableReference, resolveValue, type ResolveEnv } from '../manifest/resolve.js';
import type { ClickPipe as PipeManifest } from '../manifest/types.gen.js';
import { fingerprint } from '../state/ledger.js';
import { canonical, flatten, isPlainObject, type Flat } from '../state/normalize.js';
import { CREATE_ONLY_PATHS, SECRET_PATHS } from './policy.js';

export interface DesiredService {
  readonly alias: string;
  readonly organizationId: string;
  readonly serviceId: string;
  readonly prune: boolean;
  readonly cdcScaling?: { replicaCpuMillicores: number; replicaMemoryGb: number };
}

export interface DesiredEndpoint {
  readonly address: string;
  readonly service: string;
  readonly name: string;
  /** The API has no name: the endpoint is found by its description. */
  readonly description: string;
  readonly body: Record<string, unknown>;
}

export interface DesiredSecret {
  readonly path: string;
  /** Present when every reference resolved. */
  readonly fingerprint?: string;
  /** What could not be resolved ("environment variable X is not set"), for the plan to report. */
  readonly missing: readonly string[];
}

export interface DesiredPipe {
  readonly address: string;
  readonly service: string;
  readonly name: string;
  readonly previousNames: readonly string[];
  readonly family: SourceFamily;
  readonly state: 'running' | 'stopped';
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly flat: Flat;
  readonly secrets: readonly DesiredSecret[];
  /** The POST body, secrets and files as portable references; endpoint names as `${endpoint:NAME}`. */
  readonly body: Record<string, unknown>;
  /** Where the manifest is, for messages. */
  readonly origin: string;
}

export interface Desired {
  readonly services: readonly DesiredService[];
  readonly endpoints: readonly DesiredEndpoint[];
  readonly pipes: readonly DesiredPipe[];
  /** References outside secrets that could not be resolved (service ids, certificate files). */
  readonly problems: readonly string[];
}

export function buildDesired(set: ManifestSet, env: ResolveEnv, keySecret: string): Desired {
  const problems: string[] = [];
  const services = set.services.map((s): DesiredService => {
    const id = (field: 'organizationId' | 'serviceId') => {
      const r = resolveValue(s.manifest.spec[field], field, env, s.doc.file);
      if (!r.ok) problems.push(`${s.address}: spec.${field}: ${r.missing}`);
      return r.ok ? r.value : '';
    };
    return { alias: s.address, organizationId: id('organizationId'), serviceId: id('serviceId'), prune: s.manifest.spec.prune === true, cdcScaling: s.manifest.spec.cdcScaling };
  });
  const endpoints = set.endpoints.map((e): DesiredEndpoint => {
    const { description, ...rest } = e.manifest.spec;
    const desc = description ?? e.manifest.metadata.name;
    return { address: e.address, service: e.manifest.metadata.service, name: e.manifest.metadata.name, description: desc, body: { description: desc, ...rest } };
  });
  const pipes = set.pipes.map((p) => desiredPipe(p.manifest, p.address, p.doc.file, `${p.doc.file}:${p.doc.locate([], false).line}`, env, keySecret, problems));
  return { services, endpoints, pipes, problems };
}

function desiredPipe(m: PipeManifest, address: string, file: string, origin: string, env: ResolveEnv, keySecret: string, problems: string[]): DesiredPipe {
  const family = sourceFamily(m);
  const spec = m.spec as unknown as Record<string, unknown>;
  const secrets: DesiredSecret[] = [];
  const secretRoots = SECRET_PATHS.filter((p) => getPath(spec, p) !== undefined);
  for (const path of secretRoots) {
    const missing: string[] = [];
    const resolved = mapStrings(getPath(spec, path), path, (value, at) => {
      const r = resolveValue(value, at, env, file);
      if (!r.ok) missing.push(r.missing);
      return r.ok ? r.value : '';
    });
    secrets.push({ path, missing, fingerprint: missing.length === 0 ? fingerprint(keySecret, resolved) : undefined });
  }
  // Values compared with the live pipe: non-secret references (certificates) resolved to their content.
  const comparable = mapStrings(withoutPaths(spec, secretRoots), '', (value, at) => {
    if (parseReference(value) === undefined) return value;
    const r = resolveValue(value, at, env, file);
    if (!r.ok) problems.push(`${address}: spec.${at}: ${r.missing}`);
    return r.ok ? r.value : value;
  }) as Record<string, unknown>;
  const flat = flatten(comparable, { family });
  for (const p of CREATE_ONLY_PATHS) {
    const v = getPath(comparable, p);
    if (v !== undefined) flat[p] = canonical(v);
  }
  return {
    address,
    service: m.metadata.service,
    name: m.metadata.name,
    previousNames: m.metadata.previousNames ?? [],
    family,
    state: m.spec.state ?? 'running',
    protect: m.spec.lifecycle?.protect === true,
    ignoreChanges: m.spec.lifecycle?.ignoreChanges ?? [],
    flat,
    secrets,
    body: createBody(m, family, file, env),
    origin,
  };
}

/** The POST body as apply sends it, minus the reference values. */
function createBody(m: PipeManifest, family: SourceFamily, file: string, env: ResolveEnv): Record<string, unknown> {
  const { state: _state, lifecycle: _lifecycle, ...rest } = m.spec;
  const body = mapStrings(structuredClone(rest), '', (value) => portableReference(value, file, env)) as Record<string, unknown>;
  const source = (body.source as Record<string, unknown>)[family] as Record<string, unknown>;
  if (Array.isArray(source.reversePrivateEndpoints)) {
    source.reversePrivateEndpointIds = [...((source.reversePrivateEndpointIds as string[] | undefined) ?? []), ...source.reversePrivateEndpoints.map((n) => `\${endpoint:${String(n)}}`)];
    delete source.reversePrivateEndpoints;
  }
  return { name: m.metadata.name, ...body };
}

export function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const k of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function withoutPaths(obj: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(obj);
  for (const p of paths) {
    const parts = p.split('.');
    const parent = getPath(copy, parts.slice(0, -1).join('.'));
    if (isPlainObject(parent)) delete parent[parts.at(-1)!];
  }
  return copy;
}

function mapStrings(value: unknown, path: string, f: (s: string, path: string) => string): unknown {
  if (typeof value === 'string') return f(value, path);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, path, f));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, path === '' ? k : `${path}.${k}`, f)]));
  }
  return value;
}
