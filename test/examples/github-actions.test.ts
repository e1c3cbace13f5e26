/**
 * The GitHub Actions examples: valid YAML workflows whose every pipeform command and flag exists
 * (checked against the CLI's own --help), covering plan-on-PR, apply-on-merge and the drift check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, runCli } from '../support/cli.js';

const DIR = join(REPO_ROOT, 'examples/github-actions');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

interface Workflow {
  on: unknown;
  jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
}

function pipeformCommands(wf: Workflow): string[][] {
  const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
  return runs.flatMap((r) =>
    r.split('\n').flatMap((line) => {
      const m = /(?:^|\s)pipeform\s+(.*)$/.exec(line);
      if (!m || line.includes('npm install')) return [];
      return [m[1]!.split(/\s*(?:\|\||&&|;|>|\|)\s*/)[0]!.split(/\s+/).filter(Boolean)];
    }),
  );
}

describe('examples/github-actions', () => {
  it('has the plan, apply and drift workflows', () => {
    expect(files.sort()).toEqual(['pipeform-apply.yml', 'pipeform-drift.yml', 'pipeform-plan.yml']);
  });

  for (const file of files) {
    it(`${file}: valid YAML, and every pipeform flag is documented`, async () => {
      const wf = parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
      expect(wf.on).toBeDefined();
      const commands = pipeformCommands(wf);
      expect(commands.length).toBeGreaterThan(0);
      for (const [command, ...args] of commands) {
        const help = await runCli([command!, '--help']);
        expect(help.exitCode, `pipeform ${command} is not a command`).toBe(0);
        for (const flag of args.filter((a) => a.startsWith('--'))) expect(help.stdout, `${file}: pipeform ${command} ${flag}`).toContain(flag.split('=')[0]);
      }
    });
  }

  it('plans with a comment, a summary and a plan file on pull requests; applies exactly that file on merge; checks drift on a schedule', () => {
    const all = Object.fromEntries(files.map((f) => [f, pipeformCommands(parse(readFileSync(join(DIR, f), 'utf8'))).map((c) => c.join(' '))]));
    expect(all['pipeform-plan.yml']).toContain('plan pipes/ --out plan.json --comment --summary --detailed-exitcode');
    expect(all['pipeform-apply.yml']).toContain('apply plan.json --format json --timeout 45m');
    expect(all['pipeform-drift.yml']).toEqual(['plan pipes/ --detailed-exitcode --summary', 'status pipes/ --detailed-exitcode']);
    expect(parse(readFileSync(join(DIR, 'pipeform-drift.yml'), 'utf8')).on.schedule).toBeDefined();
  });
});
