/**
 * Scaling values as the API reads them back (API notes §3.2): plain numbers, or Kubernetes quantity
 * strings such as "500m" (CPU) and "1Gi" / "512Mi" / "2G" / bytes (memory). The provider parses both.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const QUANTITY = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|Ki|Mi|Gi|Ti|k|K|M|G|T)?\s*$/;

/** CPU in millicores: 500, "500m", "0.5" and "1" (cores) all parse; undefined when unreadable. */
export function parseCpuMillicores(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === 'm') return n;
  if (m[2] === undefined) return Math.round(n * 1000);
  return undefined;
}

/** Memory in GiB: 2, "2Gi", "2048Mi", "2147483648" (bytes) and "2G" (decimal bytes) all parse. */
export function parseMemoryGb(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value);
  if (!m || m[2] === 'm') return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const bytes = unit in BINARY ? n * BINARY[unit]! : n * DECIMAL[unit]!;
  // Plain numbers as strings are GiB when small ("2"), bytes when large: the API has sent both.
  if (unit === '' && n < 1024) return n;
  return Math.round((bytes / 2 ** 30) * 1000) / 1000;
}
