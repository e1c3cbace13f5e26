/** Each normalization rule (state/normalize.ts), and the quantity parser, one by one. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_LEDGER, fingerprint, readLedger, recordPipe, writeLedger } from '../../src/state/ledger.js';
import { observedPhase, stateCommandFor } from '../../src/state/lifecycle.js';
import { flatten, TRANSIENT } from '../../src/state/normalize.js';
import { parseCpuMillicores, parseMemoryGb } from '../../src/state/quantity.js';

describe('quantities', () => {
  it.each([[500, 500], ['500m', 500], ['0.5', 500], ['1', 1000], ['2', 2000], ['abc', undefined], [null, undefined]])('CPU %s → %s millicores', (v, want) => {
    expect(parseCpuMillicores(v)).toBe(want);
  });
  it.each([[2, 2], ['2Gi', 2], ['512Mi', 0.5], ['2048Mi', 2], ['1073741824', 1], ['2', 2], ['2G', 1.863], ['500m', undefined]])('memory %s → %s GiB', (v, want) => {
    expect(parseMemoryGb(v)).toBe(want);
  });
});

describe('flatten', () => {
  const live = (extra: object) => flatten({ id: 'id-1', name: 'n', state: 'Running', createdAt: 'x', ...extra }, { family: 'kafka', pipeId: 'id-1', endpointName: (id) => (id === 'e-1' ? 'vpce' : undefined) });

  it('drops read-only fields and nulls; other families of source', () => {
    expect(live({ source: { kafka: { topics: 't', iamRole: null }, postgres: null }, scaling: null })).toEqual({ 'source.kafka.topics': 't' });
  });
  it('engine "MergeTree()" is MergeTree; sortingKey null is absent (and the diff treats absent as [])', () => {
    expect(live({ destination: { tableDefinition: { engine: { type: 'MergeTree()' }, sortingKey: null } } })).toEqual({
      'destination.tableDefinition.engine.type': 'MergeTree',
    });
  });
  it('scaling quantity strings parse; transient zeros are TRANSIENT', () => {
    expect(live({ scaling: { replicas: 2, replicaCpuMillicores: '500m', replicaMemoryGb: '1Gi' } })).toEqual({ 'scaling.replicas': 2, 'scaling.replicaCpuMillicores': 500, 'scaling.replicaMemoryGb': 1 });
    expect(live({ scaling: { replicas: 0, replicaCpuMillicores: 0, replicaMemoryGb: '0' } })).toEqual({ 'scaling.replicas': TRANSIENT, 'scaling.replicaCpuMillicores': TRANSIENT, 'scaling.replicaMemoryGb': TRANSIENT });
  });
  it('the server-chosen consumer group is dropped, a chosen one kept', () => {
    expect(live({ source: { kafka: { consumerGroup: 'clickpipes-id-1' } } })).toEqual({});
    expect(live({ source: { kafka: { consumerGroup: 'mine' } } })).toEqual({ 'source.kafka.consumerGroup': 'mine' });
  });
  it('keyed arrays become maps: columns by name, field mappings by source field, table mappings by source table', () => {
    expect(live({ destination: { columns: [{ name: 'b', type: 'String' }, { name: 'a', type: 'UInt8' }] }, fieldMappings: [{ sourceField: 'x', destinationField: 'a' }] })).toEqual({
      'destination.columns[b]': 'String', 'destination.columns[a]': 'UInt8', 'fieldMappings[x]': 'a',
    });
    const pg = flatten({ source: { postgres: { tableMappings: [{ sourceSchemaName: 's', sourceTable: 't', targetTable: 't', excludedColumns: ['z', 'a'], tableEngine: null }] } } }, { family: 'postgres' });
    expect(pg).toEqual({ 'source.postgres.tableMappings[s.t]': { excludedColumns: ['a', 'z'], sourceSchemaName: 's', sourceTable: 't', targetTable: 't' } });
    const mongo = flatten({ source: { mongodb: { tableMappings: [{ sourceDatabaseName: 'd', sourceCollection: 'c', targetTable: 't' }] } } }, { family: 'mongodb' });
    expect(Object.keys(mongo)).toEqual(['source.mongodb.tableMappings[d.c]']);
  });
  it('reverse private endpoints compare by name, as a set', () => {
    expect(live({ source: { kafka: { reversePrivateEndpointIds: ['other-id', 'e-1'] } } })).toEqual({ 'source.kafka.reversePrivateEndpoints': ['other-id', 'vpce'] });
  });
  it('secrets are never flattened', () => {
    expect(flatten({ source: { kafka: { credentials: { username: 'u', password: 'p' } } } }, { family: 'kafka' })).toEqual({});
  });
});

describe('lifecycle', () => {
  it('classifies every state; unknown strings are unknown', () => {
    expect(['Running', 'Snapshot', 'Paused', 'Stopping', 'Failed', 'Completed', 'Unknown', 'Invented'].map((s) => observedPhase(s as never))).toEqual(['running', 'running', 'stopped', 'stopped', 'failed', 'completed', 'unknown', 'unknown']);
  });
  it('commands: start from stopped or Failed; stop from running; nothing for Completed or InternalError', () => {
    expect([stateCommandFor('running', 'Paused'), stateCommandFor('running', 'Failed'), stateCommandFor('stopped', 'Snapshot'), stateCommandFor('running', 'Completed'), stateCommandFor('running', 'InternalError')]).toEqual(['start', 'start', 'stop', undefined, undefined]);
  });
});

describe('ledger', () => {
  it('fingerprints are keyed HMACs: same value and key, same print; another key, another print; the value is not in it', () => {
    const a = fingerprint('k1', { password: 'hunter2' });
    expect(a).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
    expect(fingerprint('k1', { password: 'hunter2' })).toBe(a);
    expect(fingerprint('k2', { password: 'hunter2' })).not.toBe(a);
    expect(a).not.toContain('hunter2');
  });
  it('a missing ledger is empty; an invalid one is a clear error; written whole with sorted keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    expect(readLedger(join(dir, 'none.json'))).toEqual(EMPTY_LEDGER);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(() => readLedger(join(dir, 'bad.json'))).toThrow(/bad\.json: the ledger is not valid JSON; restore it from git or delete it/);
    const l = recordPipe(EMPTY_LEDGER, { address: 'prod/p', ref: { organizationId: 'o', serviceId: 's' }, id: 'i', name: 'p', secrets: [{ path: 'source.kafka.credentials', fingerprint: 'hmac-sha256:x' }], createOnly: { 'destination.roles': ['w'] }, protect: true }, ['source.kafka.credentials']);
    writeLedger(join(dir, 'sub', 'ledger.json'), l);
    expect(readLedger(join(dir, 'sub', 'ledger.json'))).toEqual(l);
    expect(readFileSync(join(dir, 'sub', 'ledger.json'), 'utf8')).toMatch(/^\{\n  "formatVersion": 1,\n  "pipes": \{/);
  });
});
