/**
 * The manifest schema covers the official API: for each API component, the same field names, enums,
 * numeric bounds and kinds of value. Every deliberate difference is listed here with its reason, so a
 * new API field or enum value fails this test until the schema takes it.
 */
import { describe, expect, it } from 'vitest';
import { manifestSchema, type SchemaNode } from '../../src/manifest/schema.js';
import { apiSchema, type OpenApiSchema } from '../support/openapi.js';
import { edit, pipe, problems, service } from '../support/world.js';

interface Pair {
  api: string;
  ours: string;
  /** Fields we add, with why. */
  extra?: Record<string, string>;
  /** API fields we leave out of this object, with why. */
  omitted?: Record<string, string>;
}

const pairs: Pair[] = [
  { api: 'ClickPipePostRequest', ours: 'ClickPipeSpec',
    omitted: { name: 'the name is metadata.name (identity), not spec' },
    extra: { state: 'desired lifecycle, applied through PATCH /state', lifecycle: 'pipeform safety options, never sent' } },
  { api: 'ClickPipePostSource', ours: 'Source' },
  { api: 'ClickPipePostKafkaSource', ours: 'KafkaSource',
    extra: { reversePrivateEndpoints: 'names of declared endpoints, resolved to reversePrivateEndpointIds' } },
  { api: 'ClickPipeKafkaOffset', ours: 'KafkaOffset' },
  { api: 'ClickPipeMutateKafkaSchemaRegistry', ours: 'KafkaSchemaRegistry' },
  { api: 'ClickPipePostKinesisSource', ours: 'KinesisSource' },
  { api: 'ClickPipePostObjectStorageSource', ours: 'ObjectStorageSource' },
  { api: 'ClickPipePostPubSubSource', ours: 'PubSubSource' },
  { api: 'ClickPipeMutatePostgresSource', ours: 'PostgresSource' },
  { api: 'ClickPipePostgresPipeSettings', ours: 'PostgresSettings' },
  { api: 'ClickPipePostgresPipeTableMapping', ours: 'PostgresTableMapping' },
  { api: 'ClickPipeMutateMySQLSource', ours: 'MySQLSource' },
  { api: 'ClickPipeMySQLPipeSettings', ours: 'MySQLSettings' },
  { api: 'ClickPipeMySQLPipeTableMapping', ours: 'MySQLTableMapping',
    extra: { partitionByExpr: 'added to the live API after the saved spec (TF #671, API notes §4.4)' } },
  { api: 'ClickPipeMutateMongoDBSource', ours: 'MongoDBSource' },
  { api: 'ClickPipeMongoDBPipeSettings', ours: 'MongoDBSettings' },
  { api: 'ClickPipeMongoDBPipeTableMapping', ours: 'MongoDBTableMapping' },
  { api: 'ClickPipeMutateBigQuerySource', ours: 'BigQuerySource' },
  { api: 'ClickPipeBigQueryPipeSettings', ours: 'BigQuerySettings' },
  { api: 'ClickPipeBigQueryPipeTableMapping', ours: 'BigQueryTableMapping' },
  { api: 'ClickPipeMutateDestination', ours: 'Destination' },
  { api: 'ClickPipeDestinationTableDefinition', ours: 'TableDefinition' },
  { api: 'ClickPipeDestinationTableEngine', ours: 'TableEngine' },
  { api: 'ClickPipeDestinationColumn', ours: 'Column' },
  { api: 'ClickPipeFieldMapping', ours: 'FieldMapping' },
  { api: 'ClickPipeScaling', ours: 'Scaling' },
  { api: 'ClickPipeSettings', ours: 'Settings',
    extra: { kafka_read_committed: 'added to the live API after the saved spec (TF #631, clickhousectl #602)' } },
  { api: 'ClickPipesCdcScaling', ours: 'CdcScaling' },
  { api: 'CreateReversePrivateEndpoint', ours: 'ReversePrivateEndpointSpec' },
  { api: 'PLAIN', ours: 'UsernamePassword' },
  { api: 'MskIamUser', ours: 'AccessKey' },
  { api: 'ServiceAccount', ours: 'ServiceAccount' },
];

const schema = manifestSchema();
const ours = (name: string): SchemaNode => {
  const def = schema.root.$defs[name];
  if (!def) throw new Error(`no $defs/${name}`);
  return def;
};

