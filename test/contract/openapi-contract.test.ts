/**
 * Contract with the official spec (../shared/reference/clickhouse-cloud-openapi.json): every request body
 * the client sends (captured on the wire) and every response the sandbox returns, for every source family,
 * validates against the spec's component schemas. Run without the quantity-strings fault: quantity strings
 * are a real deviation from the spec that pipeform normalizes, tested on their own.
 */
import { Agent } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloudClient } from '../../src/api/client.js';
import { RateLimiter } from '../../src/api/rate-limiter.js';
import { matchRoute, type RouteName } from '../../src/api/routes.js';
import { Transport } from '../../src/api/transport.js';
import type { ClickPipe, ClickPipePostRequest } from '../../src/api/types.js';
import { ManualClock } from '../../src/util/clock.js';
import { specProblems } from '../support/openapi-validator.js';
import { bodies, PHASE, startSandbox, SVC } from '../support/sandbox.js';

const REQUEST_SCHEMA: Partial<Record<RouteName, string>> = {
  pipeCreate: 'ClickPipePostRequest',
  pipeUpdate: 'ClickPipePatchRequest',
  settingsPut: 'ClickPipeSettingsPutRequest',
  scalingPatch: 'ClickPipeScalingPatchRequest',
  statePatch: 'ClickPipeStatePatchRequest',
  cdcScalingPatch: 'ClickPipesCdcScalingPatchRequest',
  endpointCreate: 'CreateReversePrivateEndpoint',
  endpointPatch: 'UpdateReversePrivateEndpoint',
  schemaDiscovery: 'ClickPipeSchemaDiscoveryRequest',
  serviceState: 'ServiceStatePatchRequest',
};

interface Exchange {
  route: RouteName;
  body: unknown;
}

const sent: Exchange[] = [];
const received: { schema: string; array?: boolean; value: unknown; what: string }[] = [];

