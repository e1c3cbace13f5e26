#!/usr/bin/env node
// The process boundary: the only place that reads process.argv and sets the exit code.
import { createInterface } from 'node:readline/promises';
import { run } from './program.js';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  cwd: process.cwd(),
  ask: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  // Handlers stay installed: a second signal while stopping must not kill the process half-way.
  untilInterrupted: () => new Promise((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  }),
});
process.exitCode = code;
