/**
 * The sandbox's state and every operation of the API on it. No HTTP here: the server maps routes to these
 * methods; tests can drive them directly with a manual clock.
 */
import { randomUUID } from 'node:crypto';
import type { CdcScaling, ClickPipe, CloudService, JsonObject, ReversePrivateEndpoint, ServiceState, SourceKey, StateCommand } from '../api/types.js';
import * as life from './lifecycle.js';
import { badRequest, DATABASE_FAMILIES, notFound, SandboxError, type EndpointRecord, type PipeRecord, type ServiceRecord, type WorldData } from './model.js';
import { familyOf, mappingKey, validateCreate, validatePatch, validateScaling, validateSettings } from './validate.js';
import { endpointView, pipeView, type ViewOptions } from './views.js';

export interface WorldOptions extends ViewOptions {
  readonly now: () => number;
  /** New services start idle (the `idle` fault). */
  readonly startIdle: boolean;
  /** The drop-columns fault: PATCH silently keeps the old columns. */
  readonly dropColumns?: boolean;
  /** The ignore-create-scaling fault: POST starts every pipe at the default scaling. */
  readonly ignoreCreateScaling?: boolean;
  readonly newId?: () => string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Secrets are checked, then never stored: GET does not return them and the data file must not hold them. */
const NEVER_STORED = new Set(['credentials', 'accessKey', 'serviceAccountKey', 'connectionString', 'validateSamples']);
const FAMILY_TITLE: Partial<Record<SourceKey, string>> = { postgres: 'Postgres', mysql: 'MySQL', mongodb: 'MongoDB' };

export class World {
  private readonly newId: () => string;

  constructor(
    private readonly data: WorldData,
    private readonly o: WorldOptions,
  ) {
    this.newId = o.newId ?? randomUUID;
  }

  toData(): WorldData {
    return this.data;
  }

  // ── Services ──────────────────────────────────────────────────────────────────────────────────────
  private service(organizationId: string, serviceId: string): ServiceRecord {
    let svc = this.data.services.find((s) => s.organizationId === organizationId && s.serviceId === serviceId);
    if (!svc) {
      svc = { organizationId, serviceId, state: [{ state: this.o.startIdle ? 'idle' : 'running', at: this.o.now() }], pipes: [], endpoints: [] };
      this.data.services.push(svc);
    }
    return svc;
  }

  private serviceState(svc: ServiceRecord): ServiceState {
    let state: ServiceState = 'running';
    for (const s of svc.state) if (s.at <= this.o.now()) state = s.state;
    return state;
  }

  /** ClickPipes calls need a running service (API notes §1: 424 … Current state: idle). */
  private running(org: string, id: string): ServiceRecord {
    const svc = this.service(org, id);
    const state = this.serviceState(svc);
    if (state !== 'running') {
      throw new SandboxError(424, 'FAILED_DEPENDENCY', `ClickPipe creation is allowed only when the ClickHouse service is running. Current state: ${state}`);
    }
    return svc;
  }

  getService(org: string, id: string): CloudService {
    const svc = this.service(org, id);
    return {
      id,
      name: `sandbox-${id.slice(0, 8)}`,
      state: this.serviceState(svc),
      autoscalingMode: 'vertical',
      currentScaling: { effectiveAutoscalingMode: 'vertical', effectiveMinReplicaMemoryGb: 16, effectiveMaxReplicaMemoryGb: 16, effectiveMinReplicas: 3, effectiveMaxReplicas: 3 },
    };
  }

  patchServiceState(org: string, id: string, body: unknown): CloudService {
    const svc = this.service(org, id);
    const command = isObj(body) ? body.command : undefined;
    const now = this.o.now();
    const next: Record<string, ServiceState[]> = { awake: ['awaking', 'running'], start: ['starting', 'running'], stop: ['stopping', 'stopped'] };
    const states = next[String(command)];
    if (!states) throw badRequest(`request body.command: '${String(command)}'`);
    if (command === 'awake' && this.serviceState(svc) !== 'idle') return this.getService(org, id);
    svc.state = [...svc.state.filter((s) => s.at <= now), ...states.map((state, i) => ({ state, at: now + i * this.o.phaseMs }))];
    return this.getService(org, id);
  }