/** The API's value kind: refs and nullable unions reduced to one of string/number/boolean/array/object. */
function apiKind(s: OpenApiSchema): string {
  if (s.$ref || s.oneOf) return 'object';
  const t = (Array.isArray(s.type) ? s.type : [s.type]).filter((x) => x !== 'null')[0];
  return t === 'integer' ? 'number' : String(t);
}
function ourKind(s: SchemaNode): string {
  const n = schema.deref(s);
  if (n.enum) return typeof n.enum[0] === 'string' ? 'string' : 'unknown';
  if (n.const !== undefined) return typeof n.const;
  return n.type === 'integer' ? 'number' : String(n.type);
}
const apiEnum = (s: OpenApiSchema) => (s.enum ?? []).filter((v) => v !== null).map(String).sort();
const ourEnum = (s: SchemaNode) => {
  const n = schema.deref(s);
  return n.const !== undefined ? [String(n.const)] : (n.enum ?? []).map(String).sort();
};

describe.each(pairs)('$ours covers $api', ({ api, ours: ourName, extra = {}, omitted = {} }) => {
  const a = apiSchema(api);
  const o = ours(ourName);
  const apiProps = a.properties ?? {};
  const ourProps = (o.properties ?? {}) as Record<string, SchemaNode>;

  it('has the same fields', () => {
    expect(Object.keys(ourProps).filter((k) => !(k in extra)).sort()).toEqual(Object.keys(apiProps).filter((k) => !(k in omitted)).sort());
  });

  it('has the same enums, bounds and kinds of value', () => {
    for (const [key, ap] of Object.entries(apiProps)) {
      const op = ourProps[key];
      if (!op) continue;
      const where = `${ourName}.${key}`;
      expect(ourKind(op), where).toBe(apiKind(ap));
      if (ap.enum) expect(ourEnum(op), where).toEqual(apiEnum(ap));
      const n = schema.deref(op);
      if (ap.minimum !== undefined) expect(n.minimum, `${where} minimum`).toBe(ap.minimum);
      if (ap.maximum !== undefined) expect(n.maximum, `${where} maximum`).toBe(ap.maximum);
    }
  });

  it("requires at least what the API requires", () => {
    const required = new Set((o.required as string[] | undefined) ?? []);
    for (const key of a.required ?? []) expect(required.has(key), `${ourName}.${key} required`).toBe(true);
  });
});

it('Kafka credentials cover the four credential shapes of the API', () => {
  const shapes = ['PLAIN', 'MskIamUser', 'AzureEventHub', 'MutualTLS'].flatMap((s) => Object.keys(apiSchema(s).properties ?? {}));
  expect(Object.keys(ours('KafkaCredentials').properties ?? {}).sort()).toEqual(shapes.sort());
});

describe('Kafka authentication per type, as the API describes it', () => {
  // "Supported authentication methods: kafka: PLAIN, SCRAM-SHA-256, …, msk: SCRAM-SHA-512, …"
  const text = apiSchema('ClickPipeKafkaSource').properties!.authentication!.description!;
  const allowed = new Map<string, string[]>();
  for (const m of text.matchAll(/(\w+): ((?:[A-Z0-9_-]+(?:, )?)+)/g)) allowed.set(m[1]!, m[2]!.split(', ').filter(Boolean));
  const types = apiEnum(apiSchema('ClickPipeKafkaSource').properties!.type!);
  const auths = apiEnum(apiSchema('ClickPipeKafkaSource').properties!.authentication!);

  it('names every type', () => expect([...allowed.keys()].sort()).toEqual(types));

  const credentialsFor = (type: string, auth: string): Record<string, unknown> => {
    if (type === 'azureeventhub') return { credentials: { connectionString: '${env:EH}' } };
    switch (auth) {
      case 'IAM_ROLE': return { iamRole: 'arn:aws:iam::123456789012:role/r' };
      case 'IAM_USER': return { credentials: { accessKeyId: 'AKIA', secretKey: '${env:SK}' } };
      case 'MUTUAL_TLS': return { credentials: { certificate: '${file:c.pem}', privateKey: '${file:k.pem}' } };
      default: return { credentials: { username: 'u', password: '${env:P}' } };
    }
  };
  const matrix = types.flatMap((t) => auths.map((a) => [t, a, allowed.get(t)!.includes(a)] as const));
  it.each(matrix)('type %s with %s: valid=%s', (type, auth, valid) => {
    const doc = edit(pipe(), (p) => {
      const { credentials: _drop, ...rest } = p.spec.source.kafka;
      p.spec.source.kafka = { ...rest, type, authentication: auth, ...credentialsFor(type, auth) };
    });
    expect(problems(service(), doc).length === 0).toBe(valid);
  });
});
