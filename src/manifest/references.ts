/**
 * `${env:NAME}` and `${file:path}` references. validate checks only their syntax: it never reads an
 * environment variable or a referenced file, so it runs on a fork's pull request without secrets.
 */
export type Reference = { readonly kind: 'env'; readonly name: string } | { readonly kind: 'file'; readonly path: string };

const ENV = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
const FILE = /^\$\{file:([^}\s][^}]*)\}$/;

/** The reference a whole value is, or undefined for a plain value. */
export function parseReference(value: string): Reference | undefined {
  const env = ENV.exec(value);
  if (env) return { kind: 'env', name: env[1]! };
  const file = FILE.exec(value);
  if (file) return { kind: 'file', path: file[1]! };
  return undefined;
}

/** A value that tries to be a reference and is not one; the value itself is never repeated. */
export function isMalformedReference(value: string): boolean {
  return value.includes('${') && parseReference(value) === undefined;
}

/** Every string in a document with its path, for reference checks and (later) resolution. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], string]> {
  if (typeof value === 'string') {
    yield [path, value];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
  }
}