  // ── ClickPipes ────────────────────────────────────────────────────────────────────────────────────
  listPipes(org: string, id: string): ClickPipe[] {
    const svc = this.running(org, id);
    return svc.pipes.map((p) => this.view(svc, p));
  }

  getPipe(org: string, id: string, pipeId: string): ClickPipe {
    const svc = this.running(org, id);
    return this.view(svc, this.pipe(svc, pipeId));
  }

  createPipe(org: string, id: string, body: unknown): ClickPipe {
    const svc = this.running(org, id);
    const { family, source } = validateCreate(body, new Set(svc.endpoints.map((e) => e.id)));
    const b = body as Obj;
    const now = this.o.now();
    const kind = lifecycleKind(family, source);
    const pipe: PipeRecord = {
      id: this.newId(),
      name: String(b.name),
      family,
      kind,
      source: stripSecrets(source),
      destination: isObj(b.destination) ? structuredClone(b.destination) : {},
      fieldMappings: Array.isArray(b.fieldMappings) ? structuredClone(b.fieldMappings) : [],
      settings: isObj(b.settings) ? (structuredClone(b.settings) as PipeRecord['settings']) : {},
      // A source on an unreachable host (the reserved .invalid domain) fails once provisioned, as a broken source does.
      timeline: JSON.stringify(source).includes('.invalid')
        ? [...life.failed(life.created(kind, now, this.o.phaseMs).slice(0, 1), now + this.o.phaseMs)]
        : [...life.created(kind, now, this.o.phaseMs)],
      createdAt: now,
      updatedAt: now,
    };
    if (!DATABASE_FAMILIES.includes(family)) {
      const defaults = family === 'objectStorage' ? { replicas: 1, concurrency: 0 } : { replicas: 1, replicaCpuMillicores: 500, replicaMemoryGb: 2 };
      const asked = isObj(b.scaling) && !this.o.ignoreCreateScaling ? (b.scaling as Partial<NonNullable<PipeRecord['scaling']>>) : {};
      pipe.scaling = { ...defaults, ...asked };
      if (Object.keys(asked).length > 0) pipe.scalingChangedAt = now;
    }
    svc.pipes.push(pipe);
    return this.view(svc, pipe);
  }

  patchPipe(org: string, id: string, pipeId: string, body: unknown): ClickPipe {
    const svc = this.running(org, id);
    const pipe = this.pipe(svc, pipeId);
    this.refuseCompleted(pipe);
    const { sourcePatch } = validatePatch(pipe.family, body);
    const b = body as Obj;
    const now = this.o.now();
    let tablesAdded = false;
    let mappingsChanged = false;
    if (sourcePatch) {
      const { tableMappingsToAdd: add, tableMappingsToRemove: remove, credentials, ...rest } = sourcePatch;
      if (DATABASE_FAMILIES.includes(pipe.family) && changesConnection(pipe.source, rest) && credentials === undefined) {
        // The control plane re-validates the connection and has no credentials to do it with (#617).
        throw badRequest('failed to validate the connection: credentials are required when connection settings change');
      }
      for (const endpointId of (rest.reversePrivateEndpointIds as string[] | undefined) ?? []) {
        if (!svc.endpoints.some((e) => e.id === endpointId)) throw badRequest(`reverse private endpoint ${endpointId} not found`);
      }
      if (add !== undefined || remove !== undefined) {
        tablesAdded = this.editMappings(pipe, (add as JsonObject[] | undefined) ?? [], (remove as JsonObject[] | undefined) ?? []);
        mappingsChanged = true;
      }
      const stored = stripSecrets(rest);
      if (isObj(stored.settings)) stored.settings = { ...(pipe.source.settings as Obj | undefined), ...stored.settings };
      Object.assign(pipe.source, stored);
    }
    if (typeof b.name === 'string') pipe.name = b.name;
    if (Array.isArray(b.fieldMappings)) pipe.fieldMappings = structuredClone(b.fieldMappings);
    if (isObj(b.destination) && Array.isArray(b.destination.columns) && !this.o.dropColumns) pipe.destination.columns = structuredClone(b.destination.columns);
    // b.settings is ignored on purpose: the real PATCH silently drops it (clickhousectl #824).
    if (mappingsChanged) pipe.timeline = [...life.resumedAfterEdit(pipe.timeline, now, this.o.phaseMs, tablesAdded)];
    pipe.updatedAt = now;
    return this.view(svc, pipe);
  }

