/**
 * The manifest JSON Schema (schemas/pipeform.schema.json), compiled once per process.
 * The same file serves editors (yaml-language-server) and this validator; `errorMessage` is read by
 * schema-errors.ts, so ajv only has to know the keyword exists.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

export type ManifestKind = 'Service' | 'ClickPipe' | 'ReversePrivateEndpoint';
export const MANIFEST_KINDS: readonly ManifestKind[] = ['Service', 'ClickPipe', 'ReversePrivateEndpoint'];
export const API_VERSION = 'pipeform/v1';

/** A JSON Schema node as this project writes them (a subset of draft 2020-12). */
export interface SchemaNode {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaNode | boolean>;
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  errorMessage?: string | Record<string, string | Record<string, string>>;
  [keyword: string]: unknown;
}

export interface ManifestSchema {
  readonly root: SchemaNode & { $defs: Record<string, SchemaNode> };
  validator(kind: ManifestKind): ValidateFunction;
  /** Follows a local `#/$defs/X` reference (repeatedly) to the node it names. */
  deref(node: SchemaNode): SchemaNode;
}

const SCHEMA_URL = new URL('../../schemas/pipeform.schema.json', import.meta.url);
let cached: ManifestSchema | undefined;

export function manifestSchema(): ManifestSchema {
  if (!cached) {
    const text = readFileSync(SCHEMA_URL, 'utf8');
    const root = JSON.parse(text) as ManifestSchema['root'];
    cached = withValidators(root, prebuilt(text) ?? compile(root));
  }
  return cached;
}

/** The validators the build generated (scripts/gen-validators.mjs), when they were made from this very schema. */
function prebuilt(text: string): ((kind: ManifestKind) => ValidateFunction) | undefined {
  let mod: Partial<Record<ManifestKind, ValidateFunction>> & { schemaHash?: string };
  try {
    mod = createRequire(import.meta.url)('./validators.gen.cjs');
  } catch {
    return undefined; // running from src (tests): compile
  }
  if (mod.schemaHash !== createHash('sha256').update(text).digest('hex')) return undefined;
  return (kind) => mod[kind]!;
}

function withValidators(root: ManifestSchema['root'], validatorOf: (kind: ManifestKind) => ValidateFunction): ManifestSchema {
  const validators = new Map<ManifestKind, ValidateFunction>();
  return {
    root,
    validator(kind) {
      let v = validators.get(kind);
      if (!v) {
        v = validatorOf(kind);
        validators.set(kind, v);
      }
      return v;
    },
    deref(node) {
      let n = node;
      for (let hops = 0; n.$ref !== undefined; hops++) {
        const name = /^#\/\$defs\/(\w+)$/.exec(n.$ref)?.[1];
        const target = name === undefined ? undefined : root.$defs[name];
        if (!target || hops > 16) throw new Error(`cannot follow $ref ${n.$ref}`);
        n = target;
      }
      return n;
    },
  };
}

/** Compiles at run time; the options match scripts/gen-validators.mjs. */
export function compile(root: ManifestSchema['root']): (kind: ManifestKind) => ValidateFunction {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true, // errors carry parentSchema, where errorMessage lives
    strict: true,
    strictTypes: false, // then-branches constrain a property without restating its type
    strictRequired: false,
  });
  // ajv-formats is CommonJS: under ESM its function is module.exports, which also carries itself as .default.
  addFormatsModule.default(ajv);
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: ['string', 'object'] });
  ajv.addSchema(root);
  const id = root.$id as string;
  return (kind) => {
    const v = ajv.getSchema(`${id}#/$defs/${kind}`);
    if (!v) throw new Error(`schema has no $defs/${kind}`);
    return v;
  };
}
