/**
 * `pipeform status`: for every declared and every live pipe of the declared services, its sync
 * (Synced, OutOfSync, Missing, Unmanaged) and health (Healthy, Progressing, Suspended, Degraded, Missing,
 * Unknown) with the observed state, like `argocd app get`. Sync comes from a fresh plan, health from the
 * lifecycle model. --detailed-exitcode: 0 when all are synced and healthy, 2 otherwise.
 */
import { userError } from '../../errors.js';
import type { Action } from '../../plan/types.js';
import { healthOf, type Health } from '../../state/lifecycle.js';
import { colorsFor, type CliIo } from '../io.js';
import { computePlan, loadOrReport, withConnection, type PlanFlags } from './plan.js';

export type Sync = 'Synced' | 'OutOfSync' | 'Missing' | 'Unmanaged';

export interface StatusRow {
  readonly address: string;
  readonly kind: 'pipe' | 'endpoint' | 'cdcScaling';
  readonly sync: Sync;
  readonly health: Health;
  readonly state?: string;
  /** What differs, for OutOfSync. */
  readonly fields?: readonly string[];
}

export interface StatusFlags extends Pick<PlanFlags, 'ledger' | 'sandbox' | 'apiUrl' | 'apiRate'> {
  readonly format: string;
  readonly detailedExitcode?: boolean;
}

export async function statusCommand(paths: string[], flags: StatusFlags, io: CliIo): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw userError('USAGE', `--format must be text or json, got "${flags.format}"`);
  const set = loadOrReport(paths, io);
  if (!set) return 1;
  const planned = await withConnection(flags, io, (c) => computePlan(set, { ...flags, format: 'text', target: [], exclude: [] }, io, c));
  const rows = statusRows(planned.plan.actions, planned.plan.warnings, (address) => planned.desired.pipes.find((p) => p.address === address));
  if (flags.format === 'json') io.stdout.write(`${JSON.stringify({ formatVersion: 1, pipes: rows }, null, 2)}\n`);
  else io.stdout.write(table(rows, io));
  const ok = rows.every((r) => r.sync === 'Synced' && (r.health === 'Healthy' || r.health === 'Suspended'));
  return flags.detailedExitcode && !ok ? 2 : 0;
}

export function statusRows(actions: readonly Action[], warnings: readonly { address: string; message: string }[], desiredOf: (address: string) => { state: 'running' | 'stopped'; family: string } | undefined): StatusRow[] {
  const rows: StatusRow[] = [];
  for (const a of actions) {
    if (a.resource !== 'pipe') {
      rows.push({ address: a.address, kind: a.resource, sync: a.kind === 'create' ? 'Missing' : a.steps.length > 0 ? 'OutOfSync' : 'Synced', health: a.kind === 'create' ? 'Missing' : 'Healthy' });
      continue;
    }
    const d = desiredOf(a.address);
    const sync: Sync = a.kind === 'create' ? 'Missing' : a.kind === 'delete' ? 'Unmanaged' : a.steps.length > 0 ? 'OutOfSync' : 'Synced';
    const fields = a.changes.map((c) => c.path);
    rows.push({
      address: a.address, kind: 'pipe', sync, health: healthOf(d?.state, a.kind === 'create' ? undefined : a.liveState, d?.family ?? a.family ?? ''),
      ...(a.liveState ? { state: a.liveState } : {}), ...(sync === 'OutOfSync' && a.kind !== 'create' ? { fields } : {}),
    });
  }
  // Live pipes no manifest declares (prune off): the plan lists them as warnings only.
  for (const w of warnings) {
    if (rows.some((r) => r.address === w.address) || !/not in any manifest|its manifest is gone/.test(w.message)) continue;
    rows.push({ address: w.address, kind: 'pipe', sync: 'Unmanaged', health: 'Unknown' });
  }
  return rows.sort((x, y) => x.address.localeCompare(y.address));
}

function table(rows: readonly StatusRow[], io: CliIo): string {
  const c = colorsFor(io);
  const head = ['ADDRESS', 'SYNC', 'HEALTH', 'STATE'];
  const cells = rows.map((r) => [r.address, r.sync, r.health, r.state ?? '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const paint = (i: number, v: string) =>
    i === 1 ? (v === 'Synced' ? c.green(v) : c.yellow(v)) : i === 2 ? (v === 'Healthy' || v === 'Suspended' ? c.green(v) : v === 'Degraded' ? c.red(v) : c.yellow(v)) : v;
  const line = (row: string[], colour: boolean) => row.map((v, i) => (colour ? paint(i, v) : v) + ' '.repeat(widths[i]! - v.length)).join('  ').trimEnd();
  const out = [line(head, false), ...cells.map((row) => line(row, true))];
  for (const r of rows) if (r.fields?.length) out.push(`  ${r.address}: ${r.fields.join(', ')}`);
  const synced = rows.filter((r) => r.sync === 'Synced').length;
  out.push('', `${synced} of ${rows.length} synced; ${rows.filter((r) => r.health === 'Healthy' || r.health === 'Suspended').length} healthy`);
  return `${out.join('\n')}\n`;
}

