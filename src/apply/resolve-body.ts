/**
 * Turns a step body from the plan into what is sent: `${env:…}` / `${file:…}` references read (in this
 * process only, at send time) and `${endpoint:NAME}` replaced by the endpoint's id. The result is never
 * logged or stored; the transport redacts secret fields from its log lines.
 */
import { PipeformError, userError } from '../errors.js';
import { parseReference } from '../manifest/references.js';
import { resolveValue, type ResolveEnv } from '../manifest/resolve.js';
import { isPlainObject } from '../state/normalize.js';

const ENDPOINT = /^\$\{endpoint:([^}]+)\}$/;

export function resolveBody<T>(body: T, env: ResolveEnv, endpointId: (name: string) => string | undefined, address: string): T {
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const endpoint = ENDPOINT.exec(value);
      if (endpoint) {
        const id = endpointId(endpoint[1]!);
        if (id === undefined) throw new PipeformError('internal', 'ENDPOINT_UNRESOLVED', `${address}: reverse private endpoint ${endpoint[1]} has no id yet`);
        return id;
      }
      if (parseReference(value) === undefined) return value;
      const r = resolveValue(value, path, env);
      if (!r.ok) throw userError('SECRET_MISSING', `${address}: spec.${path}: ${r.missing}`);
      return r.value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, path));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path === '' ? k : `${path}.${k}`)]));
    return value;
  };
  return walk(body, '') as T;
}
