/**
 * apply as a library call in virtual time: the sandbox over HTTP with a manual clock (startSandbox), the
 * manifests in memory, the ledger in memory. Faults and rate limits play out in seconds of virtual time.
 */
import { execute } from '../../src/apply/execute.js';
import { LedgerStore } from '../../src/apply/ledger-store.js';
import type { ProgressEvent } from '../../src/apply/progress.js';
import { Waiter } from '../../src/apply/waiter.js';
import { loadManifests } from '../../src/manifest/load.js';
import { buildDesired } from '../../src/plan/desired.js';
import { plan } from '../../src/plan/plan.js';
import type { Plan, PlanOptions } from '../../src/plan/types.js';
import { EMPTY_LEDGER, type Ledger } from '../../src/state/ledger.js';
import { readLive } from '../../src/state/live.js';
import { memoryFs } from './memory-fs.js';
import { KEY_SECRET, SECRET_ENV, SECRET_FILES } from './plan-world.js';
import type { SandboxWorld } from './sandbox.js';
import { yamlOf } from './world.js';

export interface VirtualApply {
  readonly plan: Plan;
  readonly outcomes: Record<string, string>;
  readonly errors: Record<string, string>;
  readonly events: ProgressEvent[];
  readonly ledger: Ledger;
  /** The plan right after: empty when apply converged. */
  readonly after: Plan;
}

const resolveEnv = {
  env: SECRET_ENV,
  cwd: '/m',
  readFile: (p: string) => {
    if (!(p in SECRET_FILES)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return Buffer.from(SECRET_FILES[p]!);
  },
};

export function desiredOf(docs: unknown[]) {
  const loaded = loadManifests(['/m/m.yaml'], memoryFs({ '/m/m.yaml': yamlOf(...docs) }));
  if (!loaded.set) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return buildDesired(loaded.set, resolveEnv, KEY_SECRET);
}

export async function applyVirtual(
  w: SandboxWorld, docs: unknown[],
  o: { ledger?: Ledger; options?: PlanOptions; parallelism?: number; onEvent?: (e: ProgressEvent) => void | Promise<void> } = {},
): Promise<VirtualApply> {
  const desired = desiredOf(docs);
  const ledgerStore = new LedgerStore(o.ledger ?? EMPTY_LEDGER, () => {});
  const p = plan(desired, await readLive(w.client, desired), ledgerStore.ledger, o.options);
  const events: ProgressEvent[] = [];
  const waiter = new Waiter(w.client, w.clock, { intervalMs: 1000 });
  const refs = Object.fromEntries(desired.services.map((s) => [s.alias, { organizationId: s.organizationId, serviceId: s.serviceId }]));
  const result = await execute(p, {
    client: w.client, refs, resolveEnv, desired, ledger: ledgerStore, waiter, timeoutMs: 30 * 60_000, pipeIds: new Map(), endpointIds: new Map(),
  }, { parallelism: o.parallelism ?? 4, wait: true, clock: w.clock }, (e) => {
    events.push(e);
    void o.onEvent?.(e);
  });
  const after = plan(desired, await readLive(w.client, desired), ledgerStore.ledger, o.options);
  return { plan: p, outcomes: { ...result.outcomes }, errors: { ...result.errors }, events, ledger: ledgerStore.ledger, after };
}

export const pending = (p: Plan) => p.actions.filter((a) => a.steps.length > 0).map((a) => `${a.address}: ${a.kind} ${a.changes.map((c) => c.path).join(',')}`);
