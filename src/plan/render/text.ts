/** The terminal rendering: Terraform-like markers, per-field old → new, reasons, risk, steps, summary. */
import type { Colors } from '../../cli/io.js';
import type { Action, Plan } from '../types.js';
import { actionTitle, changeLine, MARKER, shown, stepLabel, summaryLine } from './format.js';

export function renderText(plan: Plan, c: Colors): string {
  const out: string[] = [];
  const paint = (marker: string, s: string) =>
    marker === '+' ? c.green(s) : marker === '-' ? c.red(s) : marker === '-/+' ? c.magenta(s) : marker === '~' ? c.yellow(s) : s;
  for (const a of shown(plan)) {
    out.push(paint(MARKER[a.kind], `${MARKER[a.kind]} ${actionTitle(a)}`) + riskTag(a, c));
    for (const r of a.reasons) out.push(`    # ${r}`);
    if (a.refused) out.push(c.red(`    ! refused: ${a.refused}`));
    for (const ch of a.changes) {
      const { marker, text } = changeLine(ch, a.kind === 'create');
      const why = a.kind === 'create' ? '' : c.dim(`  (${ch.reason})`);
      out.push(`    ${paint(marker, `${marker} ${text}`)}${why}`);
    }
    if (a.resnapshot?.length) out.push(`    # tables snapshotted again: ${a.resnapshot.join(', ')}`);
    if (a.steps.length > 0) out.push(c.dim(`    steps: ${a.steps.map(stepLabel).join(' → ')}`));
    out.push('');
  }
  for (const w of plan.warnings) out.push(c.yellow(`warning: ${w.address}: ${w.message}`));
  for (const m of plan.missingSecrets) out.push(c.yellow(`missing secret: ${m.address}: ${m.message} (apply needs it)`));
  for (const e of plan.errors) out.push(c.red(`error: ${e.address}: ${e.message}`));
  if (plan.warnings.length + plan.errors.length + plan.missingSecrets.length > 0) out.push('');
  out.push(c.bold(summaryLine(plan)));
  return `${out.join('\n')}\n`;
}

function riskTag(a: Action, c: Colors): string {
  if (a.risk === 'safe') return '';
  const tag = `  [risk: ${a.risk}]`;
  return a.risk === 'delete' || a.risk === 'replace' ? c.red(tag) : c.yellow(tag);
}
