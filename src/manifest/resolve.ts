/**
 * Resolution of `${env:NAME}` and `${file:path}` references, for plan and apply only (validate never reads
 * them). The environment and the file system are injected; a file path is relative to its manifest.
 * Errors name the reference, never a value.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parseReference, type Reference } from './references.js';

export interface ResolveEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => Buffer;
  /** Paths in plan files are written relative to this directory. */
  readonly cwd: string;
}

export const processResolveEnv = (env: Record<string, string | undefined>, cwd: string): ResolveEnv => ({
  env,
  readFile: (p) => readFileSync(p),
  cwd,
});

export type Resolved = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly missing: string };

/** Fields whose `${file:…}` reference names a binary or JSON file that the API wants base64-encoded. */
const BASE64_FIELDS = [/\.serviceAccountKey$/, /\.serviceAccountFile$/];

function isBase64Field(path: string): boolean {
  return BASE64_FIELDS.some((re) => re.test(path));
}

/**
 * A reference as it is written in a plan file: env names as they are, file paths made relative to the
 * working directory (so the plan file applies from the same checkout), with the manifest's own directory folded in.
 */
export function portableReference(value: string, manifestFile: string, env: ResolveEnv): string {
  const ref = parseReference(value);
  if (ref?.kind !== 'file') return value;
  const abs = isAbsolute(ref.path) ? ref.path : join(dirname(manifestFile), ref.path);
  return `\${file:${relative(env.cwd, abs) || '.'}}`;
}

/** Resolves one value: a plain value is itself; a reference is read, and base64-encoded for key-file fields. */
export function resolveValue(value: string, fieldPath: string, env: ResolveEnv, manifestFile?: string): Resolved {
  const ref = parseReference(value);
  if (!ref) return { ok: true, value };
  return readReference(ref, fieldPath, env, manifestFile);
}

function readReference(ref: Reference, fieldPath: string, env: ResolveEnv, manifestFile?: string): Resolved {
  if (ref.kind === 'env') {
    const v = env.env[ref.name];
    return v === undefined || v === '' ? { ok: false, missing: `environment variable ${ref.name} is not set` } : { ok: true, value: v };
  }
  const base = manifestFile === undefined ? env.cwd : dirname(manifestFile);
  const p = isAbsolute(ref.path) ? ref.path : join(base, ref.path);
  try {
    const bytes = env.readFile(p);
    return { ok: true, value: isBase64Field(fieldPath) ? bytes.toString('base64') : bytes.toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, missing: `file ${relative(env.cwd, p) || p} cannot be read (${code === 'ENOENT' ? 'not found' : (code ?? 'error')})` };
  }
}
