/** Durations as users write them: 90s, 30m, 1h, 500ms, or a plain number of seconds. */
import { userError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) throw userError('USAGE', `${flag} must be a duration such as 90s, 30m or 1h, got "${value}"`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (ms <= 0) throw userError('USAGE', `${flag} must be more than zero`);
  return ms;
}
