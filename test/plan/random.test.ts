/**
 * plan() never throws, on any (desired, live) pair: live pipes as the sandbox returns them, then mutated at
 * random (fields dropped, nulled, retyped; unknown states; quantity strings; foreign source families), and
 * desired values retyped at random. Seeded, so a failure reproduces; the seed is in the test name.
 */
import { describe, expect, it } from 'vitest';
import type { ClickPipe } from '../../src/api/types.js';
import { plan } from '../../src/plan/plan.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { seededRandom } from '../../src/sandbox/faults.js';
import pc from 'picocolors';
import { PlanWorld } from '../support/plan-world.js';
import { edit, endpoint, pipe, service, sources, type SourceName } from '../support/world.js';

const ODD_VALUES: unknown[] = [null, undefined, 0, -1, '', '500m', '1Gi', 'MergeTree()', [], {}, [null], { x: [1, { y: null }] }, true, 'Unknown', 1e309, 'x'.repeat(300)];
const STATES = ['Running', 'Paused', 'Completed', 'Failed', 'InternalError', 'Unknown', 'Snapshot', 'Bogus', null];

function mutate(value: unknown, rnd: () => number, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 6) return rnd() < 0.15 ? ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)] : value;
  if (Array.isArray(value)) return rnd() < 0.1 ? ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)] : value.map((v) => mutate(v, rnd, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = rnd();
    if (r < 0.08) continue;
    out[k] = r < 0.16 ? ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)] : mutate(v, rnd, depth + 1);
  }
  return out;
}

const SEEDS = 300;

describe('plan() never throws', () => {
  it(`on ${SEEDS} seeded random (desired, live) pairs`, () => {
    const families = Object.keys(sources) as SourceName[];
    let actions = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = seededRandom(seed);
      const w = new PlanWorld();
      const picked = families.filter(() => rnd() < 0.4);
      const docs = [service('prod', { prune: rnd() < 0.5, ...(rnd() < 0.3 && picked.some((f) => ['postgres', 'mysql', 'mongodb', 'bigquery'].includes(f)) ? { cdcScaling: { replicaCpuMillicores: 2000, replicaMemoryGb: 8 } } : {}) }), endpoint(), ...picked.map((f, i) => pipe(f, `p${i}`))];
      w.converge(...docs);
      const desired = w.desired(...docs.map((d) => (rnd() < 0.3 ? edit(d, (x) => { if (x.spec?.state === undefined && x.kind === 'ClickPipe') x.spec.state = 'stopped'; }) : d)));
      for (const p of desired.pipes) for (const k of Object.keys(p.flat)) if (rnd() < 0.1) p.flat[k] = ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
      const live = w.live(desired);
      const svc = live.prod!;
      const pipes = svc.pipes.map((p) => {
        const m = mutate(p, rnd) as ClickPipe;
        if (rnd() < 0.3) (m as any).state = STATES[Math.floor(rnd() * STATES.length)];
        if (rnd() < 0.1) (m as any).source = { kafka: null, postgres: { host: 7 } };
        return m;
      });
      const mutated = { prod: { ...svc, pipes, endpoints: mutate(svc.endpoints, rnd) as any, cdcScaling: rnd() < 0.5 ? svc.cdcScaling : (mutate({ replicaCpuMillicores: '2', replicaMemoryGb: null }, rnd) as any) } };
      const options = { prune: rnd() < 0.3, allowReplace: rnd() < 0.5, rotateSecrets: rnd() < 0.2, target: rnd() < 0.1 ? ['prod/p0'] : [] };
      let result;
      try {
        result = plan(desired, mutated, w.ledger, options);
        renderText(result, pc.createColors(false));
        renderMarkdown(result);
        JSON.stringify(result);
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).stack}`);
      }
      actions += result.actions.length;
    }
    expect(actions).toBeGreaterThan(SEEDS);
  });
});
