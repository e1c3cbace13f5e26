/**
 * The field-policy table covers the schema: every field path a ClickPipe manifest can have resolves to a
 * policy, so no change can be dropped silently. And it agrees with the spec's Patch* schemas: a field the
 * table updates in place is one the API's PATCH accepts.
 */
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/manifest/schema.js';
import { specFieldPaths } from '../../src/manifest/schema-paths.js';
import { policyOf } from '../../src/plan/policy.js';
import { openApi } from '../support/openapi.js';

const paths = specFieldPaths(manifestSchema());

describe('field policy', () => {
  it('has a policy for every field of the manifest schema', () => {
    const missing = paths.filter((p) => policyOf(p) === undefined);
    expect(missing).toEqual([]);
    expect(paths.length).toBeGreaterThan(150);
  });

  it('keyed entries take their collection policy; every settings key is a settings change', () => {
    expect(policyOf('destination.columns[id]')?.policy).toBe('update');
    expect(policyOf('source.postgres.tableMappings[public.users]')?.policy).toBe('pause-required');
    expect(policyOf('source.bigquery.tableMappings[ds.t]')?.policy).toBe('replace');
    expect(policyOf('settings.some_future_setting')?.policy).toBe('settings');
    expect(policyOf('source.kafka.credentials.password')?.policy).toBe('secret');
    expect(policyOf('source.kafka.offset.strategy')?.policy).toBe('replace');
  });

  it('updates in place only what the spec PATCH schemas accept', () => {
    const schemas = openApi().components.schemas;
    const patchSchema: Record<string, string> = {
      kafka: 'ClickPipePatchKafkaSource', kinesis: 'ClickPipePatchKinesisSource', objectStorage: 'ClickPipePatchObjectStorageSource',
      pubsub: 'ClickPipePatchPubSubSource', postgres: 'ClickPipePatchPostgresSource', mysql: 'ClickPipePatchMySQLSource', mongodb: 'ClickPipePatchMongoDBSource',
    };
    const offenders: string[] = [];
    for (const p of paths) {
      const m = /^source\.(\w+)\.(\w+)(?:\.(\w+))?$/.exec(p);
      if (!m) continue;
      const [, family, field, sub] = m;
      const entry = policyOf(p)!;
      if (entry.policy !== 'update' && entry.policy !== 'secret') continue;
      if (entry.policy === 'secret' && entry.via === 'replace') continue;
      const name = field === 'reversePrivateEndpoints' ? 'reversePrivateEndpointIds' : field!;
      const props = schemas[patchSchema[family!]!]?.properties ?? {};
      if (!(name in props)) offenders.push(p);
      if (sub && field === 'settings') {
        const settings = props.settings?.$ref ? schemas[props.settings.$ref.split('/').at(-1)!] : props.settings;
        if (!settings?.properties || !(sub in settings.properties)) offenders.push(p);
      }
    }
    expect(offenders).toEqual([]);
  });
});
