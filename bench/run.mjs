#!/usr/bin/env node
// `npm run bench`: plan and apply at 10, 100 and 1,000 pipes over 20 services against the sandbox (rate
// limited, lifecycle phases of BENCH_LIFECYCLE_MS), pipeform as a real process next to the Terraform
// provider's pattern (bench/baseline.mjs). Prints the table and writes bench/RESULTS.md.
// Env: BENCH_SIZES (10,100,1000), BENCH_SERVICES (20), BENCH_RATE (requests per 10 s, 600), BENCH_LIFECYCLE_MS (200).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../dist/sandbox/server.js';
import { baselineApply, baselineClient, baselineRefresh } from './baseline.mjs';
import { ENV, ORG, serviceId, writeWorld } from './world.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 600);
const PHASE = Number(process.env.BENCH_LIFECYCLE_MS ?? 200);
const LIFECYCLE_S = (4 * PHASE) / 1000; // the longest path to the target: CDC Provisioning → Setup → Snapshot (accepted)

async function stats(url) {
  const res = await fetch(`${url}/_sandbox/stats`, { headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } });
  return res.json();
}
async function resetStats(url) {
  await fetch(`${url}/_sandbox/stats`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } });
}

/** Runs pipeform as its own process (measured by bench/measure.mjs) and returns its numbers. */
async function pipeform(args, cwd, url) {
  // Another process's requests still in the sandbox's 10 s window would meet this one's full burst: let them age out.
  await new Promise((r) => setTimeout(r, 10_500));
  await resetStats(url);
  const out = join(cwd, `measure-${Date.now()}.json`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', join(root, 'bench/measure.mjs'), join(root, 'dist/cli/main.js'), ...args, '--api-url', url, '--api-rate', String(RATE)], {
    cwd, env: { ...process.env, ...ENV, PIPEFORM_BENCH_OUT: out, PIPEFORM_POLL_MS: String(PHASE) }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((r) => child.once('exit', r));
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0 && code !== 2) throw new Error(`pipeform ${args[0]} exited ${code}: ${stderr}`);
  const s = await stats(url);
  return { ...JSON.parse(readFileSync(out, 'utf8')), wall, s };
}

const kinds = (s) => {
  const k = { list: 0, get: 0, post: 0, other: 0 };
  for (const [route, n] of Object.entries(s.byRoute)) {
    if (route === 'GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipes') k.list += n;
    else if (route.startsWith('GET ') && route.endsWith('/clickpipes/{clickPipeId}')) k.get += n;
    else if (route === 'POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes') k.post += n;
    else k.other += n;
  }
  return k;
};
const fmt = (n, d = 1) => (typeof n === 'number' ? n.toFixed(d) : n);

