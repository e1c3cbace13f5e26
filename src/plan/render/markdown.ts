/**
 * The pull-request comment: a summary table, a banner when anything is deleted or replaced, one
 * `<details>` per object with its diff. Kept under GitHub's 65,536-character comment limit: when the
 * full rendering is longer, the per-object details are cut from the end and a note says so.
 */
import type { Plan } from '../types.js';
import { actionTitle, changeLine, MARKER, shown, stepLabel, summaryLine } from './format.js';

export const MARKDOWN_LIMIT = 65_000;

export function renderMarkdown(plan: Plan, limit = MARKDOWN_LIMIT): string {
  const head: string[] = ['### pipeform plan', ''];
  const destructive = shown(plan).filter((a) => a.kind === 'delete' || a.kind === 'replace');
  if (destructive.length > 0) {
    head.push(`> [!CAUTION]`, `> This plan **deletes or replaces** ${destructive.length === 1 ? 'an object' : `${destructive.length} objects`}: ${destructive.map((a) => `\`${a.address}\``).join(', ')}.`, '');
  }
  if (plan.errors.length > 0) {
    head.push('> [!WARNING]', '> Apply will refuse this plan:', ...plan.errors.map((e) => `> - \`${e.address}\`: ${escape(e.message)}`), '');
  }
  if (plan.missingSecrets.length > 0) {
    head.push('> [!NOTE]', '> Secrets this plan must send are not available here (apply stops before any call without them):', ...plan.missingSecrets.map((m) => `> - \`${m.address}\`: ${escape(m.message)}`), '');
  }
  head.push(summaryLine(plan), '');
  const rows = shown(plan);
  if (rows.length > 0) {
    head.push('| | address | action | risk | changes |', '|---|---|---|---|---|');
    for (const a of rows) head.push(`| \`${MARKER[a.kind]}\` | \`${a.address}\` | ${a.kind} | ${a.risk} | ${a.kind === 'create' ? '' : a.changes.length} |`);
    head.push('');
  }
  const details = rows.map((a) => {
    const lines = a.changes.map((c) => {
      const { marker, text } = changeLine(c, a.kind === 'create');
      return `${marker} ${text}${a.kind === 'create' ? '' : `   # ${c.reason}`}`;
    });
    const body = [
      ...a.reasons.map((r) => `*${escape(r)}*  `),
      ...(a.refused ? [`**Refused:** ${escape(a.refused)}  `] : []),
      ...(a.resnapshot?.length ? [`Tables snapshotted again: ${a.resnapshot.map((t) => `\`${t}\``).join(', ')}  `] : []),
      ...(lines.length ? ['```diff', ...lines.map((l) => l.replaceAll('```', "'''")), '```'] : []),
      ...(a.steps.length ? [`Steps: ${a.steps.map(stepLabel).join(' → ')}`] : []),
    ];
    return ['<details>', `<summary><code>${MARKER[a.kind]}</code> ${escape(actionTitle(a))}</summary>`, '', ...body, '', '</details>', ''].join('\n');
  });
  const tail: string[] = [];
  if (plan.warnings.length > 0) tail.push('<details>', `<summary>${plan.warnings.length} warning(s)</summary>`, '', ...plan.warnings.map((w) => `- \`${w.address}\`: ${escape(w.message)}`), '', '</details>', '');

  let text = [...head, ...details, ...tail].join('\n');
  if (text.length <= limit) return text;
  const kept: string[] = [];
  const headText = head.join('\n');
  let size = headText.length + 200;
  for (const d of details) {
    if (size + d.length > limit) break;
    kept.push(d);
    size += d.length + 1;
  }
  text = [headText, ...kept, `_Cut: ${details.length - kept.length} of ${details.length} objects are not shown (GitHub comments are limited to 65,536 characters). Run \`pipeform plan\` for the full plan._`, ''].join('\n');
  return text;
}

function escape(s: string): string {
  return s.replace(/[<>|]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '|': '\\|' })[ch]!);
}
