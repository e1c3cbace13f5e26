#!/usr/bin/env node
// One apply of examples/ against the sandbox over HTTP, counted by the sandbox's own stats: requests by
// route, how many of them were the waits' list calls, 429s, wall time. Two runs: unpaced with a fast
// lifecycle, and the real defaults (client paced at 10 req / 10 s, sandbox limiting at 10 / 10 s,
// 2 s lifecycle phases, wait ticks of at least 1 s stretched to fit the limit).
// Run: npm run build && node bench/apply-examples.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../dist/sandbox/server.js';
import { exampleSecrets } from '../scripts/example-secrets.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = join(root, 'examples');
const secrets = exampleSecrets(examples);

async function run(label, { lifecycleMs, rateLimit, apiRate, pollMs }) {
  const sandbox = await Sandbox.start({ lifecycleMs, rateLimit });
  const dir = mkdtempSync(join(tmpdir(), 'pipeform-bench-'));
  const env = { ...process.env, ...secrets, CLICKHOUSE_KEY_ID: 'sandbox', CLICKHOUSE_KEY_SECRET: 'sandbox', ...(pollMs ? { PIPEFORM_POLL_MS: String(pollMs) } : {}) };
  const args = [join(root, 'dist/cli/main.js'), 'apply', examples, '--auto-approve', '--api-url', sandbox.url, ...(apiRate === undefined ? [] : ['--api-rate', String(apiRate)])];
  const t0 = performance.now();
  // Asynchronously: the sandbox serves from this process's event loop.
  const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const r = { status: await new Promise((resolve) => child.once('exit', resolve)), stderr };
  const wall = (performance.now() - t0) / 1000;
  const stats = await (await fetch(`${sandbox.url}/_sandbox/stats`, { headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } })).json();
  await sandbox.close();
  if (r.status !== 0) throw new Error(`${label}: apply exited ${r.status}\n${r.stderr}`);
  const route = (k) => stats.byRoute[k] ?? 0;
  const lists = route('GET /v1/organizations/{organizationId}/services/{serviceId}/clickpipes');
  const services = 12;
  return {
    run: label, requests: stats.total, 'plan lists': services, 'lists after (waits + check)': lists - services,
    POST: route('POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes') + route('POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints'),
    other: stats.total - lists - route('POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes') - route('POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipesReversePrivateEndpoints'),
    '429': stats.byStatus['429'] ?? 0, wall_s: +wall.toFixed(1),
  };
}

const rows = [
  await run('unpaced, 0.5 s phases, 250 ms ticks', { lifecycleMs: 500, rateLimit: 0, apiRate: 0, pollMs: 250 }),
  await run('real defaults: 10/10 s, 2 s phases', { lifecycleMs: 2000, rateLimit: 10 }),
];
console.table(rows);
