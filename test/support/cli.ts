/** Runs the CLI in-process with captured output, or as a real process of the built binary. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/program.js';

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = `${REPO_ROOT}dist/cli/main.js`;

export async function runCli(args: string[], env: Record<string, string> = {}, cwd: string = REPO_ROOT, tty?: { answer: string }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    isTTY: tty !== undefined,
    cwd,
    ask: async (q: string) => {
      stdout += q;
      return tty?.answer ?? '';
    },
    untilInterrupted: () => Promise.resolve(),
  });
  return { exitCode, stdout, stderr };
}

/** The real process: what a user's shell sees, including the process exit code. */
export function spawnCli(args: string[]): CliResult {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does)`);
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const STACK_TRACE = /^\s+at .+[:(]\d+:\d+\)?$/m;
