#!/usr/bin/env node
// `npm run demo`: the main job as far as it exists, on the bundled examples.
// validate today; plan and apply against the embedded sandbox join as they land.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}dist/cli/main.js`;

function step(title, args, expectedExit) {
  process.stdout.write(`\n── ${title}\n$ pipeform ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== expectedExit) {
    process.stderr.write(`demo: expected exit code ${expectedExit}, got ${r.status}\n`);
    process.exit(1);
  }
}

step('Validate every example manifest (no network, no secrets needed)', ['validate', 'examples/'], 0);
step('A manifest with mistakes: every error at once, with file:line:col and a suggestion', ['validate', 'test/fixtures/bad/misspelt-keys.yaml'], 1);
process.stdout.write('\ndemo: done\n');
