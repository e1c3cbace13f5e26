/**
 * `pipeform apply [PATH...|PLANFILE]`: plan (or read a saved plan and check it is still true), confirm,
 * execute in dependency order with progress, then plan again: a non-empty plan after apply names the
 * fields that did not converge. Exit codes (design §5): 0 done, 1 error, 3 a pipe did not reach its
 * target state in time.
 */
import { readFileSync } from 'node:fs';
import type { ClickPipe } from '../../api/types.js';
import { execute } from '../../apply/execute.js';
import { LedgerStore } from '../../apply/ledger-store.js';
import { fanOut, type ProgressSink } from '../../apply/progress.js';
import { ProgressServer } from '../../apply/progress-server.js';
import { Waiter } from '../../apply/waiter.js';
import { userError } from '../../errors.js';
import { processResolveEnv } from '../../manifest/resolve.js';
import { manifestDigest, type PlanFile } from '../../plan/plan-file.js';
import { renderText } from '../../plan/render/text.js';
import type { Plan } from '../../plan/types.js';
import { writeLedger } from '../../state/ledger.js';
import { systemClock } from '../../util/clock.js';
import { parseDuration } from '../../util/duration.js';
import type { Connection } from '../connect.js';
import { colorsFor, type CliIo } from '../io.js';
import { jsonLines, liveLines, plainLines } from '../progress-view.js';
import { computePlan, loadOrReport, resolvePath, withConnection, type PlanFlags, type Planned } from './plan.js';

export interface ApplyFlags extends Omit<PlanFlags, 'out' | 'detailedExitcode'> {
  readonly autoApprove?: boolean;
  readonly parallelism: string;
  readonly timeout: string;
  readonly wait: boolean;
  readonly progressPort?: string;
}

export async function applyCommand(args: string[], flags: ApplyFlags, io: CliIo): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw userError('USAGE', `--format must be text or json, got "${flags.format}"`);
  const parallelism = Number(flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) throw userError('USAGE', `--parallelism must be a whole number from 1 to 64, got "${flags.parallelism}"`);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const saved = args.length === 1 && args[0]!.endsWith('.json') ? readPlanFile(resolvePath(io, args[0]!), args[0]!) : undefined;
  const paths = saved ? saved.paths.map((p) => resolvePath(io, p)) : args;
  const set = loadOrReport(paths, io);
  if (!set) return 1;
  const c = colorsFor(io);
  const json = flags.format === 'json';
  const planFlags = saved ? { ...flags, ...saved.options, target: [...(saved.options.target ?? [])], exclude: [...(saved.options.exclude ?? [])] } : flags;

  return withConnection(flags, io, async (connection) => {
    const planned = await computePlan(set, planFlags, io, connection);
    let plan: Plan = planned.plan;
    if (saved) {
      checkSavedPlan(saved, planned, io);
      plan = saved.plan;
    } else if (!json) {
      io.stdout.write(renderText(plan, c));
    }
    if (plan.errors.length > 0) {
      io.stderr.write(`error: the plan has ${plan.errors.length} error(s); nothing was changed\n`);
      return 1;
    }
    if (plan.missingSecrets.length > 0) {
      for (const m of plan.missingSecrets) io.stderr.write(`error: ${m.address}: ${m.message}\n`);
      io.stderr.write('error: secrets the plan must send are missing; nothing was changed\n');
      return 1;
    }
    if (!plan.changes) {
      if (!json) io.stdout.write('Nothing to apply.\n');
      return 0;
    }
    if (!saved && !flags.autoApprove) {
      if (!io.isTTY) throw userError('NOT_APPROVED', 'apply needs approval: run it on a terminal to confirm, pass --auto-approve, or apply a reviewed plan file (pipeform plan --out FILE)');
      const answer = await io.ask('\nApply this plan? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.stdout.write('Apply cancelled; nothing was changed.\n');
        return 1;
      }
    }
    return run(plan, planned, connection, { ...flags, parallelism, timeoutMs, planFlags }, io);
  });
}

interface RunOptions extends Omit<ApplyFlags, 'parallelism'> {
  readonly parallelism: number;
  readonly timeoutMs: number;
  readonly planFlags: PlanFlags;
}