beforeAll(async () => {
  const w = await startSandbox({ faults: 'idle' });
  const clock = new ManualClock().autoAdvance();
  // A client of our own whose dispatcher records every request body it puts on the wire.
  const recording = new Agent().compose((dispatch) => (opts, handler) => {
    const route = matchRoute(opts.method, opts.path.split('?')[0]!).route;
    if (route) sent.push({ route, body: typeof opts.body === 'string' ? JSON.parse(opts.body) : undefined });
    return dispatch(opts, handler);
  });
  const transport = new Transport({ baseUrl: w.sandbox.url, keyId: 'sandbox', keySecret: 'sandbox', dispatcher: recording, clock, limiter: new RateLimiter({ limit: 0, windowMs: 1 }, clock) });
  const client = new CloudClient(transport, { clock: w.clock, pollIntervalMs: PHASE });
  const got = (schema: string, what: string, array = false) => (value: unknown) => {
    received.push({ schema, array, value, what });
    return value;
  };

  await client.wakeService(SVC); // the idle fault: PATCH /state {command: awake}
  got('Service', 'GET service')(await client.getService(SVC));
  const pipes: Record<string, ClickPipe> = {};
  for (const [family, body] of Object.entries(bodies)) {
    pipes[family] = got('ClickPipe', `POST ${family}`)((await client.createClickPipe(SVC, body as unknown as ClickPipePostRequest)).value) as ClickPipe;
  }
  got('ClickPipe', 'GET list', true)(await client.listClickPipes(SVC));
  for (const [family, pipe] of Object.entries(pipes)) got('ClickPipe', `GET ${family}`)(await client.getClickPipe(SVC, pipe.id));

  const patch = async (family: keyof typeof bodies, body: object) => got('ClickPipe', `PATCH ${family}`)(await client.updateClickPipe(SVC, pipes[family]!.id, body));
  await patch('kafka', { name: 'kafka-renamed', destination: { columns: [{ name: 'id', type: 'UInt64' }, { name: 'body', type: 'String' }] }, fieldMappings: [{ sourceField: 'id', destinationField: 'id' }, { sourceField: 'b', destinationField: 'body' }] });
  await patch('kafka', { source: { kafka: { authentication: 'PLAIN', credentials: { username: 'u2', password: 'rotated' } } } });
  await patch('kinesis', { source: { kinesis: { authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' } } });
  await patch('azure', { source: { objectStorage: { connectionString: 'AccountKey=rotated' } } });
  await patch('pubsub', { source: { pubsub: { authentication: 'SERVICE_ACCOUNT', ackDeadline: 30, serviceAccountKey: { serviceAccountFile: 'cm90YXRlZA==' } } } });
  await patch('mysql', { source: { mysql: { host: 'new.example.com', port: 3306, credentials: { username: 'u', password: 'p' }, settings: { pullBatchSize: 1000, useCompression: true } } } });

  got('ClickPipeSettings', 'PUT settings')(await client.putSettings(SVC, pipes.kafka!.id, { clickhouse_max_threads: 8 }));
  got('ClickPipeSettings', 'GET settings')(await client.getSettings(SVC, pipes.s3Continuous!.id));
  got('ClickPipe', 'PATCH scaling')(await client.patchScaling(SVC, pipes.kafka!.id, { replicas: 2, replicaCpuMillicores: 1000, replicaMemoryGb: 4 }));
  got('ClickPipe', 'PATCH scaling object storage')(await client.patchScaling(SVC, pipes.s3Continuous!.id, { replicas: 3 }));

  for (const family of ['postgres', 'mysql', 'mongodb'] as const) {
    await w.clock.advance(4 * PHASE);
    got('ClickPipe', `stop ${family}`)(await client.changeState(SVC, pipes[family]!.id, 'stop'));
    await w.clock.advance(PHASE);
    const mapping = family === 'mongodb' ? { sourceDatabaseName: 'app', sourceCollection: 'orders', targetTable: 'orders' } : { sourceSchemaName: family === 'mysql' ? 'shop' : 'public', sourceTable: 'orders2', targetTable: 'orders2', tableEngine: 'ReplacingMergeTree' };
    // The spec requires the connection's identity in MySQL and MongoDB PATCHes; unchanged, it needs no credentials.
    const identity = { postgres: {}, mysql: { host: 'new.example.com', port: 3306 }, mongodb: { uri: 'mongodb+srv://c.example.net', readPreference: 'primary' } }[family];
    await patch(family, { source: { [family]: { ...identity, tableMappingsToAdd: [mapping] } } });
    await w.clock.advance(3 * PHASE);
    got('ClickPipe', `resync ${family}`)(await client.changeState(SVC, pipes[family]!.id, 'resync'));
  }
  got('ClickPipe', 'start')(await client.changeState(SVC, pipes.kafka!.id, 'start'));

  got('ClickPipesCdcScaling', 'GET cdc')(await client.getCdcScaling(SVC));
  got('ClickPipesCdcScaling', 'PATCH cdc')(await client.patchCdcScaling(SVC, { replicaCpuMillicores: 4000, replicaMemoryGb: 16 }));
  const { value: endpoint } = await client.createEndpoint(SVC, { description: 'msk', type: 'MSK_MULTI_VPC', mskClusterArn: 'arn:aws:kafka:eu-west-1:1:cluster/x/y', mskAuthentication: 'SASL_SCRAM' });
  got('ReversePrivateEndpoint', 'POST endpoint')(endpoint);
  got('ReversePrivateEndpoint', 'GET endpoints', true)(await client.listEndpoints(SVC));
  got('ReversePrivateEndpoint', 'PATCH endpoint')(await client.patchEndpoint(SVC, endpoint.id, { customPrivateDnsMappings: [{ privateDnsName: 'kafka.internal' }] }));
  await client.createEndpoint(SVC, { description: 'psc', type: 'GCP_PSC_SERVICE_ATTACHMENT', gcpServiceAttachment: 'projects/p/regions/r/serviceAttachments/a' });
  got('ClickPipeSchemaDiscoveryResponse', 'schema discovery')(await client.schemaDiscovery(SVC, { kafka: bodies.kafka.source.kafka }));
  await client.deleteEndpoint(SVC, endpoint.id);
  await client.deleteClickPipe(SVC, pipes.kinesis!.id);
});

describe('request bodies the client sends', () => {
  it('cover every body-carrying endpoint', () => {
    expect(new Set(sent.filter((e) => e.body !== undefined).map((e) => e.route))).toEqual(new Set(Object.keys(REQUEST_SCHEMA)));
  });

  it('each validates against its request schema', () => {
    const problems = sent.filter((e) => e.body !== undefined).flatMap((e) => specProblems(REQUEST_SCHEMA[e.route]!, e.body).map((p) => `${e.route}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('include a create for every source family', () => {
    const families = new Set(sent.filter((e) => e.route === 'pipeCreate').flatMap((e) => Object.keys((e.body as { source: object }).source)));
    expect([...families].sort()).toEqual(['bigquery', 'kafka', 'kinesis', 'mongodb', 'mysql', 'objectStorage', 'postgres', 'pubsub']);
  });
});

describe('responses the sandbox returns', () => {
  it('each validates against its response schema', () => {
    const problems = received.flatMap((r) => specProblems(r.schema, r.value, r.array).map((p) => `${r.what}: ${p}`));
    expect(problems).toEqual([]);
    expect(received.length).toBeGreaterThan(30);
  });

  it('a closed-world check that can fail: an invented field is caught', () => {
    const pipe = received.find((r) => r.what === 'GET kafka')!.value as Record<string, unknown>;
    expect(specProblems('ClickPipe', { ...pipe, invented: 1 })).toEqual(['ClickPipe must NOT have additional properties (invented)']);
  });
});