const rows = [];
for (const n of SIZES) {
  const { dir, bodies } = writeWorld(n, SERVICES);
  const sandbox = await Sandbox.start({ lifecycleMs: PHASE, rateLimit: RATE });
  const planFresh = await pipeform(['plan', 'pipes', '--detailed-exitcode'], dir, sandbox.url);
  const apply = await pipeform(['apply', 'pipes', '--auto-approve'], dir, sandbox.url);
  const plan = await pipeform(['plan', 'pipes', '--detailed-exitcode'], dir, sandbox.url);
  await sandbox.close();

  const base = await Sandbox.start({ lifecycleMs: PHASE, rateLimit: RATE });
  const client = baselineClient(base.url, ORG);
  let t0 = performance.now();
  const ids = await baselineApply(client, bodies, serviceId);
  const baseApply = { wall: (performance.now() - t0) / 1000, ...client.stats };
  client.stats.requests = 0; client.stats.r429 = 0;
  t0 = performance.now();
  await baselineRefresh(client, ids, serviceId);
  const baseRefresh = { wall: (performance.now() - t0) / 1000, ...client.stats };
  await base.close();

  const ak = kinds(apply.s);
  const mutating = apply.s.total - ak.list - ak.get - (apply.s.byRoute['GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints'] ?? 0);
  const lower = (mutating * 10) / RATE + LIFECYCLE_S;
  rows.push(
    { run: `plan ${n} (all new)`, requests: planFresh.s.total, 'by kind': `${kinds(planFresh.s).list} list`, '429s': planFresh.s.byStatus['429'] ?? 0, 'wall s': fmt(planFresh.wall, 2), 'CPU s': fmt(planFresh.cpuMs / 1000, 2), 'peak MB': fmt(planFresh.maxRssMb, 0), 'vs bound': '', baseline: '' },
    { run: `plan ${n} (all live)`, requests: plan.s.total, 'by kind': `${kinds(plan.s).list} list`, '429s': plan.s.byStatus['429'] ?? 0, 'wall s': fmt(plan.wall, 2), 'CPU s': fmt(plan.cpuMs / 1000, 2), 'peak MB': fmt(plan.maxRssMb, 0), 'vs bound': '',
      baseline: `${baseRefresh.requests} GETs, ${baseRefresh.r429} × 429, ${fmt(baseRefresh.wall, 1)} s (${fmt(baseRefresh.requests / plan.s.total, 0)}× the requests)` },
    { run: `apply ${n}`, requests: apply.s.total, 'by kind': `${ak.post} POST, ${ak.list} list, ${ak.other} other`, '429s': apply.s.byStatus['429'] ?? 0, 'wall s': fmt(apply.wall, 1), 'CPU s': fmt(apply.cpuMs / 1000, 2), 'peak MB': fmt(apply.maxRssMb, 0),
      'vs bound': `${fmt(apply.wall / lower, 2)}× of ${fmt(lower, 1)} s`,
      baseline: `${baseApply.requests} req, ${baseApply.r429} × 429, ${fmt(baseApply.wall, 1)} s (${fmt(baseApply.requests / apply.s.total, 1)}× the requests, ${fmt(baseApply.wall / apply.wall, 1)}× the time)` },
  );
  console.error(`bench: ${n} pipes done`);
}

console.table(rows);
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const header = '| run | requests | by kind | 429s | wall s | CPU s | peak MB | apply vs lower bound | Terraform-provider pattern |\n|---|---|---|---|---|---|---|---|---|';
const table = rows.map((r) => `| ${[r.run, r.requests, r['by kind'], r['429s'], r['wall s'], r['CPU s'], r['peak MB'], r['vs bound'], r.baseline].join(' | ')} |`).join('\n');
writeFileSync(join(root, 'bench/RESULTS.md'), `# Benchmark results

Generated by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${machine}.
- World: ${SIZES.join(', ')} pipes over ${SERVICES} services, families mixed round-robin (Kafka, Kinesis, S3 and Azure
  continuous, Pub/Sub, Postgres, MySQL, MongoDB CDC). Sandbox over HTTP on 127.0.0.1: rate limit ${RATE} requests per
  10 s per key (pipeform paced at the same \`--api-rate\`), lifecycle phases of ${PHASE} ms.
- pipeform runs as its own process; CPU time and peak RSS are that process's (bench/measure.mjs). Its shortest wait
  tick is set to one lifecycle phase (\`PIPEFORM_POLL_MS=${PHASE}\`; against the real API it is 1 s, stretched to fit the limit).
- Lower bound of an apply: mutating calls ÷ rate limit + the longest lifecycle (${LIFECYCLE_S} s). The sandbox, like a
  sliding window, lets a burst of ${RATE} through at once, so small applies can beat that bound.
- Baseline: the Terraform provider's pattern against a fresh sandbox with the same limit (bench/baseline.mjs):
  parallelism 10, one GET per pipe with exponential backoff, 429s slept off for X-RateLimit-Reset + 1 s; a refresh
  is one GET per pipe.

${header}
${table}
`);
console.error('bench: wrote bench/RESULTS.md');
