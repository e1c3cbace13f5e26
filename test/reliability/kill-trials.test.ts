/**
 * Reliability: kill -9 of a real `pipeform apply` at a random moment (seeded), then a re-run, N times.
 * Counted: duplicate pipes, orphaned pipes (live, not declared) and plans that are not empty afterwards.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/sandbox/faults.js';
import { REPO_ROOT } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { edit, pipe, service, sources, type SourceName } from '../support/world.js';

const TRIALS = Number(process.env.KILL_TRIALS ?? 12);
const FAMILIES = Object.keys(sources) as SourceName[];

/** Runs apply as a process and SIGKILLs it at its `atLine`-th line of progress (a random moment of the work). */
function killedApply(w: E2eWorld, atLine: number): Promise<boolean> {
  const child = spawn(process.execPath, [`${REPO_ROOT}dist/cli/main.js`, 'apply', join(w.dir, 'm.yaml'), '--auto-approve', '--api-rate', '0', '--parallelism', '3'], {
    cwd: w.dir, env: { ...w.env, PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  let lines = 0;
  child.stdout.on('data', (d: Buffer) => {
    lines += d.toString().split('\n').length - 1;
    if (lines >= atLine) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal === 'SIGKILL')));
}

describe(`kill -9 of apply at a random moment, then a re-run (${TRIALS} trials)`, () => {
  it('no duplicates, no orphans, every plan afterwards empty', async () => {
    const rnd = seededRandom(2026);
    const totals = { trials: 0, killedMidway: 0, duplicates: 0, orphans: 0, nonConverged: 0 };
    for (let t = 0; t < TRIALS; t++) {
      const w = await E2eWorld.start();
      // Half the trials change existing pipes (rename, mapping edits, replaces), half create from nothing.
      const base = [service('prod', { prune: true }), ...FAMILIES.map((f) => pipe(f, `${f}-pipe`))];
      let docs: unknown[] = base;
      if (t % 2 === 1) {
        expect((await w.apply(base)).exitCode).toBe(0);
        docs = [service('prod', { prune: true }),
          ...FAMILIES.filter((f) => f !== 'kinesis').map((f) => (f === 'postgres' ? edit(pipe(f, `${f}-pipe`), (p) => { p.spec.source.postgres.tableMappings[0].excludedColumns = ['x']; }) : pipe(f, f === 'kafka' ? 'kafka-renamed' : `${f}-pipe`))),
        ].map((d: any) => (d.metadata?.name === 'kafka-renamed' ? edit(d, (p) => { p.metadata.previousNames = ['kafka-pipe']; }) : d));
      }
      w.write(...docs);
      const killed = await killedApply(w, 1 + Math.floor(rnd() * 40));
      totals.trials++;
      if (killed) totals.killedMidway++;
      const again = await w.apply(docs, '--allow-replace');
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      const live = (await (await fetch(`${w.sandbox.url}/v1/organizations/${service().spec.organizationId}/services/${service().spec.serviceId}/clickpipes`, {
        headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` },
      })).json() as { result: { name: string }[] }).result.map((p) => p.name);
      const declared = new Set((docs as any[]).filter((d) => d.kind === 'ClickPipe').map((d) => d.metadata.name));
      totals.duplicates += live.length - new Set(live).size;
      totals.orphans += live.filter((n) => !declared.has(n)).length;
      if ((await w.plan(docs)).exitCode !== 0) totals.nonConverged++;
      await w.close();
    }
    console.log(`reliability: kill -9 trials ${totals.trials} (${totals.killedMidway} killed mid-apply), ${totals.duplicates} duplicates, ${totals.orphans} orphans, ${totals.nonConverged} not converged`);
    expect([totals.duplicates, totals.orphans, totals.nonConverged]).toEqual([0, 0, 0]);
    expect(totals.killedMidway).toBeGreaterThan(TRIALS / 2);
  }, 120_000);
});
