/**
 * plan(desired, live, ledger, options) → Plan: pure (design §3). Matches each declared pipe to a live one
 * (by name, then previousNames), diffs them through the field-policy table, and turns the differences into
 * an action of ordered steps. Undeclared live pipes are deleted only under prune, never when protected.
 */
import { createHash } from 'node:crypto';
import type { ClickPipe } from '../api/types.js';
import { isDatabaseFamily, SOURCE_FAMILIES, type SourceFamily } from '../manifest/model.js';
import type { Ledger } from '../state/ledger.js';
import { observedPhase, stateCommandFor } from '../state/lifecycle.js';
import { wellFormed, type Live, type LiveService } from '../state/live.js';
import { canonical, flatten, type Flat } from '../state/normalize.js';
import type { Desired, DesiredPipe, DesiredService } from './desired.js';
import { diffPipe } from './diff.js';
import { policyOf } from './policy.js';
import { planCdcScaling, planEndpoints, pruneEndpoints } from './service-objects.js';
import { selectActions } from './select.js';
import { Chain, createSteps, endpointRefs, PATCH_COMPANIONS, replaceSteps, updateSteps } from './steps.js';
import { RISK_ORDER, type Action, type FieldChange, type Plan, type PlanNote, type PlanOptions, type Risk } from './types.js';

export function plan(desired: Desired, live: Live, ledger: Ledger, options: PlanOptions = {}): Plan {
  const actions: Action[] = [];
  const warnings: PlanNote[] = [];
  const errors: PlanNote[] = desired.problems.map((message) => ({ address: message.slice(0, message.indexOf(':')), message: message.slice(message.indexOf(':') + 2) }));
  const missingSecrets: PlanNote[] = [];
  const ledgerById = new Map(Object.values(ledger.pipes).map((e) => [e.id, e]));

  for (const service of desired.services) {
    const read = live[service.alias];
    if (!read) {
      errors.push({ address: service.alias, message: 'the live state of this service was not read' });
      continue;
    }
    const liveService = wellFormed(read, (address, message) => warnings.push({ address, message }));
    const endpoints = planEndpoints(service, desired.endpoints.filter((e) => e.service === service.alias), liveService);
    actions.push(...endpoints.actions);
    const ctx: ServiceContext = { service, live: liveService, ledger, ledgerById, options, endpoints: endpoints.createStep, nameOfId: endpoints.nameOfId, warnings, errors, missingSecrets };
    const claimed = new Set<string>();
    const pipeActions = desired.pipes.filter((p) => p.service === service.alias).map((d) => planPipe(d, ctx, claimed));
    pipeActions.push(...planUndeclared(ctx, claimed, desired.pipes.filter((p) => p.service === service.alias)));
    actions.push(...pipeActions);

    const firstDbCreate = pipeActions.find((a) => a.family && isDatabaseFamily(a.family) && a.steps.some((s) => s.op === 'createPipe'))?.steps.find((s) => s.op === 'createPipe')?.id;
    const hasLiveDbPipe = liveService.pipes.some((p) => isDatabaseFamily(familyOf(p)));
    const cdc = planCdcScaling(service, liveService, firstDbCreate, hasLiveDbPipe, errors);
    if (cdc) actions.push(cdc);

    if (service.prune || options.prune) {
      const usingSteps = (id: string) =>
        pipeActions.filter((a) => a.liveId && JSON.stringify(liveService.pipes.find((p) => p.id === a.liveId)?.source ?? {}).includes(id)).flatMap((a) => a.steps.slice(-1).map((s) => s.id));
      actions.push(...pruneEndpoints(service, endpoints.undeclared, usingSteps));
    }
  }
  const selected = selectActions(actions, options, errors);
  for (const a of selected) if (a.refused) errors.push({ address: a.address, message: a.refused });
  selected.sort((a, b) => a.address.localeCompare(b.address));
  const count = (k: Action['kind']) => selected.filter((a) => a.kind === k).length;
  const summary = { create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), rename: count('rename'), adopt: count('adopt'), noop: count('noop') };
  return { formatVersion: 1, actions: selected, warnings, errors, missingSecrets, summary, changes: selected.some((a) => a.steps.length > 0 || (a.kind !== 'noop')) };
}

interface ServiceContext {
  readonly service: DesiredService;
  readonly live: LiveService;
  readonly ledger: Ledger;
  readonly ledgerById: ReadonlyMap<string, Ledger['pipes'][string]>;
  readonly options: PlanOptions;
  readonly endpoints: ReadonlyMap<string, string>;
  readonly nameOfId: ReadonlyMap<string, string>;
  readonly warnings: PlanNote[];
  readonly errors: PlanNote[];
  readonly missingSecrets: PlanNote[];
}

