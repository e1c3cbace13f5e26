/**
 * Packaging: `npm pack` makes a tarball that installs into an empty directory (offline, from the npm cache
 * `npm ci` filled) and runs there: `pipeform --help`, `validate` and `plan --sandbox`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../support/cli.js';
import { pipe, service } from '../support/world.js';

const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env }, timeout: 120_000 });

describe('npm pack', () => {
  it('installs in an empty directory and runs --help, validate and plan --sandbox there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeform-pack-'));
    const pack = run('npm', ['pack', '--pack-destination', dir, '--ignore-scripts'], REPO_ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    run('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}');
    const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball)], app);
    expect(install.status, install.stderr).toBe(0);

    const bin = join(app, 'node_modules/.bin/pipeform');
    const help = run(bin, ['--help'], app);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/validate[\s\S]*plan[\s\S]*apply[\s\S]*status[\s\S]*import[\s\S]*sandbox/);

    writeFileSync(join(app, 'pipes.yaml'), [service(), pipe('kafka')].map((d) => stringify(d)).join('---\n'));
    const validate = run(bin, ['validate', 'pipes.yaml'], app);
    expect([validate.status, validate.stdout]).toEqual([0, '✓ 2 documents in 1 file valid: 1 service, 1 pipe\n']);
    const plan = run(bin, ['plan', 'pipes.yaml', '--sandbox', '--detailed-exitcode'], app, { KAFKA_PASSWORD: 'x' });
    expect(plan.status, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('Plan: 1 to create');
  }, 180_000);
});
