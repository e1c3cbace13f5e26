/** Cross-document and in-document checks that JSON Schema cannot express. */
import { describe, expect, it } from 'vitest';
import { edit, endpoint, load, pipe, problems, service } from '../support/world.js';

const svcB = edit(service('staging'), (s) => (s.spec.serviceId = '1c7e5d2f-4b6a-4e3b-9f82-6d1e0b4a3c22'));

describe('identity across documents', () => {
  it('a Service declared twice', () => {
    const out = load(service(), edit(service(), (s) => (s.spec.serviceId = '1c7e5d2f-4b6a-4e3b-9f82-6d1e0b4a3c22')));
    expect(out.diagnostics.map((d) => [d.line, d.field, d.message])).toEqual([
      [12, 'metadata.name', 'Service "prod" is already declared at m.yaml:1'],
    ]);
  });

  it('two aliases of the same service id', () => {
    expect(problems(service(), service('other'))).toEqual([
      'spec.serviceId: the same organization and service id are already declared as Service "prod" at m.yaml:1',
    ]);
  });

  it('ids given as references are not compared (their values are unknown to validate)', () => {
    const byRef = edit(service('other'), (s) => (s.spec.serviceId = '${env:SERVICE_ID}'));
    expect(problems(service(), byRef)).toEqual([]);
  });

  it('an unknown metadata.service, with a suggestion and the declared names', () => {
    expect(problems(service(), svcB, pipe('kafka', 'a', 'prdo'))).toEqual([
      'metadata.service: no Service named "prdo" (did you mean "prod"?); declared services: prod, staging',
    ]);
  });

  it('an unknown service when no Service is loaded at all', () => {
    expect(problems(pipe())).toEqual(['metadata.service: no Service named "prod"; no Service document is loaded']);
  });

  it('a duplicate pipe address, and the same name in another service is fine', () => {
    expect(problems(service(), svcB, pipe(), pipe('kafka', 'events', 'staging'), pipe('kinesis'))).toEqual([
      'metadata.name: pipe prod/events is already declared at m.yaml:17',
    ]);
  });

  it('duplicate endpoints and endpoint descriptions', () => {
    const described = (name: string) => edit(endpoint(name), (e) => (e.spec.description = 'shared'));
    expect(problems(service(), endpoint(), endpoint(), described('a'), described('b'))).toEqual([
      'metadata.name: endpoint prod/endpoint:vpce is already declared at m.yaml:9',
      'spec.description: endpoint description must be unique in the service (it is how pipeform finds the live endpoint); prod/endpoint:vpce at m.yaml:9 has the same',
      'spec.description: endpoint description must be unique in the service (it is how pipeform finds the live endpoint); prod/endpoint:a at m.yaml:27 has the same',
    ]);
  });

  it('identity checks still run on documents the schema rejected', () => {
    const broken = edit(pipe('kafka', 'events'), (p) => (p.spec.source.kafka.format = 'XML'));
    expect(problems(service(), pipe(), broken)).toEqual([
      'metadata.name: pipe prod/events is already declared at m.yaml:9',
      'spec.source.kafka.format: must be one of JSONEachRow, Avro, AvroConfluent, Protobuf',
    ]);
  });
});

describe('previousNames', () => {
  const renamed = (name: string, previous: string[]) => edit(pipe('kafka', name), (p) => (p.metadata.previousNames = previous));

  it('a previous name claimed by two pipes', () => {
    expect(problems(service(), renamed('a', ['old']), renamed('b', ['old']))).toEqual([
      'metadata.previousNames[0]: "old" is also a previous name of prod/a (m.yaml:9); only one pipe can take over the live pipe',
    ]);
  });

  it('a previous name that is another pipe\'s current name', () => {
    expect(problems(service(), renamed('a', ['b']), pipe('kafka', 'b'))).toEqual([
      'metadata.previousNames[0]: "b" is the name of another declared pipe (m.yaml:41); a rename to it would collide',
    ]);
  });

  it('its own name', () => {
    expect(problems(service(), renamed('a', ['a']))).toEqual(['metadata.previousNames[0]: is the current name of this pipe']);
  });

  it('the same previous name in two services is fine', () => {
    expect(problems(service(), svcB, renamed('a', ['old']), edit(renamed('a', ['old']), (p) => (p.metadata.service = 'staging')))).toEqual([]);
  });
});

describe('reverse private endpoints', () => {
  const using = (names: string[]) => edit(pipe(), (p) => (p.spec.source.kafka.reversePrivateEndpoints = names));

  it('resolve by name within the service', () => {
    expect(problems(service(), endpoint('vpce'), using(['vpce']))).toEqual([]);
  });

  it('an unknown name, with a suggestion', () => {
    expect(problems(service(), endpoint('vpce'), using(['vpc']))).toEqual([
      'spec.source.kafka.reversePrivateEndpoints[0]: no ReversePrivateEndpoint named "vpc" (did you mean "vpce"?); declared in service "prod": vpce',
    ]);
  });

  it('an endpoint of another service does not count', () => {
    expect(problems(service(), svcB, endpoint('vpce', 'staging'), using(['vpce']))).toEqual([
      'spec.source.kafka.reversePrivateEndpoints[0]: no ReversePrivateEndpoint named "vpce"; service "prod" declares no ReversePrivateEndpoint',
    ]);
  });
});

