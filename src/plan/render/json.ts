/** `--format json`: the plan data itself (formatVersion 1). Secrets never enter a Plan, so nothing to mask here. */
import type { Plan } from '../types.js';

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
