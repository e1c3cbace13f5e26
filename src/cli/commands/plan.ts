/**
 * `pipeform plan`: manifests → desired; live services → live; the ledger; then the pure plan(), rendered
 * as text, markdown or json. Exit 1 on invalid input or a plan apply would refuse; 2 with changes under
 * --detailed-exitcode; 0 otherwise.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { formatDiagnostic } from '../../manifest/diagnostic.js';
import { loadManifests } from '../../manifest/load.js';
import type { ManifestSet } from '../../manifest/model.js';
import { processResolveEnv } from '../../manifest/resolve.js';
import { userError } from '../../errors.js';
import { buildDesired, type Desired } from '../../plan/desired.js';
import { manifestDigest, type PlanFile } from '../../plan/plan-file.js';
import { plan } from '../../plan/plan.js';
import { renderJson } from '../../plan/render/json.js';
import { renderMarkdown } from '../../plan/render/markdown.js';
import { renderText } from '../../plan/render/text.js';
import type { Plan, PlanOptions } from '../../plan/types.js';
import { readLedger, type Ledger } from '../../state/ledger.js';
import { readLive, type Live } from '../../state/live.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { upsertComment } from '../../api/github.js';
import type { ClickPipe } from '../../api/types.js';
import { connect, type ConnectFlags, type Connection } from '../connect.js';
import { githubTarget } from '../github-context.js';
import { colorsFor, type CliIo } from '../io.js';

export interface PlanFlags extends ConnectFlags {
  readonly out?: string;
  readonly format: string;
  readonly detailedExitcode?: boolean;
  readonly target: string[];
  readonly exclude: string[];
  readonly prune?: boolean;
  readonly allowReplace?: boolean;
  readonly rotateSecrets?: boolean;
  readonly ledger?: string;
  /** Post (or update) the markdown plan as a pull-request comment. */
  readonly comment?: boolean;
  readonly commentKey?: string;
  readonly pr?: string;
  /** Append the markdown plan to $GITHUB_STEP_SUMMARY. */
  readonly summary?: boolean;
}

const FORMATS = ['text', 'markdown', 'json'] as const;
/** A job summary may hold 1 MiB; the plan leaves room for whatever else the job writes. */
const SUMMARY_LIMIT = 900_000;

export interface Planned {
  readonly set: ManifestSet;
  readonly desired: Desired;
  readonly plan: Plan;
  readonly ledger: Ledger;
  readonly ledgerPath: string;
  /** What was read: apply's convergence check reuses the lists of services it did not touch. */
  readonly live: Live;
}

/** The manifests, or undefined after printing their diagnostics (nothing is read or changed then). */
export function loadOrReport(paths: readonly string[], io: CliIo): ManifestSet | undefined {
  // Relative to the command's directory; left as given when that is the process's (messages stay short).
  const loaded = loadManifests(io.cwd === process.cwd() ? paths : paths.map((p) => resolvePath(io, p)));
  if (loaded.set) return loaded.set;
  for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
  io.stderr.write(`✗ ${loaded.diagnostics.length} error(s) in the manifests; nothing was read or changed\n`);
  return undefined;
}

/** Reads the live side and plans; shared with apply (which plans again afterwards to check convergence). */
export async function computePlan(set: ManifestSet, flags: PlanFlags, io: CliIo, connection: Connection, fresh?: ReadonlyMap<string, readonly ClickPipe[]>): Promise<Planned> {
  const ledgerPath = resolvePath(io, flags.ledger ?? join('.pipeform', 'ledger.json'));
  const ledger = readLedger(ledgerPath);
  const desired = buildDesired(set, processResolveEnv(io.env, io.cwd), connection.keySecret);
  const unresolved = desired.services.filter((s) => s.organizationId === '' || s.serviceId === '');
  if (unresolved.length > 0) throw userError('UNRESOLVED_SERVICE', desired.problems.filter((p) => unresolved.some((s) => p.startsWith(`${s.alias}:`))).join('\n'));
  const live = await readLive(connection.client, desired, { prune: flags.prune, fresh });
  const result = plan(desired, live, ledger, planOptions(flags));
  return { set, desired, plan: result, ledger, ledgerPath, live };
}

export function planOptions(flags: PlanFlags): PlanOptions {
  return { prune: flags.prune, allowReplace: flags.allowReplace, rotateSecrets: flags.rotateSecrets, target: flags.target, exclude: flags.exclude };
}

export async function withConnection<T>(flags: ConnectFlags, io: CliIo, f: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await connect(flags, io);
  try {
    return await f(connection);
  } finally {
    await connection.close();
  }
}

export async function planCommand(paths: string[], flags: PlanFlags, io: CliIo): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw userError('USAGE', `--format must be one of ${FORMATS.join(', ')}, got "${flags.format}"`);
  const set = loadOrReport(paths, io);
  if (!set) return 1;
  const planned = await withConnection(flags, io, (c) => computePlan(set, flags, io, c));
  const { plan: p } = planned;
  switch (flags.format) {
    case 'json':
      io.stdout.write(renderJson(p));
      break;
    case 'markdown':
      io.stdout.write(renderMarkdown(p));
      break;
    default:
      io.stdout.write(renderText(p, colorsFor(io)));
  }
  if (flags.summary) {
    const file = io.env.GITHUB_STEP_SUMMARY;
    if (!file) throw userError('GITHUB_STEP_SUMMARY', '--summary needs GITHUB_STEP_SUMMARY (GitHub Actions sets it)');
    appendFileSync(file, `${renderMarkdown(p, SUMMARY_LIMIT)}\n`);
  }
  if (flags.comment) {
    const done = await upsertComment(githubTarget(io, flags.pr), flags.commentKey ?? 'default', renderMarkdown(p));
    io.stderr.write(`${done.action} the plan comment: ${done.url}\n`);
  }
  if (flags.out) {
    if (p.errors.length > 0) {
      io.stderr.write(`not saved to ${flags.out}: apply would refuse a plan with errors\n`);
    } else {
      const file: PlanFile = {
        pipeformPlan: 1,
        createdAt: new Date().toISOString(),
        paths: paths.map((x) => relative(io.cwd, resolvePath(io, x)) || '.'),
        options: planOptions(flags),
        manifestDigest: manifestDigest(planned.set.files.map((f) => ({ path: relative(io.cwd, resolvePath(io, f)), content: readFileSync(f) }))),
        services: Object.fromEntries(planned.desired.services.map((s) => [s.alias, { organizationId: s.organizationId, serviceId: s.serviceId }])),
        plan: p,
      };
      writeFileAtomic(resolvePath(io, flags.out), `${JSON.stringify(file, null, 2)}\n`);
      io.stderr.write(`saved the plan to ${flags.out}; apply it with: pipeform apply ${flags.out}\n`);
    }
  }
  if (p.errors.length > 0) return 1;
  return flags.detailedExitcode && p.changes ? 2 : 0;
}

export function resolvePath(io: CliIo, p: string): string {
  return isAbsolute(p) ? p : join(io.cwd, p);
}