function planPipe(d: DesiredPipe, ctx: ServiceContext, claimed: Set<string>): Action {
  const byName = ctx.live.pipes.find((p) => p.name === d.name && !claimed.has(p.id));
  const renamedFrom = byName ? undefined : ctx.live.pipes.find((p) => d.previousNames.includes(p.name) && !claimed.has(p.id));
  const livePipe = byName ?? renamedFrom;
  const endpointDeps = endpointRefs(d.body).flatMap((n) => (ctx.endpoints.has(n) ? [ctx.endpoints.get(n)!] : []));
  const base = { address: d.address, resource: 'pipe' as const, service: d.service, name: d.name, family: d.family };

  if (!livePipe) {
    const chain = new Chain(d.address, d.service, undefined);
    createSteps(chain, d, endpointDeps);
    requireSecrets(d, d.secrets.map((s) => s.path), ctx.missingSecrets);
    return { ...base, kind: 'create', changes: creationFields(d), risk: 'safe', reasons: [], steps: chain.steps };
  }
  claimed.add(livePipe.id);
  // By id: a renamed pipe keeps its ledger entry under its old address until apply moves it.
  const ledgerEntry = ctx.ledgerById.get(livePipe.id);
  const tracked = ledgerEntry !== undefined;
  const liveFamily = familyOf(livePipe);
  const liveFlat = flatten(livePipe as unknown as Record<string, unknown>, { family: liveFamily, pipeId: livePipe.id, endpointName: (id) => ctx.nameOfId.get(id) });
  const { changes, unknowns } = diffPipe(d, liveFlat, { ledger: tracked ? ledgerEntry : undefined, rotateSecrets: ctx.options.rotateSecrets === true });
  for (const u of unknowns) ctx.warnings.push({ address: d.address, message: u });
  const phase = observedPhase(livePipe.state);
  if (phase === 'failed') ctx.warnings.push({ address: d.address, message: `the live pipe is ${livePipe.state}; the plan goes on with the others` });

  const stateCommand = phase === 'completed' ? undefined : stateCommandFor(d.state, livePipe.state);
  const stateChange: FieldChange[] = stateCommand
    ? [{ path: 'state', policy: 'state', before: livePipe.state, after: d.state, reason: `${stateCommand} (PATCH /state)`, risk: 'safe' }]
    : [];
  const all = [...changes, ...stateChange];
  const common = { ...base, liveId: livePipe.id, liveState: livePipe.state, liveDigest: digest(liveFlat, d.flat) };
  const renamed = livePipe.name !== d.name ? [{ path: 'name', policy: 'update', before: livePipe.name, after: d.name, reason: 'renamed in place (PATCH)', risk: 'safe' } satisfies FieldChange] : [];
  const replaceWhy = replaceReasons(d, liveFamily, livePipe, [...renamed, ...changes]);

  if (replaceWhy.length > 0) {
    const chain = new Chain(d.address, d.service, livePipe.id);
    replaceSteps(chain, d, endpointDeps);
    requireSecrets(d, d.secrets.map((s) => s.path), ctx.missingSecrets);
    const protectedBy = d.protect || (tracked && ledgerEntry?.protect === true);
    const refused = protectedBy
      ? 'needs replacing but is protected (lifecycle.protect); remove the protection to let it be recreated'
      : ctx.options.allowReplace
        ? undefined
        : 'needs replacing (delete and create); run with --allow-replace to allow it';
    const cdc = isDatabaseFamily(d.family) ? [`the destination tables of a CDC pipe are not dropped by a delete: drop them before the new pipe snapshots`] : [];
    return { ...common, kind: 'replace', changes: [...renamed, ...all], risk: 'replace', reasons: [...replaceWhy, ...cdc], steps: chain.steps, ...(refused ? { refused } : {}) };
  }

  const rename = renamed.length > 0;
  all.unshift(...renamed);
  const chain = new Chain(d.address, d.service, livePipe.id);
  updateSteps(chain, d, livePipe.state, all, rename, endpointDeps);
  const patchedSecrets = all.filter((c) => c.policy === 'secret').map((c) => c.path);
  const sourcePatched = chain.steps.some((s) => s.op === 'patchPipe' && s.purpose === 'update' && (s.body.source as Record<string, unknown> | undefined)?.[d.family] !== undefined);
  const companions = sourcePatched ? (PATCH_COMPANIONS[d.family] ?? []).map((f) => `source.${d.family}.${f}`) : [];
  requireSecrets(d, [...patchedSecrets, ...companions], ctx.missingSecrets);
  const resnapshot = all.filter((c) => c.risk === 'resnapshot').map((c) => c.path.slice(c.path.indexOf('[') + 1, -1));
  const kind = rename ? 'rename' : !tracked ? 'adopt' : chain.steps.length > 0 ? 'update' : 'noop';
  const reasons = [
    ...(rename ? [`renamed from "${livePipe.name}" (metadata.previousNames)`] : []),
    ...(!tracked && !rename ? ['a live pipe has this name and the ledger does not track it: adopted, not created again'] : []),
  ];
  return { ...common, kind, previousName: rename ? livePipe.name : undefined, changes: all, risk: maxRisk(all), reasons, ...(resnapshot.length ? { resnapshot } : {}), steps: chain.steps };
}

