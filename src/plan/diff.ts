/**
 * Field-level diff of one pipe: desired and live flattened (state/normalize), each difference classified
 * by the field-policy table. A field the manifest leaves out belongs to the server and is never a diff;
 * a keyed collection the manifest declares (columns, field mappings, table mappings) is compared both ways.
 */
import type { LedgerPipe } from '../state/ledger.js';
import { isPlainObject, sameValue, TRANSIENT, type Flat } from '../state/normalize.js';
import type { DesiredPipe } from './desired.js';
import { policyOf, type FieldPolicy, type PolicyEntry } from './policy.js';
import type { FieldChange, Risk } from './types.js';

export interface PipeDiff {
  readonly changes: FieldChange[];
  /** What the plan cannot verify (unknown secrets, create-only values without a ledger entry). */
  readonly unknowns: string[];
}

export interface DiffContext {
  readonly ledger?: LedgerPipe;
  readonly rotateSecrets: boolean;
}

export function diffPipe(desired: DesiredPipe, live: Flat, ctx: DiffContext): PipeDiff {
  const changes: FieldChange[] = [];
  const unknowns: string[] = [];
  const ignored = (path: string) => desired.ignoreChanges.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const collections = new Set(Object.keys(desired.flat).filter((k) => k.includes('[')).map((k) => k.slice(0, k.indexOf('['))));

  for (const [path, after] of Object.entries(desired.flat)) {
    if (ignored(path)) continue;
    const entry = policyOf(path) ?? { policy: 'replace' };
    let before = live[path];
    if (entry.policy === 'create-only' && before === undefined) {
      if (ctx.ledger && path in ctx.ledger.createOnly) before = ctx.ledger.createOnly[path];
      else {
        unknowns.push(`${path} is create-only and not returned by the API; with no ledger entry pipeform cannot tell whether the live pipe has it`);
        continue;
      }
    }
    if (equalForPolicy(path, after, before)) continue;
    changes.push(change(path, entry, before, after));
  }
  for (const [path, before] of Object.entries(live)) {
    const i = path.indexOf('[');
    if (i < 0 || !collections.has(path.slice(0, i)) || path in desired.flat || ignored(path)) continue;
    changes.push(change(path, policyOf(path) ?? { policy: 'replace' }, before, undefined));
  }
  for (const s of desired.secrets) {
    if (ignored(s.path)) continue;
    const entry = policyOf(s.path)!;
    const known = ctx.ledger?.secrets[s.path];
    if (known === undefined) {
      if (ctx.rotateSecrets) changes.push({ ...change(s.path, entry, undefined, undefined), note: '(rotating: --rotate-secrets)' });
      else unknowns.push(`${s.path}: no fingerprint in the ledger, so pipeform cannot know whether the live pipe uses this value; --rotate-secrets sends it`);
    } else if (s.fingerprint === undefined) {
      unknowns.push(`${s.path}: cannot check for rotation (${s.missing.join('; ')})`);
    } else if (s.fingerprint !== known || ctx.rotateSecrets) {
      changes.push({ ...change(s.path, entry, undefined, undefined), note: '(rotating)' });
    }
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { changes, unknowns };
}

/** Table mapping entries compare on the fields the manifest gives; everything else compares whole. */
function equalForPolicy(path: string, after: unknown, before: unknown): boolean {
  if (before === TRANSIENT) return true;
  if (before === undefined && Array.isArray(after) && after.length === 0) return true;
  if (path.includes('.tableMappings[') && isPlainObject(after) && isPlainObject(before)) {
    return Object.entries(after).every(([k, v]) => sameValue(v, before[k]));
  }
  return sameValue(after, before);
}

const REASON: Record<FieldPolicy, (e: PolicyEntry) => string> = {
  update: () => 'changed in place (PATCH)',
  settings: () => 'changed by PUT /settings',
  scaling: () => 'changed by PATCH /scaling',
  'pause-required': () => 'the pipe is paused for the edit, then resumes',
  replace: (e) => `forces replacement${e.why ? `: ${e.why}` : ''}`,
  'create-only': (e) => `forces replacement: ${e.why ?? 'set only at creation'}`,
  secret: (e) => (e.via === 'replace' ? `forces replacement: ${e.why ?? 'cannot be rotated in place'}` : 'rotated in place (PATCH)'),
  state: () => 'state command',
  ignored: () => 'not sent',
  container: () => 'changed',
};

function change(path: string, entry: PolicyEntry, before: unknown, after: unknown): FieldChange {
  const secret = entry.policy === 'secret';
  return {
    path,
    policy: entry.policy,
    ...(secret || before === undefined ? {} : { before }),
    ...(secret || after === undefined ? {} : { after }),
    reason: REASON[entry.policy](entry),
    risk: riskOf(entry, before, after),
  };
}

function riskOf(entry: PolicyEntry, before: unknown, after: unknown): Risk {
  switch (entry.policy) {
    case 'replace':
    case 'create-only':
      return 'replace';
    case 'secret':
      return entry.via === 'replace' ? 'replace' : 'safe';
    case 'pause-required':
      return before !== undefined && after !== undefined ? 'resnapshot' : 'pause';
    default:
      return 'safe';
  }
}
