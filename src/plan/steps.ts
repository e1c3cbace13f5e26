/**
 * Step recipes per action (API notes §6, §11; design §4): the calls a change takes, in the order the real
 * API needs, each step depending on the one before it in its pipe and on the steps of other objects it needs.
 */
import type { ClickPipeState } from '../api/types.js';
import type { SourceFamily } from '../manifest/model.js';
import { stateCommandFor } from '../state/lifecycle.js';
import { isPlainObject } from '../state/normalize.js';
import type { DesiredPipe } from './desired.js';
import type { FieldChange, Step, StepOp } from './types.js';

/** Fields the spec's Patch*Source schemas require in every PATCH of that family, mapping edits included. */
const SPEC_REQUIRED: Partial<Record<SourceFamily, readonly string[]>> = {
  mysql: ['host', 'port'],
  mongodb: ['uri', 'readPreference'],
  pubsub: ['authentication', 'serviceAccountKey'],
};

/**
 * Fields that travel with every source edit other than mappings: the spec-required ones and, for database
 * pipes, the credentials, because the control plane re-validates the connection on such an edit and fails
 * without them (terraform-provider #617/#618). Mapping edits carry only the spec-required identity.
 */
export const PATCH_COMPANIONS: Partial<Record<SourceFamily, readonly string[]>> = {
  postgres: ['credentials'],
  mysql: [...SPEC_REQUIRED.mysql!, 'credentials'],
  mongodb: [...SPEC_REQUIRED.mongodb!, 'credentials'],
  pubsub: SPEC_REQUIRED.pubsub,
};

export class Chain {
  readonly steps: Step[] = [];
  constructor(
    private readonly address: string,
    private readonly service: string,
    private readonly pipeId: string | undefined,
    private readonly after: readonly string[] = [],
  ) {}

  add(op: StepOp, extraDeps: readonly string[] = []): Step {
    const prev = this.steps.at(-1);
    const step = {
      ...op,
      id: `${this.address}#${this.steps.length + 1}`,
      address: this.address,
      service: this.service,
      ...(this.pipeId !== undefined && op.op !== 'createPipe' && op.op !== 'createEndpoint' ? { pipeId: this.pipeId } : {}),
      dependsOn: [...new Set([...(prev ? [prev.id] : this.after), ...extraDeps])],
    } as Step;
    this.steps.push(step);
    return step;
  }
}

/** Endpoint names a body refers to as `${endpoint:NAME}`. */
export function endpointRefs(body: unknown): string[] {
  return [...JSON.stringify(body).matchAll(/\$\{endpoint:([^}]+)\}/g)].map((m) => m[1]!);
}

export function createSteps(chain: Chain, d: DesiredPipe, endpointDeps: readonly string[]): void {
  chain.add({ op: 'createPipe', body: d.body }, endpointDeps);
  // The API cannot create a stopped pipe: create it, then stop it.
  if (d.state === 'stopped') chain.add({ op: 'state', command: 'stop' });
}

export function replaceSteps(chain: Chain, d: DesiredPipe, endpointDeps: readonly string[]): void {
  chain.add({ op: 'deletePipe' });
  createSteps(chain, d, endpointDeps);
}

/**
 * An in-place update: [pause → wait] for mapping edits → PATCH → PATCH remove mappings → PATCH add mappings
 * → wait (the API resumes the pipe) → PUT settings → start/stop → PATCH scaling (notes §11).
 */
