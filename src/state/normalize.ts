/**
 * Normalization of both sides of a diff, on copies (design §3, API notes §3, §7, §11). A pipe becomes a flat
 * record of field path → comparable value, so that values the API spells differently but means the same
 * compare equal. Every rule here is listed in the plan issue's note and has a test:
 *
 *  1. null and absent are the same (dropped); the diff takes an empty list and absent as the same (`sortingKey: null` is `[]`).
 *  2. engine type "MergeTree()" is "MergeTree".
 *  3. scaling CPU/memory quantity strings ("500m", "1Gi", "512Mi", bytes) become millicores / GiB.
 *  4. transient zeros right after a scaling change (replicas < 1, CPU < 125, memory < 0.5) are unknown, not
 *     values (TRANSIENT): they are never a diff, the next plan compares again.
 *  5. the server-chosen Kafka consumerGroup `clickpipes-<id>` is dropped from the live side.
 *  6. keyed arrays become maps: columns by name, field mappings by source field, table mappings by source table
 *     (schema.table, database.collection, dataset.table), so a reorder is no change; excludedColumns and
 *     reverse private endpoints are sets.
 *  7. reverse private endpoints are compared by name: live ids are shown as the name of the declared endpoint.
 *  8. secrets and fields the API does not echo are not flattened: the ledger answers for them (see plan/secrets).
 */
import type { SourceFamily } from '../manifest/model.js';
import { policyOf } from '../plan/policy.js';
import { parseCpuMillicores, parseMemoryGb } from './quantity.js';

export type Flat = Record<string, unknown>;

/** A live value read back as a transient zero: unknown for now, so never a diff. */
export const TRANSIENT = '(transient zero)';

export interface NormalizeContext {
  readonly family: SourceFamily;
  /** Live pipes only: the id, for the server-chosen consumer group. */
  readonly pipeId?: string;
  /** Live pipes only: reverse private endpoint id → the name of the declared endpoint it is. */
  readonly endpointName?: (id: string) => string | undefined;
}

/** Fields read back on the live side that say something about the object but are nobody's to set. */
const READ_ONLY = new Set(['id', 'serviceId', 'state', 'createdAt', 'updatedAt', 'name']);

export function tableMappingKey(family: SourceFamily, m: Record<string, unknown>): string {
  switch (family) {
    case 'mongodb':
      return `${String(m.sourceDatabaseName)}.${String(m.sourceCollection)}`;
    case 'bigquery':
      return `${String(m.sourceDatasetName)}.${String(m.sourceTable)}`;
    default:
      return `${String(m.sourceSchemaName)}.${String(m.sourceTable)}`;
  }
}

/** A pipe document in the API's shape (manifest spec or live ClickPipe) as a flat comparable record. */
export function flatten(doc: Record<string, unknown>, ctx: NormalizeContext): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(doc)) {
    if (READ_ONLY.has(k) || k === 'lifecycle') continue;
    walk(k, v, out, ctx);
  }
  return out;
}

function walk(path: string, value: unknown, out: Flat, ctx: NormalizeContext): void {
  if (value === null || value === undefined) return;
  const entry = policyOf(path);
  if (entry?.policy === 'secret' || entry?.policy === 'state' || entry?.policy === 'ignored') return;
  if (path === 'source') {
    // Only the pipe's own family: the API returns the others as null.
    walk(`source.${ctx.family}`, (value as Record<string, unknown>)[ctx.family], out, ctx);
    const samples = (value as Record<string, unknown>).validateSamples;
    if (samples !== undefined) walk('source.validateSamples', samples, out, ctx);
    return;
  }
  const special = SPECIAL[path.replace(`source.${ctx.family}.`, 'source.*.')];
  if (special) return special(path, value, out, ctx);
  if (entry?.policy === 'container' || (entry === undefined && isPlainObject(value) && path.split('.').length < 4)) {
    if (!isPlainObject(value)) {
      out[path] = value; // a wrong shape is still a value to compare, never a crash
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(`${path}.${k}`, v, out, ctx);
    return;
  }
  out[path] = canonical(value);
}

type Special = (path: string, value: unknown, out: Flat, ctx: NormalizeContext) => void;

const SPECIAL: Record<string, Special> = {
  'destination.columns': (path, value, out) => {
    for (const c of asArray(value)) out[`${path}[${String(c.name)}]`] = c.type ?? null;
  },
  fieldMappings: (path, value, out) => {
    const byField = new Map<string, string[]>();
    for (const m of asArray(value)) byField.set(String(m.sourceField), [...(byField.get(String(m.sourceField)) ?? []), String(m.destinationField)]);
    for (const [k, v] of byField) out[`${path}[${k}]`] = v.length === 1 ? v[0] : v.sort();
  },
  'source.*.tableMappings': (path, value, out, ctx) => {
    for (const m of asArray(value)) out[`${path}[${tableMappingKey(ctx.family, m)}]`] = normalizeMapping(m);
  },
  'destination.tableDefinition.engine.type': (path, value, out) => {
    out[path] = typeof value === 'string' ? value.replace(/\(\s*\)$/, '') : value;
  },
  'source.*.consumerGroup': (path, value, out, ctx) => {
    if (ctx.pipeId !== undefined && value === `clickpipes-${ctx.pipeId}`) return;
    out[path] = value;
  },
  'source.*.reversePrivateEndpoints': (path, value, out) => {
    out[path] = mergeSet(out[path], asStrings(value));
  },
  'source.*.reversePrivateEndpointIds': (path, value, out, ctx) => {
    const names = asStrings(value).map((id) => ctx.endpointName?.(id) ?? id);
    const key = path.replace(/Ids$/, 's');
    out[key] = mergeSet(out[key], names);
  },
  'scaling.replicas': (path, value, out) => {
    out[path] = typeof value === 'number' && value < 1 ? TRANSIENT : value;
  },
  'scaling.replicaCpuMillicores': (path, value, out) => {
    const n = parseCpuMillicores(value);
    if (n === undefined) out[path] = value;
    else out[path] = n >= 125 ? n : TRANSIENT;
  },
  'scaling.replicaMemoryGb': (path, value, out) => {
    const n = parseMemoryGb(value);
    if (n === undefined) out[path] = value;
    else out[path] = n >= 0.5 ? n : TRANSIENT;
  },
};

function normalizeMapping(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m).sort()) {
    const v = m[k];
    if (v === null || v === undefined) continue;
    out[k] = k === 'excludedColumns' && Array.isArray(v) ? [...v].map(String).sort() : canonical(v);
  }
  return out;
}

/** Objects with sorted keys and without nulls, so equal values serialize equally. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) if (value[k] !== null && value[k] !== undefined) out[k] = canonical(value[k]);
    return out;
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function mergeSet(existing: unknown, more: string[]): string[] {
  return [...new Set([...(Array.isArray(existing) ? (existing as string[]) : []), ...more])].sort();
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