  /** Returns whether tables were added (they get snapshotted when the pipe resumes). */
  private editMappings(pipe: PipeRecord, add: JsonObject[], remove: JsonObject[]): boolean {
    const state = life.stateAt(pipe.timeline, this.o.now());
    if (state !== 'Paused' && state !== 'Stopped') throw badRequest(`${FAMILY_TITLE[pipe.family] ?? pipe.family} ClickPipe must be paused to edit`);
    const current = (pipe.source.tableMappings as JsonObject[] | undefined) ?? [];
    const key = (m: JsonObject) => mappingKey(pipe.family, m);
    const removing = new Set(remove.map(key));
    for (const m of add) if (removing.has(key(m))) throw badRequest(`table ${key(m)} cannot be added and removed in the same request`);
    for (const m of remove) {
      if (!current.some((c) => key(c) === key(m) && c.targetTable === m.targetTable)) throw badRequest(`table mapping ${key(m)} -> ${String(m.targetTable)} not found`);
    }
    const kept = current.filter((c) => !removing.has(key(c)));
    for (const m of add) if (kept.some((c) => key(c) === key(m))) throw badRequest(`table ${key(m)} is already replicated`);
    pipe.source.tableMappings = [...kept, ...structuredClone(add)];
    return add.length > 0;
  }

  deletePipe(org: string, id: string, pipeId: string): void {
    const svc = this.running(org, id);
    this.pipe(svc, pipeId);
    svc.pipes = svc.pipes.filter((p) => p.id !== pipeId);
  }

  getSettings(org: string, id: string, pipeId: string): JsonObject {
    const svc = this.running(org, id);
    const pipe = this.streamingPipe(svc, pipeId);
    return { ...pipe.settings };
  }

  putSettings(org: string, id: string, pipeId: string, body: unknown): JsonObject {
    const svc = this.running(org, id);
    const pipe = this.streamingPipe(svc, pipeId);
    this.refuseCompleted(pipe);
    // PUT merges: keys not sent keep their values (clickhousectl PR #707).
    pipe.settings = { ...pipe.settings, ...(validateSettings(pipe.family, body) as PipeRecord['settings']) };
    pipe.updatedAt = this.o.now();
    return { ...pipe.settings };
  }

  patchScaling(org: string, id: string, pipeId: string, body: unknown): ClickPipe {
    const svc = this.running(org, id);
    const pipe = this.pipe(svc, pipeId);
    if (!pipe.scaling || pipe.family === 'pubsub') throw badRequest(`scaling is supported for Kafka, Kinesis and object storage ClickPipes, not ${pipe.family}`);
    this.refuseCompleted(pipe);
    Object.assign(pipe.scaling, validateScaling(pipe.family, body));
    pipe.scalingChangedAt = pipe.updatedAt = this.o.now();
    return this.view(svc, pipe);
  }

  patchState(org: string, id: string, pipeId: string, body: unknown): ClickPipe {
    const svc = this.running(org, id);
    const pipe = this.pipe(svc, pipeId);
    // The spec's field is `command`; the seed document's curl examples send `action`.
    const command = (isObj(body) ? (body.command ?? body.action) : undefined) as StateCommand | undefined;
    const now = this.o.now();
    const state = life.stateAt(pipe.timeline, now);
    const phase = this.o.phaseMs;
    switch (command) {
      case 'stop':
        pipe.timeline = [...life.stopped(pipe.timeline, pipe.kind, now, phase)];
        break;
      case 'start':
        if (state === 'Completed') throw badRequest('ClickPipe is in the Completed state and cannot be modified');
        if (state === 'Stopping' || state === 'Pausing') throw badRequest(`ClickPipe is ${state.toLowerCase()}; start it once it has stopped`);
        if (state !== 'Stopped' && state !== 'Paused' && state !== 'Failed') throw badRequest('ClickPipe is already running');
        pipe.timeline = [...life.started(pipe.timeline, pipe.kind, now, phase)];
        break;
      case 'resync':
        if (!['postgres', 'mysql', 'mongodb'].includes(pipe.family)) throw badRequest('resync is only supported for Postgres, MySQL and MongoDB ClickPipes');
        pipe.timeline = [...life.resynced(pipe.kind, pipe.timeline, now, phase)];
        break;
      default:
        throw badRequest(`request body.command: '${String(command)}' (expected start, stop or resync)`);
    }
    pipe.updatedAt = now;
    return this.view(svc, pipe);
  }

