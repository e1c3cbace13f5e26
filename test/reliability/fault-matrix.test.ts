/**
 * Reliability: the fault matrix. Every source family, under every fault the sandbox injects, through a
 * create and (where the family has one) an in-place update, in virtual time. Nothing is lost: each cell ends
 * converged with exactly one pipe, at most one re-run needed when a fault outlasts the retry budget.
 */
import { describe, expect, it } from 'vitest';
import { Sandbox } from '../../src/sandbox/server.js';
import { applyVirtual, pending } from '../support/apply-world.js';
import { startSandbox, SVC, type SandboxWorld } from '../support/sandbox.js';
import { edit, pipe, service, sources, type SourceName } from '../support/world.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FAMILIES = Object.keys(sources) as SourceName[];
const UPDATE: Partial<Record<SourceName, (p: any) => void>> = {
  kafka: (p) => { p.spec.source.kafka.caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; },
  kinesis: (p) => { p.spec.source.kinesis.iamRole = 'arn:aws:iam::123456789012:role/v2'; },
  pubsub: (p) => { p.spec.source.pubsub.ackDeadline = 90; },
  postgres: (p) => { p.spec.source.postgres.tableMappings.push({ sourceSchemaName: 'public', sourceTable: 'orders', targetTable: 'orders' }); },
  mysql: (p) => { p.spec.source.mysql.settings.pullBatchSize = 4000; },
  mongodb: (p) => { p.spec.source.mongodb.readPreference = 'nearest'; },
};

const dataFiles = new Map<SandboxWorld, string>();
let last: SandboxWorld | undefined;
type Fault = { name: string; start: () => Promise<SandboxWorld>; during?: (w: SandboxWorld) => (e: { type: string; status?: string }) => Promise<void> };
const FAULTS: Fault[] = [
  { name: '429 storm', start: () => startSandbox({ rateLimit: 2 }) },
  { name: '5xx 25%', start: () => startSandbox({ faults: '5xx=0.25,seed=11' }) },
  { name: '504 after create', start: () => startSandbox({ faults: '504-after-create' }) },
  { name: '424 idle', start: () => startSandbox({ faults: 'idle' }) },
  { name: 'resets 25%', start: () => startSandbox({ faults: 'reset=0.25,seed=13' }) },
  {
    name: 'sandbox restart',
    start: async () => {
      const dataFile = join(mkdtempSync(join(tmpdir(), 'matrix-')), 'sandbox.json');
      dataFiles.set(await startSandbox({ dataFile }).then((w) => (last = w)), dataFile);
      return last!;
    },
    during: (w) => {
      let done = false;
      return async (e) => {
        if (done || e.type !== 'step' || e.status !== 'done') return;
        done = true;
        const port = w.sandbox.port;
        const dataFile = dataFiles.get(w);
        await w.sandbox.close();
        w.sandbox = await Sandbox.start({ port, dataFile, lifecycleMs: 1000, now: () => w.clock.now() });
      };
    },
  },
];

const counts = { cells: 0, applies: 0, reruns: 0, duplicates: 0, nonConverged: 0 };

async function converge(w: SandboxWorld, docs: unknown[], fault: Fault, ledger?: any) {
  let run = await applyVirtual(w, docs, { ledger, onEvent: fault.during?.(w) as never });
  counts.applies++;
  if (pending(run.after).length > 0 || Object.keys(run.errors).length > 0) {
    counts.reruns++;
    run = await applyVirtual(w, docs, { ledger: run.ledger });
    counts.applies++;
  }
  if (pending(run.after).length > 0) counts.nonConverged++;
  return run;
}

describe('fault matrix: every family × every fault', () => {
  for (const fault of FAULTS) {
    for (const family of FAMILIES) {
      it(`${fault.name} × ${family}`, async () => {
        counts.cells++;
        const w = await fault.start();
        const base = pipe(family, `${family}-pipe`);
        let run = await converge(w, [service(), base], fault);
        const update = UPDATE[family];
        if (update) run = await converge(w, [service(), edit(base, update)], { name: fault.name, start: fault.start }, run.ledger);
        const names = (await w.client.listClickPipes(SVC)).map((p) => p.name);
        counts.duplicates += names.length - new Set(names).size;
        expect(names).toEqual([`${family}-pipe`]);
        expect(pending(run.after)).toEqual([]);
      });
    }
  }

  it('reports its counts', () => {
    console.log(`reliability: fault matrix ${counts.cells} cells, ${counts.applies} applies, ${counts.reruns} re-runs, ${counts.duplicates} duplicates, ${counts.nonConverged} not converged`);
    expect(counts.cells).toBe(FAULTS.length * FAMILIES.length);
    expect([counts.duplicates, counts.nonConverged]).toEqual([0, 0]);
  });
});
