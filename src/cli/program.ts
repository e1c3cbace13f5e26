/**
 * The command-line program: parses arguments, runs a command, returns the exit code. Errors end as
 * one clear line and exit code 1, never a stack trace (PIPEFORM_DEBUG=1 shows it for pipeform's own bugs).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { PipeformError } from '../errors.js';
import type { ApplyFlags } from './commands/apply.js';
import type { ImportFlags } from './commands/import.js';
import type { PlanFlags } from './commands/plan.js';
import type { SandboxFlags } from './commands/sandbox.js';
import type { StatusFlags } from './commands/status.js';
import type { CliIo } from './io.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('pipeform')
    .description('Declarative reconciler for ClickHouse Cloud ClickPipes')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  program
    .command('validate')
    .description('check manifests against the schema and each other (no network, no secrets read)')
    .argument('[paths...]', 'manifest files or directories', ['.'])
    .action(async (paths: string[]) => {
      // Commands load on use: validate never pays for the API client, the sandbox or the apply engine.
      exitCode = (await import('./commands/validate.js')).validateCommand(paths, io);
    });

  const plan = program
    .command('plan')
    .description('show what apply would change: manifests against the live pipes')
    .argument('[paths...]', 'manifest files or directories', ['.'])
    .option('--format <format>', 'text, markdown (a pull-request comment) or json', 'text')
    .option('--out <file>', 'save the plan for `pipeform apply FILE`')
    .option('--detailed-exitcode', 'exit 2 when there are changes (0 none, 1 error)')
    .option('--comment', 'post the plan as a pull-request comment, updating it on the next run (GITHUB_TOKEN)')
    .option('--comment-key <key>', 'tells apart the comments of several plans in one pull request', 'default')
    .option('--pr <number>', 'the pull request to comment on (default: from the GitHub Actions event)')
    .option('--summary', 'append the plan to the GitHub Actions job summary ($GITHUB_STEP_SUMMARY)');
  withPlanOptions(plan).action(async (paths: string[], flags: PlanFlags) => {
    exitCode = await (await import('./commands/plan.js')).planCommand(paths, flags, io);
  });

  const apply = program
    .command('apply')
    .description('make the live pipes match the manifests (or apply a saved plan file exactly)')
    .argument('[paths...]', 'manifest files or directories, or one plan file from `plan --out`', ['.'])
    .option('--auto-approve', 'apply without asking (needed off a terminal, unless a plan file is given)')
    .option('--parallelism <n>', 'objects changed at the same time', '4')
    .option('--timeout <duration>', 'how long each pipe may take to reach its target state', '30m')
    .option('--no-wait', 'do not wait for pipes to reach their target state')
    .option('--progress-port <port>', 'serve GET /api/v1/progress on 127.0.0.1 during the apply')
    .option('--format <format>', 'text, or json (one progress event per line)', 'text');
  withPlanOptions(apply).action(async (paths: string[], flags: ApplyFlags) => {
    exitCode = await (await import('./commands/apply.js')).applyCommand(paths, flags, io);
  });

  const status = program
    .command('status')
    .description('sync and health of every declared and live pipe')
    .argument('[paths...]', 'manifest files or directories', ['.'])
    .option('--format <format>', 'text or json', 'text')
    .option('--detailed-exitcode', 'exit 2 unless everything is synced and healthy');
  withConnectionOptions(status).action(async (paths: string[], flags: StatusFlags) => {
    exitCode = await (await import('./commands/status.js')).statusCommand(paths, flags, io);
  });

  const imports = program
    .command('import')
    .description('write manifests for the live pipes of a service (secrets as ${env:…} placeholders)')
    .argument('[paths...]', 'manifests holding the Service document', ['.'])
    .requiredOption('--service <alias>', 'metadata.name of the Service document')
    .requiredOption('--out <dir>', 'directory to write the manifests to')
    .option('--force', 'overwrite files that exist');
  withConnectionOptions(imports).action(async (paths: string[], flags: ImportFlags) => {
    exitCode = await (await import('./commands/import.js')).importCommand(paths, flags, io);
  });

  program
    .command('sandbox')
    .description('serve the simulated ClickPipes API on 127.0.0.1 (for trying manifests and for tests)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8123')
    .option('--data <file>', 'keep the sandbox world in this file across restarts')
    .option('--key <id:secret>', 'API key the sandbox accepts', 'sandbox:sandbox')
    .option('--lifecycle-ms <n>', 'duration of each lifecycle phase', '2000')
    .option('--rate-limit <n>', 'requests per 10 s per key (0 = no limit)', '0')
    .option('--faults <spec>', 'faults to inject: 5xx=P, 504-after-create[=P], reset=P, idle, zero-scaling, quantity-strings, legacy-readback, drop-columns, ignore-create-scaling, seed=N')
    .action(async (flags: SandboxFlags) => {
      exitCode = await (await import('./commands/sandbox.js')).sandboxCommand(flags, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return handleError(err, io);
  }
}

const collect = (v: string, all: string[]) => [...all, v];

/** What plan and apply share: selection, safety switches, the ledger and where the API is. */
function withPlanOptions(cmd: Command): Command {
  cmd
    .option('--target <address>', 'only this address, service or pattern (repeatable)', collect, [])
    .option('--exclude <address>', 'leave out this address, service or pattern (repeatable)', collect, [])
    .option('--prune', 'delete live pipes no manifest declares (protected ones excepted)')
    .option('--allow-replace', 'allow changes that delete and recreate a pipe')
    .option('--rotate-secrets', 'send every secret again, also when the ledger cannot tell whether it changed');
  return withConnectionOptions(cmd);
}

/** Where the API is, and the ledger: every command that talks to ClickHouse Cloud (or the sandbox). */
function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--ledger <path>', 'the ledger file', '.pipeform/ledger.json')
    .option('--sandbox', 'use the embedded sandbox (.pipeform/sandbox.json) instead of ClickHouse Cloud')
    .option('--api-url <url>', 'ClickHouse Cloud API URL (default CLICKHOUSE_API_URL or https://api.clickhouse.cloud)')
    .option('--api-rate <n>', 'requests per 10 s per API key (default 10, the API limit; 0 = unpaced)');
}

function handleError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0; usage errors were already printed.
    return err.exitCode === 0 ? 0 : 1;
  }
  if (err instanceof PipeformError) {
    io.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`internal error: ${message}\nThis is a bug in pipeform; please report it with the command you ran.\n`);
  if (io.env.PIPEFORM_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
