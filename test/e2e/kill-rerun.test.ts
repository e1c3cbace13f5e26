/**
 * kill -9 of a real `pipeform apply` process at different moments, then a re-run: the re-run finishes the
 * job from the live state, no pipe exists twice, none is orphaned, and the plan after it is empty.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { pipe, service, sources, type SourceName } from '../support/world.js';

const FAMILIES = Object.keys(sources) as SourceName[];
const docs = [service(), ...FAMILIES.map((f) => pipe(f, `${f}-pipe`))];

/** Runs apply as a process and SIGKILLs it when `when` matches a line of its output. */
function applyUntil(w: E2eWorld, when: (line: string, n: number) => boolean): Promise<{ killed: boolean; out: string }> {
  const child = spawn(process.execPath, [`${REPO_ROOT}dist/cli/main.js`, 'apply', join(w.dir, 'm.yaml'), '--auto-approve', '--api-rate', '0', '--parallelism', '2'], {
    cwd: w.dir, env: { ...w.env, PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let lines = 0;
  let killed = false;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const line of d.toString().split('\n').filter(Boolean)) {
      if (!killed && when(line, ++lines)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  });
  return new Promise((resolve) => child.once('exit', () => resolve({ killed, out })));
}

const MOMENTS: [string, (line: string, n: number) => boolean][] = [
  ['right after the first create was sent', (l) => l.includes('POST clickpipe …')],
  ['after the first create answered', (l) => l.includes('POST clickpipe ok')],
  ['while waiting on lifecycles', (l) => l.includes('state Setup')],
  ['at the 7th progress line', (_l, n) => n === 7],
];

describe('kill -9 of apply, then a re-run', () => {
  for (const [moment, when] of MOMENTS) {
    it(moment, async () => {
      const w = await E2eWorld.start();
      w.write(...docs);
      const first = await applyUntil(w, when);
      expect(first.killed, first.out).toBe(true);
      const again = await w.apply(docs);
      expect(again.exitCode, again.stdout + again.stderr).toBe(0);
      const names = (await (await fetch(`${w.sandbox.url}/v1/organizations/${service().spec.organizationId}/services/${service().spec.serviceId}/clickpipes`, {
        headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` },
      })).json() as { result: { name: string }[] }).result.map((p) => p.name).sort();
      expect(names).toEqual(FAMILIES.map((f) => `${f}-pipe`).sort()); // none twice, none extra
      expect((await w.plan(docs)).exitCode).toBe(0);
    });
  }
});
