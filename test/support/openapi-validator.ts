/**
 * Validates bodies against the official spec's component schemas, closed-world: every object schema with
 * properties gets additionalProperties: false, so neither the client nor the sandbox can invent a field.
 * Two documented adjustments, nothing else:
 *  - the credential oneOfs (PLAIN | MskIamUser | AzureEventHub | MutualTLS …) are checked as anyOf: none of
 *    their branches has required fields, so every real body matches several and oneOf rejects it
 *    (API notes §12, the spec's known defect);
 *  - fields the live API gained after this snapshot of the spec are added: settings.kafka_read_committed
 *    (TF #631) and the MySQL table mapping's partitionByExpr (TF #671).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApi, type OpenApiSchema } from './openapi.js';

const CREDENTIAL_SHAPES = new Set(['PLAIN', 'MskIamUser', 'AzureEventHub', 'MutualTLS', 'ServiceAccount']);
const NEWER_THAN_SPEC: Record<string, Record<string, OpenApiSchema>> = {
  ClickPipeSettings: { kafka_read_committed: { type: ['boolean', 'null'] } },
  ClickPipeSettingsPutRequest: { kafka_read_committed: { type: ['boolean', 'null'] } },
  ClickPipeMySQLPipeTableMapping: { partitionByExpr: { type: 'string' } },
};

function adjusted(): Record<string, unknown> {
  const schemas = structuredClone(openApi().components.schemas) as Record<string, Record<string, unknown>>;
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const branches = n.oneOf as { $ref?: string }[] | undefined;
    if (branches?.every((b) => b.$ref && CREDENTIAL_SHAPES.has(b.$ref.split('/').pop()!))) {
      n.anyOf = branches;
      delete n.oneOf;
    }
    if (n.properties && n.additionalProperties === undefined) n.additionalProperties = false;
    Object.values(n).forEach(visit);
  };
  for (const [name, extra] of Object.entries(NEWER_THAN_SPEC)) Object.assign((schemas[name]!.properties ??= {}) as object, extra);
  visit(schemas);
  return { $id: 'openapi', components: { schemas } };
}

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

export function specValidator(schemaName: string, array = false): ValidateFunction {
  const key = `${schemaName}${array ? '[]' : ''}`;
  let v = cache.get(key);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormatsModule.default(ajv);
      ajv.addFormat('password', true);
      ajv.addSchema(adjusted());
    }
    const ref = { $ref: `openapi#/components/schemas/${schemaName}` };
    v = ajv.compile(array ? { type: 'array', items: ref } : ref);
    cache.set(key, v);
  }
  return v;
}

/** Problems of `value` against the schema, as readable lines (empty when valid). */
export function specProblems(schemaName: string, value: unknown, array = false): string[] {
  const v = specValidator(schemaName, array);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${schemaName}${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
