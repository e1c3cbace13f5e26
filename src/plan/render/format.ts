/** Shared pieces of the plan renderers: markers, value formatting, step labels. Pure. */
import { assertNever } from '../../util/assert-never.js';
import type { Action, ActionKind, FieldChange, Plan, Step } from '../types.js';

export const MARKER: Record<ActionKind, string> = { create: '+', update: '~', replace: '-/+', delete: '-', noop: ' ', rename: '~', adopt: '~' };

const MAX_VALUE = 120;

/** A value as the plan shows it: JSON, long strings (certificates) shortened, never a secret (they carry only notes). */
export function showValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return typeof v === 'string' && s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 12)}…(${s.length} chars)` : s;
}

export function changeLine(c: FieldChange, creating: boolean): { marker: string; text: string } {
  if (c.note !== undefined) return { marker: creating ? '+' : '~', text: `${c.path}: ${c.note}` };
  if (creating || c.before === undefined) return { marker: '+', text: `${c.path}: ${showValue(c.after)}` };
  if (c.after === undefined) return { marker: '-', text: `${c.path}: ${showValue(c.before)}` };
  return { marker: '~', text: `${c.path}: ${showValue(c.before)} → ${showValue(c.after)}` };
}

export function stepLabel(s: Step): string {
  switch (s.op) {
    case 'createEndpoint':
      return 'POST reverse private endpoint';
    case 'patchEndpoint':
      return 'PATCH reverse private endpoint';
    case 'deleteEndpoint':
      return 'DELETE reverse private endpoint';
    case 'createPipe':
      return 'POST clickpipe';
    case 'patchPipe':
      return s.purpose === 'update' ? 'PATCH clickpipe' : `PATCH clickpipe (${s.purpose})`;
    case 'putSettings':
      return `PUT settings (${Object.keys(s.settings).join(', ')})`;
    case 'patchScaling':
      return `PATCH scaling (${Object.keys(s.scaling).join(', ')})`;
    case 'state':
      return s.command;
    case 'wait':
      return `wait until ${s.until}`;
    case 'deletePipe':
      return 'DELETE clickpipe';
    case 'patchCdcScaling':
      return 'PATCH clickpipesCdcScaling';
    default:
      return assertNever(s);
  }
}

export function actionTitle(a: Action): string {
  const what = a.resource === 'pipe' ? `(${a.family})` : a.resource === 'endpoint' ? '(reverse private endpoint)' : '(CDC scaling)';
  const kind = a.kind === 'rename' ? `rename from "${a.previousName}"` : a.kind;
  return `${a.address} ${what} ${kind}`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  if (!plan.changes) return 'No changes. The live pipes match the manifests.';
  const extra = [s.rename ? `${s.rename} to rename` : '', s.adopt ? `${s.adopt} to adopt` : ''].filter(Boolean);
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${extra.length ? `, ${extra.join(', ')}` : ''}.`;
}

/** Actions a reader needs to see: noops are only counted. */
export const shown = (plan: Plan): Action[] => plan.actions.filter((a) => a.kind !== 'noop');