  schemaDiscovery(org: string, id: string, body: unknown): JsonObject {
    this.running(org, id);
    const family = familyOf(isObj(body) ? body.source : undefined);
    if (family !== 'kafka' && family !== 'kinesis') throw badRequest('schema discovery supports kafka and kinesis sources');
    return { fields: [{ name: 'id', type: 'Int64' }, { name: 'message', type: 'String' }, { name: 'ts', type: "DateTime64(3, 'UTC')", optional: true }], meta: { sampledMessages: '10' } };
  }

  // ── CDC scaling ───────────────────────────────────────────────────────────────────────────────────
  getCdcScaling(org: string, id: string): CdcScaling {
    const svc = this.running(org, id);
    if (!svc.pipes.some((p) => DATABASE_FAMILIES.includes(p.family))) {
      throw notFound('CDC scaling becomes available once a database ClickPipe exists in this service');
    }
    svc.cdcScaling ??= { replicaCpuMillicores: 2000, replicaMemoryGb: 8 };
    return { ...svc.cdcScaling };
  }

  patchCdcScaling(org: string, id: string, body: unknown): CdcScaling {
    this.getCdcScaling(org, id);
    const svc = this.service(org, id);
    const b = isObj(body) ? body : {};
    const cpu = b.replicaCpuMillicores;
    const mem = b.replicaMemoryGb;
    if (typeof cpu !== 'number' || cpu < 1000 || cpu > 32000 || cpu % 1000 !== 0) throw badRequest('replicaCpuMillicores: must be a multiple of 1000 between 1000 and 32000');
    if (typeof mem !== 'number' || mem !== (cpu / 1000) * 4) throw badRequest('replicaMemoryGb: Must be 4× the CPU core count');
    svc.cdcScaling = { replicaCpuMillicores: cpu, replicaMemoryGb: mem };
    return { ...svc.cdcScaling };
  }

  // ── Reverse private endpoints ─────────────────────────────────────────────────────────────────────
  listEndpoints(org: string, id: string): ReversePrivateEndpoint[] {
    const svc = this.running(org, id);
    return svc.endpoints.map((e) => endpointView(id, e, this.o.now(), this.o.phaseMs));
  }

  getEndpoint(org: string, id: string, endpointId: string): ReversePrivateEndpoint {
    const svc = this.running(org, id);
    return endpointView(id, this.endpoint(svc, endpointId), this.o.now(), this.o.phaseMs);
  }

  createEndpoint(org: string, id: string, body: unknown): ReversePrivateEndpoint {
    const svc = this.running(org, id);
    const b = isObj(body) ? body : {};
    const required: Record<string, string[]> = {
      VPC_ENDPOINT_SERVICE: ['vpcEndpointServiceName'],
      VPC_RESOURCE: ['vpcResourceConfigurationId', 'vpcResourceShareArn'],
      MSK_MULTI_VPC: ['mskClusterArn', 'mskAuthentication'],
      GCP_PSC_SERVICE_ATTACHMENT: ['gcpServiceAttachment'],
    };
    const fields = required[String(b.type)];
    if (!fields) throw badRequest(`request body.type: '${String(b.type)}'`);
    if (typeof b.description !== 'string' || b.description.length === 0 || b.description.length > 255) throw badRequest('description: must be 1 to 255 characters');
    for (const f of fields) if (!b[f]) throw badRequest(`${f}: required for ${String(b.type)}`);
    const record: EndpointRecord = {
      id: this.newId(),
      description: b.description,
      type: b.type as EndpointRecord['type'],
      fields: Object.fromEntries(fields.map((f) => [f, b[f]])),
      customPrivateDnsMappings: Array.isArray(b.customPrivateDnsMappings) ? structuredClone(b.customPrivateDnsMappings) : [],
      createdAt: this.o.now(),
    };
    svc.endpoints.push(record);
    return endpointView(id, record, this.o.now(), this.o.phaseMs);
  }

