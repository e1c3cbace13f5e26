/**
 * --target and --exclude: addresses (SVC/NAME, SVC/endpoint:NAME, SVC/cdcScaling), whole services (SVC),
 * or patterns with `*`. A selected step that depends on an unselected one is an error, not a silent skip.
 */
import type { Action, PlanNote, PlanOptions } from './types.js';

export function matchesAddress(address: string, pattern: string): boolean {
  if (!pattern.includes('*')) return address === pattern || address.startsWith(`${pattern}/`);
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(address);
}

export function selectActions(actions: readonly Action[], options: PlanOptions, errors: PlanNote[]): Action[] {
  const target = options.target ?? [];
  const exclude = options.exclude ?? [];
  const selected = actions.filter((a) => (target.length === 0 || target.some((t) => matchesAddress(a.address, t))) && !exclude.some((x) => matchesAddress(a.address, x)));
  if (selected.length === actions.length) return [...actions];
  const kept = new Set(selected.flatMap((a) => a.steps.map((s) => s.id)));
  const owner = new Map(actions.flatMap((a) => a.steps.map((s) => [s.id, a.address] as const)));
  for (const a of selected) {
    for (const s of a.steps) {
      const missing = s.dependsOn.filter((d) => !kept.has(d));
      for (const m of missing) errors.push({ address: a.address, message: `depends on ${owner.get(m)}, which --target/--exclude leaves out; include it` });
    }
  }
  return selected;
}