export function updateSteps(chain: Chain, d: DesiredPipe, liveState: ClickPipeState, changes: readonly FieldChange[], rename: boolean, endpointDeps: readonly string[]): void {
  const fam = d.family;
  const source = ((d.body.source as Record<string, unknown>)[fam] ?? {}) as Record<string, unknown>;
  const byPolicy = (p: FieldChange['policy']) => changes.filter((c) => c.policy === p);
  const mappingChanges = byPolicy('pause-required');
  let state = liveState;

  if (mappingChanges.length > 0 && stateCommandFor('stopped', state) === 'stop') {
    chain.add({ op: 'state', command: 'stop' });
    chain.add({ op: 'wait', until: 'stopped' });
    state = 'Paused';
  }

  const patch = patchBody(d, source, [...byPolicy('update'), ...byPolicy('secret')], rename);
  if (patch) chain.add({ op: 'patchPipe', purpose: 'update', body: patch }, endpointDeps);

  if (mappingChanges.length > 0) {
    const removed = mappingChanges.filter((c) => c.before !== undefined).map((c) => removalEntry(fam, c.before as Record<string, unknown>));
    const added = mappingChanges.filter((c) => c.after !== undefined).map((c) => c.after);
    // The API refuses add and remove of the same source table in one PATCH: remove first, then add. Each
    // edit resumes the pipe, so it is paused again between the two.
    const identity = Object.fromEntries((SPEC_REQUIRED[fam] ?? []).map((f) => [f, source[f]]));
    if (removed.length > 0) chain.add({ op: 'patchPipe', purpose: 'remove-mappings', body: { source: { [fam]: { ...identity, tableMappingsToRemove: removed } } } });
    if (removed.length > 0 && added.length > 0) {
      chain.add({ op: 'wait', until: 'running' });
      chain.add({ op: 'state', command: 'stop' });
      chain.add({ op: 'wait', until: 'stopped' });
    }
    if (added.length > 0) chain.add({ op: 'patchPipe', purpose: 'add-mappings', body: { source: { [fam]: { ...identity, tableMappingsToAdd: added } } } });
    // The API resumes the pipe after a mapping edit (and snapshots added tables).
    chain.add({ op: 'wait', until: 'running' });
    state = 'Running';
  }

  const settings = Object.fromEntries(byPolicy('settings').filter((c) => c.after !== undefined).map((c) => [c.path.slice('settings.'.length), c.after]));
  if (Object.keys(settings).length > 0) chain.add({ op: 'putSettings', settings });

  const command = stateCommandFor(d.state, state);
  if (command) chain.add({ op: 'state', command });

  const scaling = Object.fromEntries(byPolicy('scaling').filter((c) => c.after !== undefined).map((c) => [c.path.slice('scaling.'.length), c.after]));
  if (Object.keys(scaling).length > 0) chain.add({ op: 'patchScaling', scaling });
}

/** The PATCH body: the changed top-level source fields (whole, as the manifest gives them), columns and field mappings whole. */
function patchBody(d: DesiredPipe, source: Record<string, unknown>, changes: readonly FieldChange[], rename: boolean): Record<string, unknown> | undefined {
  const fam = d.family;
  const body: Record<string, unknown> = {};
  if (rename) body.name = d.name;
  const src: Record<string, unknown> = {};
  let sourceChanged = false;
  for (const c of changes) {
    if (c.path === 'source.validateSamples') {
      body.source = { ...(body.source as object), validateSamples: c.after };
      continue;
    }
    if (c.path.startsWith('destination.columns')) body.destination = { columns: (d.body.destination as Record<string, unknown>).columns };
    else if (c.path.startsWith('fieldMappings')) body.fieldMappings = d.body.fieldMappings;
    else if (c.path.startsWith(`source.${fam}.`)) {
      const [field, sub] = c.path.slice(`source.${fam}.`.length).split('.');
      const name = field === 'reversePrivateEndpoints' ? 'reversePrivateEndpointIds' : field!;
      sourceChanged = true;
      if (field === 'settings' && sub !== undefined) {
        // Only the patchable tuning keys reach here: the others force a replace.
        const settings = (src.settings ?? {}) as Record<string, unknown>;
        settings[sub] = (source.settings as Record<string, unknown>)[sub];
        src.settings = settings;
      } else {
        src[name] = source[name];
      }
    }
  }
  if (sourceChanged) {
    for (const f of PATCH_COMPANIONS[fam] ?? []) if (source[f] !== undefined) src[f] ??= source[f];
    body.source = { ...(body.source as object), [fam]: src };
  }
  return Object.keys(body).length > 0 ? body : undefined;
}

/** tableMappingsToRemove needs only the identity of a mapping. */
function removalEntry(family: SourceFamily, m: Record<string, unknown>): Record<string, unknown> {
  const keys =
    family === 'mongodb' ? ['sourceDatabaseName', 'sourceCollection', 'targetTable'] : ['sourceSchemaName', 'sourceTable', 'targetTable'];
  return Object.fromEntries(keys.filter((k) => isPlainObject(m) && m[k] !== undefined).map((k) => [k, m[k]]));
}