  patchEndpoint(org: string, id: string, endpointId: string, body: unknown): ReversePrivateEndpoint {
    const svc = this.running(org, id);
    const e = this.endpoint(svc, endpointId);
    const b = isObj(body) ? body : {};
    for (const k of Object.keys(b)) if (k !== 'customPrivateDnsMappings') throw badRequest(`request body.${k}: field is not patchable`);
    if (Array.isArray(b.customPrivateDnsMappings)) e.customPrivateDnsMappings = structuredClone(b.customPrivateDnsMappings);
    return endpointView(id, e, this.o.now(), this.o.phaseMs);
  }

  deleteEndpoint(org: string, id: string, endpointId: string): void {
    const svc = this.running(org, id);
    this.endpoint(svc, endpointId);
    const user = svc.pipes.find((p) => ((p.source.reversePrivateEndpointIds as string[] | undefined) ?? []).includes(endpointId));
    if (user) throw badRequest(`reverse private endpoint ${endpointId} is used by ClickPipe ${user.id}`);
    svc.endpoints = svc.endpoints.filter((e) => e.id !== endpointId);
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────────────
  private view(svc: ServiceRecord, p: PipeRecord): ClickPipe {
    return pipeView(svc.serviceId, p, this.o.now(), this.o);
  }

  private pipe(svc: ServiceRecord, pipeId: string): PipeRecord {
    const pipe = svc.pipes.find((p) => p.id === pipeId);
    if (!pipe) throw notFound(`ClickPipe ${pipeId} not found`);
    return pipe;
  }

  private streamingPipe(svc: ServiceRecord, pipeId: string): PipeRecord {
    const pipe = this.pipe(svc, pipeId);
    if (DATABASE_FAMILIES.includes(pipe.family)) throw notFound(`ingestion for pipe "${pipeId}" not found`);
    return pipe;
  }

  private endpoint(svc: ServiceRecord, endpointId: string): EndpointRecord {
    const e = svc.endpoints.find((x) => x.id === endpointId);
    if (!e) throw notFound(`reverse private endpoint ${endpointId} not found`);
    return e;
  }

  private refuseCompleted(pipe: PipeRecord): void {
    if (life.stateAt(pipe.timeline, this.o.now()) === 'Completed') throw badRequest('ClickPipe is in the Completed state and cannot be modified');
  }
}

function lifecycleKind(family: SourceKey, source: Obj): life.LifecycleKind {
  switch (family) {
    case 'kafka':
    case 'kinesis':
    case 'pubsub':
      return 'streaming';
    case 'objectStorage':
      return source.isContinuous === true ? 'object-continuous' : 'object-once';
    case 'bigquery':
      return 'bigquery';
    case 'postgres':
    case 'mysql':
    case 'mongodb': {
      const mode = isObj(source.settings) ? source.settings.replicationMode : undefined;
      return mode === 'snapshot' ? 'cdc-snapshot' : mode === 'cdc_only' ? 'cdc-only' : 'cdc';
    }
  }
}

/** A connection field or CDC setting with a new value: the control plane then re-validates the connection. */
function changesConnection(stored: Obj, patch: Obj): boolean {
  return Object.entries(patch).some(([k, v]) => {
    if (k === 'settings' && isObj(v)) {
      const current = isObj(stored.settings) ? stored.settings : {};
      return Object.entries(v).some(([sk, sv]) => current[sk] !== sv);
    }
    return JSON.stringify(stored[k]) !== JSON.stringify(v);
  });
}

function stripSecrets(value: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (NEVER_STORED.has(k)) continue;
    out[k] = isObj(v) ? stripSecrets(v) : structuredClone(v);
  }
  return out;
}
