/**
 * Service-level objects: reverse private endpoints (matched to live ones by description, since the API has
 * no name for them) and the service's CDC scaling. Endpoint creates come before the pipes that use them;
 * endpoint deletes after the pipes that used them are gone.
 */
import type { ReversePrivateEndpoint } from '../api/types.js';
import type { LiveService } from '../state/live.js';
import { sameValue } from '../state/normalize.js';
import type { DesiredEndpoint, DesiredService } from './desired.js';
import { Chain } from './steps.js';
import type { Action, FieldChange, PlanNote } from './types.js';

/** Fields of an endpoint that PATCH can change (UpdateReversePrivateEndpoint); every other one forces a replace. */
const ENDPOINT_PATCHABLE = new Set(['customPrivateDnsMappings']);
const ENDPOINT_FIELDS = ['type', 'vpcEndpointServiceName', 'vpcResourceConfigurationId', 'vpcResourceShareArn', 'mskClusterArn', 'mskAuthentication', 'gcpServiceAttachment', 'customPrivateDnsMappings'];

export interface EndpointPlan {
  readonly actions: Action[];
  /** Endpoint name → the step that creates it (pipes using it depend on that step). */
  readonly createStep: ReadonlyMap<string, string>;
  /** Live endpoint id → declared name, so live pipes' ids compare with manifest names. */
  readonly nameOfId: ReadonlyMap<string, string>;
  /** Live endpoints no manifest declares. */
  readonly undeclared: readonly ReversePrivateEndpoint[];
}

export function planEndpoints(service: DesiredService, declared: readonly DesiredEndpoint[], live: LiveService): EndpointPlan {
  const actions: Action[] = [];
  const createStep = new Map<string, string>();
  const nameOfId = new Map<string, string>();
  const liveEndpoints = live.endpoints ?? [];
  const matched = new Set<string>();
  for (const e of declared) {
    const found = liveEndpoints.find((l) => l.description === e.description && !matched.has(l.id));
    const base = { address: e.address, resource: 'endpoint' as const, service: service.alias, name: e.name, reasons: [] as string[] };
    if (!found) {
      const chain = new Chain(e.address, service.alias, undefined);
      createStep.set(e.name, chain.add({ op: 'createEndpoint', body: e.body }).id);
      actions.push({ ...base, kind: 'create', changes: [], risk: 'safe', steps: chain.steps });
      continue;
    }
    matched.add(found.id);
    nameOfId.set(found.id, e.name);
    const changes: FieldChange[] = [];
    for (const f of ENDPOINT_FIELDS) {
      const after = e.body[f];
      const before = (found as unknown as Record<string, unknown>)[f];
      if (after === undefined || sameValue(after, f === 'customPrivateDnsMappings' ? before ?? [] : before)) continue;
      const patchable = ENDPOINT_PATCHABLE.has(f);
      changes.push({
        path: f, policy: patchable ? 'update' : 'replace', before, after,
        reason: patchable ? 'changed in place (PATCH replaces the whole list)' : 'forces replacement: reverse private endpoints change only this way',
        risk: patchable ? 'safe' : 'replace',
      });
    }
    const chain = new Chain(e.address, service.alias, found.id);
    if (changes.length === 0) {
      actions.push({ ...base, kind: 'noop', liveId: found.id, changes, risk: 'safe', steps: [] });
    } else if (changes.some((c) => c.risk === 'replace')) {
      chain.add({ op: 'deleteEndpoint', endpointId: found.id });
      createStep.set(e.name, chain.add({ op: 'createEndpoint', body: e.body }).id);
      actions.push({ ...base, kind: 'replace', liveId: found.id, changes, risk: 'replace', steps: chain.steps, reasons: ['a field that cannot change in place changed'] });
    } else {
      chain.add({ op: 'patchEndpoint', endpointId: found.id, body: { customPrivateDnsMappings: e.body.customPrivateDnsMappings } });
      actions.push({ ...base, kind: 'update', liveId: found.id, changes, risk: 'safe', steps: chain.steps });
    }
  }
  return { actions, createStep, nameOfId, undeclared: liveEndpoints.filter((l) => !matched.has(l.id)) };
}

/** Deletes of undeclared endpoints under prune, after every pipe step that still uses them. */
export function pruneEndpoints(service: DesiredService, undeclared: readonly ReversePrivateEndpoint[], pipeStepsUsing: (id: string) => string[]): Action[] {
  return undeclared.map((l) => {
    const address = `${service.alias}/endpoint:${l.description}`;
    const chain = new Chain(address, service.alias, l.id, pipeStepsUsing(l.id));
    chain.add({ op: 'deleteEndpoint', endpointId: l.id });
    return {
      address, resource: 'endpoint', service: service.alias, kind: 'delete', name: l.description, liveId: l.id, changes: [], risk: 'delete',
      reasons: ['no manifest declares it and prune is on'], steps: chain.steps,
    } satisfies Action;
  });
}

/**
 * CDC scaling is shared by the service's database pipes and exists only once one of them does: a PATCH
 * that depends on the first database pipe's create when the service has none yet.
 */
export function planCdcScaling(service: DesiredService, live: LiveService, firstDbCreate: string | undefined, hasLiveDbPipe: boolean, errors: PlanNote[]): Action | undefined {
  const want = service.cdcScaling;
  if (!want) return undefined;
  const address = `${service.alias}/cdcScaling`;
  const current = live.cdcScaling === 'unavailable' ? undefined : live.cdcScaling;
  const base = { address, resource: 'cdcScaling' as const, service: service.alias, name: 'cdcScaling' };
  if (current && sameValue({ ...want }, { replicaCpuMillicores: current.replicaCpuMillicores, replicaMemoryGb: current.replicaMemoryGb })) {
    return { ...base, kind: 'noop', changes: [], risk: 'safe', reasons: [], steps: [] };
  }
  if (!current && !hasLiveDbPipe && firstDbCreate === undefined) {
    errors.push({ address, message: 'cdcScaling needs a database pipe (Postgres, MySQL, MongoDB, BigQuery) in this service: the API offers it only once one exists' });
  }
  const changes: FieldChange[] = (['replicaCpuMillicores', 'replicaMemoryGb'] as const)
    .filter((k) => current?.[k] !== want[k])
    .map((k) => ({ path: k, policy: 'update', ...(current ? { before: current[k] } : {}), after: want[k], reason: 'changed by PATCH clickpipesCdcScaling (shared by the service\'s database pipes)', risk: 'safe' }));
  const chain = new Chain(address, service.alias, undefined, firstDbCreate && !current ? [firstDbCreate] : []);
  chain.add({ op: 'patchCdcScaling', scaling: want });
  return { ...base, kind: current ? 'update' : 'create', changes, risk: 'safe', reasons: current ? [] : ['set once the first database pipe exists'], steps: chain.steps };
}