describe('columns and mappings inside a pipe', () => {
  it('sorting key, version column and summed columns must be columns', () => {
    const doc = edit(pipe(), (p) => (p.spec.destination.tableDefinition = { engine: { type: 'ReplacingMergeTree', versionColumnId: 'versoin' }, sortingKey: ['idd'] }));
    expect(problems(service(), doc)).toEqual([
      'spec.destination.tableDefinition.engine.versionColumnId: "versoin" is not a column of destination.columns',
      'spec.destination.tableDefinition.sortingKey[0]: "idd" is not a column of destination.columns (did you mean "id"?)',
    ]);
  });

  it('duplicate columns', () => {
    const doc = edit(pipe(), (p) => p.spec.destination.columns.push({ name: 'id', type: 'String' }));
    expect(problems(service(), doc)).toEqual(['spec.destination.columns[2].name: column "id" is declared twice']);
  });

  it('field mappings must map every column once, to a declared column', () => {
    const doc = edit(pipe(), (p) => (p.spec.fieldMappings = [
      { sourceField: 'a', destinationField: 'id' },
      { sourceField: 'b', destinationField: 'id' },
      { sourceField: 'c', destinationField: 'bdy' },
    ]));
    expect(problems(service(), doc)).toEqual([
      'spec.fieldMappings: every destination column must be mapped; not mapped: body',
      'spec.fieldMappings[1].destinationField: column "id" is mapped twice',
      'spec.fieldMappings[2].destinationField: "bdy" is not a column of destination.columns (did you mean "body"?)',
    ]);
  });

  it('table mappings: one mapping per source table and per target table', () => {
    const doc = edit(pipe('postgres'), (p) => {
      const m = p.spec.source.postgres.tableMappings;
      m.push({ sourceSchemaName: 'public', sourceTable: 'users', targetTable: 'users_2' });
      m.push({ sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'users' });
    });
    expect(problems(service(), doc)).toEqual([
      'spec.source.postgres.tableMappings[1]: source table public.users is already mapped by tableMappings[0]',
      'spec.source.postgres.tableMappings[2].targetTable: target table "users" is already used by tableMappings[0]',
    ]);
  });

  it('MongoDB collections are keyed by database and collection', () => {
    const doc = edit(pipe('mongodb'), (p) => p.spec.source.mongodb.tableMappings.push({ sourceDatabaseName: 'app', sourceCollection: 'users', targetTable: 'u2' }));
    expect(problems(service(), doc)).toEqual(['spec.source.mongodb.tableMappings[1]: source table app.users is already mapped by tableMappings[0]']);
  });

  it('a sorting key cannot be an excluded column', () => {
    const doc = edit(pipe('mysql'), (p) => Object.assign(p.spec.source.mysql.tableMappings[0], { useCustomSortingKey: true, sortingKeys: ['id'], excludedColumns: ['id'] }));
    expect(problems(service(), doc)).toEqual(['spec.source.mysql.tableMappings[0].sortingKeys[0]: "id" is also in excludedColumns: a sorting key must be replicated']);
  });
});

describe('lifecycle.ignoreChanges', () => {
  const ignoring = (source: 'kafka' | 'postgres', paths: string[]) => edit(pipe(source), (p) => (p.spec.lifecycle = { ignoreChanges: paths }));

  it('accepts field paths of the pipe', () => {
    expect(problems(service(), ignoring('kafka', ['scaling.replicas', 'settings', 'source.kafka.consumerGroup', 'destination.columns']))).toEqual([]);
  });

  it('rejects unknown paths, other families and the whole source', () => {
    expect(problems(service(), ignoring('kafka', ['scaling.replica', 'source.postgres.host', 'source.kafka']))).toEqual([
      'spec.lifecycle.ignoreChanges[0]: "scaling.replica" is not a field of a ClickPipe spec (did you mean "scaling.replicas"?)',
      'spec.lifecycle.ignoreChanges[1]: "source.postgres.host" is a postgres field; this pipe\'s source is kafka',
      'spec.lifecycle.ignoreChanges[2]: ignoring the whole source would hide every source change; name the fields to ignore',
    ]);
  });
});

it('CDC scaling memory is 4 GiB per core', () => {
  expect(problems(service('prod', { cdcScaling: { replicaCpuMillicores: 2000, replicaMemoryGb: 16 } }))).toEqual([
    'spec.cdcScaling.replicaMemoryGb: must be 4 GiB per CPU core: 8 for 2000 millicores',
  ]);
});

it('returns a manifest set with every kind when valid', () => {
  const out = load(service(), endpoint(), pipe(), pipe('postgres', 'db'));
  expect(out.diagnostics).toEqual([]);
  expect(out.set?.services.map((s) => s.address)).toEqual(['prod']);
  expect(out.set?.endpoints.map((s) => s.address)).toEqual(['prod/endpoint:vpce']);
  expect(out.set?.pipes.map((s) => s.address)).toEqual(['prod/events', 'prod/db']);
});
