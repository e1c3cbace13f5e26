/**
 * How the API shows stored objects on GET: defaults filled in, secrets absent, and the read-back quirks
 * pipeform must normalize (spec in README.md, "Read-back quirks"; API notes §3, §7).
 */
import type { ClickPipe, JsonObject, ReversePrivateEndpoint } from '../api/types.js';
import { stateAt } from './lifecycle.js';
import { DATABASE_FAMILIES, type EndpointRecord, type PipeRecord } from './model.js';

export interface ViewOptions {
  readonly phaseMs: number;
  readonly zeroScaling: boolean;
  readonly quantityStrings: boolean;
  readonly legacyReadback: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function pipeView(serviceId: string, p: PipeRecord, now: number, o: ViewOptions): ClickPipe {
  const database = DATABASE_FAMILIES.includes(p.family);
  const view: ClickPipe = {
    id: p.id,
    serviceId,
    name: p.name,
    state: stateAt(p.timeline, now),
    source: { [p.family]: sourceView(p) },
    destination: database ? { database: (p.destination.database as string | undefined) ?? 'default' } : destinationView(p.destination, o.legacyReadback),
    fieldMappings: p.fieldMappings,
    settings: database ? undefined : { ...p.settings },
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
  if (p.scaling) view.scaling = scalingView(p, now, o);
  return view;
}

function sourceView(p: PipeRecord): JsonObject {
  const s: JsonObject = structuredClone(p.source);
  switch (p.family) {
    case 'kafka':
      s.consumerGroup ??= `clickpipes-${p.id}`;
      break;
    case 'postgres':
    case 'mysql':
      s.type ??= p.family;
      s.authentication ??= 'basic';
      break;
  }
  if (s.settings && typeof s.settings === 'object') {
    const settings = s.settings as JsonObject;
    delete settings.enableFailoverSlots; // not echoed (TF keeps them from its own state)
    delete settings.deleteOnMerge;
    if (p.family === 'mysql') settings.replicationMechanism ??= 'GTID';
  }
  return s;
}

function destinationView(d: JsonObject, legacy: boolean): JsonObject {
  const { roles: _roles, tableDefinition, ...rest } = d;
  const view: JsonObject = { database: 'default', ...rest };
  if (tableDefinition && typeof tableDefinition === 'object') {
    const def = tableDefinition as JsonObject;
    const engine = (def.engine ?? {}) as JsonObject;
    const sortingKey = (def.sortingKey as string[] | undefined) ?? [];
    view.tableDefinition = {
      ...def,
      // versionColumnId and columnIds are not returned (create-only, API notes §3.1).
      engine: { type: legacy ? `${String(engine.type)}()` : engine.type },
      sortingKey: legacy && sortingKey.length === 0 ? null : sortingKey,
    };
  }
  return view;
}

function scalingView(p: PipeRecord, now: number, o: ViewOptions): NonNullable<ClickPipe['scaling']> {
  const s = { ...p.scaling! };
  const transient = o.zeroScaling && p.scalingChangedAt !== undefined && now < p.scalingChangedAt + o.phaseMs;
  const view: NonNullable<ClickPipe['scaling']> = { ...s };
  if (s.replicaCpuMillicores !== undefined) {
    const cpu = transient ? 0 : s.replicaCpuMillicores;
    view.replicaCpuMillicores = o.quantityStrings ? `${cpu}m` : cpu;
  }
  if (s.replicaMemoryGb !== undefined) {
    const gb = transient ? 0 : s.replicaMemoryGb;
    view.replicaMemoryGb = o.quantityStrings ? (Number.isInteger(gb) ? `${gb}Gi` : `${gb * 1024}Mi`) : gb;
  }
  return view;
}

export function endpointView(serviceId: string, e: EndpointRecord, now: number, phaseMs: number): ReversePrivateEndpoint {
  const short = e.id.replaceAll('-', '').slice(0, 17);
  return {
    id: e.id,
    serviceId,
    description: e.description,
    type: e.type,
    ...(e.fields as object),
    customPrivateDnsMappings: e.customPrivateDnsMappings,
    endpointId: `vpce-${short}`,
    dnsNames: [`vpce-${short}.sandbox.clickpipes.internal`],
    privateDnsNames: e.customPrivateDnsMappings.map((m) => m.privateDnsName),
    status: now < e.createdAt + phaseMs ? 'Provisioning' : 'Ready',
  };
}
