/**
 * Turns ajv errors into diagnostics a person can act on: the field, a plain-language message, the
 * schema's own `errorMessage` where it has one, and "did you mean" for misspelt keys and values.
 * Values from the document are never echoed (a secret may sit where a value is wrong); only keys and
 * suggestions taken from the schema are.
 */
import type { ErrorObject } from 'ajv';
import type { DiagnosticCode } from './diagnostic.js';
import { didYouMean } from './did-you-mean.js';
import type { SchemaNode } from './schema.js';

export interface SchemaProblem {
  readonly code: DiagnosticCode;
  /** Path inside the document; for a missing or unknown key it ends with that key. */
  readonly path: (string | number)[];
  /** True when the problem is about the key itself (unknown or missing), false when about its value. */
  readonly atKey: boolean;
  readonly message: string;
}

export function explainSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const handledOneOf = errors
    .filter((e) => e.keyword === 'oneOf' && customMessage(e) !== undefined)
    .map((e) => `${e.schemaPath}/`);
  const explained = errors
    // "must match then schema" only repeats the errors of the then-branch itself.
    .filter((e) => e.keyword !== 'if')
    // A oneOf with its own message stands for the branch errors under it.
    .filter((e) => !handledOneOf.some((prefix) => e.schemaPath.startsWith(prefix)))
    .map((e) => ({ e, problem: explain(e) }));
  const pathKey = (p: SchemaProblem) => p.path.join('\u0000');
  // A rule's own message ("must be PLAIN or MUTUAL_TLS for type confluent") says more than the generic
  // enum check on the same field: the generic one is dropped, its "did you mean" moves to the rule's.
  const hasRule = new Set(explained.filter(({ e }) => customMessage(e) !== undefined).map(({ problem }) => pathKey(problem)));
  const hints = new Map<string, string>();
  const kept = explained.filter(({ e, problem }) => {
    const generic = (e.keyword === 'enum' || e.keyword === 'const') && customMessage(e) === undefined;
    if (!generic || !hasRule.has(pathKey(problem))) return true;
    const hint = /\(did you mean "[^"]*"\?\)$/.exec(problem.message)?.[0];
    if (hint) hints.set(pathKey(problem), hint);
    return false;
  });
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const { e, problem } of kept) {
    const hint = customMessage(e) === undefined ? undefined : hints.get(pathKey(problem));
    const out = hint && !problem.message.endsWith(hint) ? { ...problem, message: `${problem.message} ${hint}` } : problem;
    const key = `${pathKey(out)}\u0001${out.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(out);
    }
  }
  return problems;
}

function explain(e: ErrorObject): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const custom = customMessage(e);
  const secret = /\/\$defs\/SecretRef\//.test(e.schemaPath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as SchemaNode | undefined)?.properties ?? {});
      return { code: 'unknown-field', path: [...path, key], atKey: true, message: `unknown field${didYouMean(key, known)}${splitValueHint(key)}` };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return { code: 'schema', path: [...path, key], atKey: true, message: custom ?? 'is required' };
    }
    default:
      return {
        code: secret ? 'secret-literal' : 'schema',
        path,
        atKey: e.keyword === 'not' || e.keyword === 'false schema',
        message: custom ?? defaultMessage(e),
      };
  }
}

function customMessage(e: ErrorObject): string | undefined {
  const em = (e.parentSchema as SchemaNode | undefined)?.errorMessage;
  if (typeof em === 'string') return em;
  const forKeyword = em?.[e.keyword];
  if (typeof forKeyword === 'string') return forKeyword;
  if (forKeyword && e.keyword === 'required') return forKeyword[String(e.params.missingProperty)];
  return undefined;
}

function defaultMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return `must be one of ${allowed.join(', ')}${hint}`;
    }
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be ${article(String(p.type))}${booleanHint(e)}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'minItems':
      return p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return `must not repeat an item (items ${String(p.j)} and ${String(p.i)} are the same)`;
    case 'minProperties':
      return 'must not be empty';
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    case 'format':
      return p.format === 'date-time'
        ? 'must be an RFC 3339 date-time such as 2026-01-31T09:30:00Z'
        : `must be a valid ${String(p.format)}`;
    case 'oneOf':
      return 'must match exactly one of the allowed shapes';
    case 'not':
    case 'false schema':
      return 'is not allowed here';
    default:
      return e.message ?? 'is invalid';
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'null',
  };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

/** YAML 1.2 reads yes/no/on/off as strings; people coming from YAML 1.1 expect booleans. */
function booleanHint(e: ErrorObject): string {
  const data = e.data;
  if (e.params.type === 'boolean' && typeof data === 'string' && /^(yes|no|on|off|y|n)$/i.test(data)) {
    return ' (YAML 1.2 reads yes/no/on/off as text: write true or false)';
  }
  if ((e.params.type === 'integer' || e.params.type === 'number') && typeof data === 'string' && /^-?[\d.]+$/.test(data)) {
    return ' (remove the quotes)';
  }
  return '';
}

/** `{ type: Decimal(18, 2) }`: inside a flow mapping the comma ends the value and `2)` becomes a key. */
function splitValueHint(key: string): string {
  return /[)\]]/.test(key) ? ' (a comma inside { … } ends a value: quote values that contain commas, e.g. "Decimal(18, 2)")' : '';
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}