async function run(plan: Plan, planned: Planned, connection: Connection, o: RunOptions, io: CliIo): Promise<number> {
  const c = colorsFor(io);
  const clock = systemClock;
  const server = o.progressPort === undefined ? undefined : await startProgressServer(o.progressPort, connection.target);
  const view: ProgressSink = o.format === 'json' ? jsonLines(io) : io.isTTY ? liveLines(io, c, () => clock.now()) : plainLines(io);
  const progress = fanOut(view, server?.sink);
  if (server && o.format !== 'json') io.stderr.write(`progress: http://127.0.0.1:${server.port}/api/v1/progress\n`);
  const pipeIds = new Map<string, string>();
  const addressById = new Map<string, string>();
  const seen = new Map<string, string>();
  const waiter = new Waiter(connection.client, clock, {
    intervalMs: connection.pollMs,
    rate: { limit: connection.rate, windowMs: 10_000 },
    onObserved: (pipe) => {
      if (addressById.size !== pipeIds.size) {
        addressById.clear();
        for (const [address, id] of pipeIds) addressById.set(id, address);
      }
      const address = addressById.get(pipe.id);
      if (address && seen.get(address) !== pipe.state) {
        seen.set(address, pipe.state);
        progress({ type: 'state', at: clock.now(), address, state: pipe.state });
      }
    },
  });
  const refs = Object.fromEntries(planned.desired.services.map((s) => [s.alias, { organizationId: s.organizationId, serviceId: s.serviceId }]));
  const ledger = new LedgerStore(planned.ledger, (l) => writeLedger(planned.ledgerPath, l));
  try {
    const result = await execute(plan, {
      client: connection.client, refs, resolveEnv: processResolveEnv(io.env, io.cwd), desired: planned.desired, ledger, waiter,
      timeoutMs: o.timeoutMs, pipeIds, endpointIds: new Map(),
    }, { parallelism: o.parallelism, wait: o.wait, clock }, progress);
    ledger.flush(); // the convergence check reads it
    const outcomes = Object.values(result.outcomes);
    if (o.format !== 'json') io.stdout.write(summary(result.outcomes));
    if (outcomes.includes('failed')) {
      for (const [address, why] of Object.entries(result.errors)) io.stderr.write(`error: ${why.startsWith(address) ? why : `${address}: ${why}`}\n`);
      return 1;
    }
    // Lists the waits took after the last call already show the final state, and a service the plan did not
    // touch is as it was read: neither is listed again.
    const touched = new Set(plan.actions.filter((a) => a.steps.length > 0).map((a) => a.service));
    const fresh = new Map<string, readonly ClickPipe[]>(
      Object.values(planned.live).filter((l) => !touched.has(l.alias)).map((l) => [`${l.ref.organizationId}/${l.ref.serviceId}`, l.pipes]),
    );
    for (const [k, l] of waiter.lastLists) if (l.at >= result.callsDoneAt) fresh.set(k, l.pipes);
    const converged = await convergence(planned, connection, o, io, fresh);
    if (outcomes.includes('timeout')) {
      for (const why of Object.values(result.errors)) io.stderr.write(`warning: ${why}\n`);
      return 3;
    }
    if (converged.length > 0) {
      io.stderr.write(`error: apply finished but the live pipes do not match the manifests:\n${converged.map((l) => `  ${l}`).join('\n')}\n`);
      return 1;
    }
    if (o.format !== 'json') io.stdout.write(c.green(`Apply complete: ${outcomes.length} object(s) changed; a fresh plan is empty.\n`));
    return 0;
  } finally {
    ledger.flush();
    await server?.close();
  }
}

/** A fresh plan after apply: every remaining difference, by address and field (state left out under --no-wait). */
async function convergence(planned: Planned, connection: Connection, o: RunOptions, io: CliIo, fresh: ReadonlyMap<string, readonly ClickPipe[]>): Promise<string[]> {
  const again = await computePlan(planned.set, o.planFlags, io, connection, fresh);
  return again.plan.actions
    .filter((a) => a.steps.length > 0)
    .flatMap((a) => {
      const fields = a.changes.filter((ch) => o.wait || ch.policy !== 'state').map((ch) => ch.path);
      if (!o.wait && fields.length === 0) return [];
      return [`${a.address}: ${a.kind}${fields.length ? ` (${fields.join(', ')})` : ''}`];
    });
}

/** Per address what happened, grouped: the list a user scrolls back to after a long apply. */
function summary(outcomes: Readonly<Record<string, string>>): string {
  const groups = new Map<string, string[]>();
  for (const [address, outcome] of Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b))) groups.set(outcome, [...(groups.get(outcome) ?? []), address]);
  return ['done', 'failed', 'timeout', 'skipped'].filter((k) => groups.has(k)).map((k) => `${k === 'timeout' ? 'timed out' : k}: ${groups.get(k)!.join(', ')}\n`).join('');
}

function readPlanFile(path: string, shown: string): PlanFile {
  let file: PlanFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw userError('PLAN_FILE', `${shown}: ${code === 'ENOENT' ? 'no such plan file' : 'not a readable plan file (JSON)'}`);
  }
  if (file?.pipeformPlan !== 1 || !file.plan || !Array.isArray(file.paths)) throw userError('PLAN_FILE', `${shown}: not a pipeform plan file (made by pipeform plan --out)`);
  return file;
}

/** apply PLANFILE applies exactly that plan: refused when the manifests or any object it touches changed since. */
function checkSavedPlan(saved: PlanFile, now: Planned, io: CliIo): void {
  const digest = manifestDigest(now.set.files.map((f) => ({ path: relativeTo(io, f), content: readFileSync(f) })));
  if (digest !== saved.manifestDigest) throw userError('PLAN_STALE', 'the manifests changed since this plan was made; run pipeform plan again and review it');
  for (const a of saved.plan.actions) {
    if (a.steps.length === 0) continue;
    const fresh = now.plan.actions.find((x) => x.address === a.address);
    const moved = a.liveDigest !== undefined ? fresh?.liveDigest !== a.liveDigest : fresh?.liveId !== undefined;
    if (moved) throw userError('PLAN_STALE', `${a.address} changed since this plan was made; run pipeform plan again and review it`);
  }
}

function relativeTo(io: CliIo, f: string): string {
  const abs = resolvePath(io, f);
  return abs.startsWith(`${io.cwd}/`) ? abs.slice(io.cwd.length + 1) : abs;
}

async function startProgressServer(port: string, target: string): Promise<ProgressServer> {
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw userError('USAGE', `--progress-port must be a port number (0 picks a free one), got "${port}"`);
  return ProgressServer.start(n, target).catch((err: NodeJS.ErrnoException) => {
    throw userError('PROGRESS_PORT', `--progress-port ${n}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`);
  });
}
