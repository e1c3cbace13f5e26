/**
 * The convergence property: after the sandbox creates what a manifest declares, planning that manifest
 * against what the sandbox reads back is empty, for every source family, every example, and every read-back
 * quirk the sandbox can inject (quantity strings, transient zero scaling, legacy engine spelling).
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadManifests } from '../../src/manifest/load.js';
import { buildDesired } from '../../src/plan/desired.js';
import { plan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { PlanWorld, KEY_SECRET } from '../support/plan-world.js';
import { edit, pipe, service, sources, type SourceName } from '../support/world.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

function pending(p: Plan) {
  return p.actions.filter((a) => a.kind !== 'noop').map((a) => ({ address: a.address, kind: a.kind, changes: a.changes.map((c) => c.path) }));
}

describe('convergence', () => {
  for (const family of Object.keys(sources) as SourceName[]) {
    it(`${family}: empty plan right after create, with no warnings`, () => {
      const w = new PlanWorld();
      const docs = [service(), pipe(family)];
      w.converge(...docs);
      const p = w.plan(docs);
      expect(pending(p)).toEqual([]);
      expect(p.changes).toBe(false);
      expect(p.warnings).toEqual([]);
      expect(p.errors).toEqual([]);
    });
  }

  for (const quirk of ['quantityStrings', 'zeroScaling', 'legacyReadback'] as const) {
    it(`read-back quirk ${quirk}: still no change`, () => {
      const w = new PlanWorld({ [quirk]: true });
      const docs = [service(), edit(pipe('kafka'), (p) => { p.spec.scaling = { replicas: 2, replicaCpuMillicores: 500, replicaMemoryGb: 0.5 }; p.spec.destination.tableDefinition.sortingKey = []; })];
      w.converge(...docs);
      w.now -= 10 * 1000 - 1; // right after the create: the transient zeros are showing
      const d = w.desired(...docs);
      const live = w.live(d);
      if (quirk === 'quantityStrings') expect(live.prod!.pipes[0]!.scaling).toMatchObject({ replicaCpuMillicores: '500m', replicaMemoryGb: '512Mi' });
      if (quirk === 'legacyReadback') expect(live.prod!.pipes[0]!.destination.tableDefinition).toMatchObject({ engine: { type: 'MergeTree()' }, sortingKey: null });
      expect(pending(plan(d, live, w.ledger))).toEqual([]);
    });
  }

  it('every example: created in the sandbox, then planned again: no change', () => {
    const loaded = loadManifests([EXAMPLES]);
    expect(loaded.set).toBeDefined();
    const w = new PlanWorld();
    // Stand-in secrets: any variable, any key file.
    const env = { env: new Proxy({}, { get: (_t, name) => `value-of-${String(name)}` }), cwd: EXAMPLES, readFile: () => Buffer.from('{"fake":true}') };
    const d = buildDesired(loaded.set!, env, KEY_SECRET);
    w.resolveEnv = () => env;
    const endpoints = new Map<string, string>();
    for (const e of d.endpoints) {
      const s = d.services.find((x) => x.alias === e.service)!;
      endpoints.set(e.name, w.world.createEndpoint(s.organizationId, s.serviceId, e.body).id);
    }
    const first = plan(d, w.live(d), w.ledger);
    expect(first.errors).toEqual([]);
    expect(first.actions.filter((a) => a.resource === 'pipe').every((a) => a.kind === 'create')).toBe(true);
    for (const p of d.pipes) w.create(d, p, endpoints);
    for (const s of d.services) if (s.cdcScaling) w.world.patchCdcScaling(s.organizationId, s.serviceId, s.cdcScaling);
    w.settle();
    const again = plan(d, w.live(d), w.ledger);
    expect(pending(again)).toEqual([]);
    expect(again.warnings).toEqual([]);
    expect(again.actions).toHaveLength(first.actions.length);
  });
});