/** What a create sets, for the renderers: every declared field, secrets as notes only. */
function creationFields(d: DesiredPipe): FieldChange[] {
  const fields: FieldChange[] = Object.entries(d.flat).map(([path, after]) => ({ path, policy: policyOf(path)?.policy ?? 'update', after, reason: 'set at creation', risk: 'safe' }));
  for (const s of d.secrets) fields.push({ path: s.path, policy: 'secret', note: '(sensitive)', reason: 'set at creation', risk: 'safe' });
  if (d.state === 'stopped') fields.push({ path: 'state', policy: 'state', after: 'stopped', reason: 'created, then stopped (the API cannot create a stopped pipe)', risk: 'safe' });
  return fields.sort((a, b) => a.path.localeCompare(b.path));
}

function replaceReasons(d: DesiredPipe, liveFamily: SourceFamily, live: ClickPipe, changes: readonly FieldChange[]): string[] {
  if (liveFamily !== d.family) return [`the source changes from ${liveFamily} to ${d.family}`];
  if (changes.length === 0) return [];
  if (d.family === 'bigquery') return ['BigQuery pipes cannot be updated: any change recreates the pipe'];
  if (live.state === 'Completed') return ['the pipe is Completed and the API refuses to modify it'];
  return changes.filter((c) => c.risk === 'replace').map((c) => `${c.path}: ${c.reason}`);
}

/** Live pipes no manifest claims: deleted under prune (unless protected), otherwise reported. */
function planUndeclared(ctx: ServiceContext, claimed: Set<string>, declared: readonly DesiredPipe[]): Action[] {
  const out: Action[] = [];
  const prune = ctx.service.prune || ctx.options.prune === true;
  for (const p of ctx.live.pipes) {
    if (claimed.has(p.id)) continue;
    const address = `${ctx.service.alias}/${p.name}`;
    if (declared.some((d) => d.address === address)) continue;
    const entry = ctx.ledgerById.get(p.id);
    if (!prune) {
      ctx.warnings.push({ address, message: entry ? 'its manifest is gone; it is left alone because prune is off (--prune deletes it)' : 'live pipe not in any manifest (unmanaged; prune is off)' });
      continue;
    }
    const chain = new Chain(address, ctx.service.alias, p.id);
    chain.add({ op: 'deletePipe' });
    const refused = entry?.protect ? 'is protected (lifecycle.protect when last applied); set protect: false in its manifest and apply before removing it' : undefined;
    out.push({
      address, resource: 'pipe', service: ctx.service.alias, kind: 'delete', name: p.name, family: familyOf(p), liveId: p.id, liveState: p.state,
      changes: [], risk: 'delete', reasons: [ctx.service.prune ? 'no manifest declares it and the service has prune: true' : 'no manifest declares it (--prune)'],
      steps: chain.steps, liveDigest: digest(flatten(p as unknown as Record<string, unknown>, { family: familyOf(p), pipeId: p.id })), ...(refused ? { refused } : {}),
    });
  }
  return out;
}

function requireSecrets(d: DesiredPipe, paths: readonly string[], missing: PlanNote[]): void {
  for (const s of d.secrets) {
    if (paths.includes(s.path) && s.missing.length > 0) missing.push({ address: d.address, message: `spec.${s.path}: ${s.missing.join('; ')}` });
  }
}

export function familyOf(p: ClickPipe): SourceFamily {
  return SOURCE_FAMILIES.find((f) => p.source[f] !== undefined && p.source[f] !== null) ?? 'kafka';
}

function maxRisk(changes: readonly FieldChange[]): Risk {
  return changes.reduce<Risk>((m, c) => (RISK_ORDER.indexOf(c.risk) > RISK_ORDER.indexOf(m) ? c.risk : m), 'safe');
}

/** sha256 of the live object's declared fields (all of them for a delete): moves only when they do. */
function digest(live: Flat, declared?: Flat): string {
  const collections = new Set(Object.keys(declared ?? {}).filter((d) => d.includes('[')).map((d) => d.slice(0, d.indexOf('['))));
  const keys = Object.keys(live).filter((k) => !declared || k in declared || (k.includes('[') && collections.has(k.slice(0, k.indexOf('[')))));
  const subset = Object.fromEntries(keys.map((k) => [k, live[k]]));
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(subset))).digest('hex').slice(0, 32)}`;
}
