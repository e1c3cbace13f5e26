#!/usr/bin/env node
// `npm run demo`: the main job on the bundled examples, against the embedded sandbox in a fresh directory.
// validate → plan → apply → plan again (empty) → status (all synced and healthy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleSecrets } from './example-secrets.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}dist/cli/main.js`;
const examples = join(root, 'examples');
// The embedded sandbox keeps its world in .pipeform/ of the working directory: a fresh one per demo.
const work = mkdtempSync(join(tmpdir(), 'pipeform-demo-'));
const env = { ...process.env, ...exampleSecrets(examples) };

function step(title, args, expectedExit, cwd = work) {
  process.stdout.write(`\n── ${title}\n$ pipeform ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit', env });
  if (r.status !== expectedExit) {
    process.stderr.write(`demo: expected exit code ${expectedExit}, got ${r.status}\n`);
    process.exit(1);
  }
}

step('Validate every example manifest (no network, no secrets needed)', ['validate', 'examples/'], 0, root);
step('A manifest with mistakes: every error at once, with file:line:col and a suggestion', ['validate', 'test/fixtures/bad/misspelt-keys.yaml'], 1, root);
step('Plan the examples against the embedded sandbox (stand-in secrets; exit 2 = changes)', ['plan', examples, '--sandbox', '--detailed-exitcode'], 2);
step('The same plan as a pull-request comment', ['plan', join(examples, 'postgres-cdc'), '--sandbox', '--format', 'markdown'], 0);
step('Apply it: dependency order, progress, waiting for each pipe to run', ['apply', examples, '--sandbox', '--auto-approve'], 0);
step('Plan again: nothing left to do (exit 0 under --detailed-exitcode)', ['plan', examples, '--sandbox', '--detailed-exitcode'], 0);
step('Status: every pipe synced and healthy', ['status', examples, '--sandbox', '--detailed-exitcode'], 0);
process.stdout.write(`\ndemo: done (sandbox world in ${work}/.pipeform)\n`);
