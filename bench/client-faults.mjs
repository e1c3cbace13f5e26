#!/usr/bin/env node
// The API client against the sandbox in real time, under the two faults issue 3 asks figures for:
// a 429 storm (the sandbox limits the key at 10 requests per 10 s) and a 504 after every create.
// Run: npm run build && node bench/client-faults.mjs
import { Agent } from 'undici';
import { CloudClient } from '../dist/api/client.js';
import { RateLimiter } from '../dist/api/rate-limiter.js';
import { Transport } from '../dist/api/transport.js';
import { parseFaults } from '../dist/sandbox/faults.js';
import { Sandbox } from '../dist/sandbox/server.js';
import { systemClock } from '../dist/util/clock.js';

const SVC = { organizationId: '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13', serviceId: '0b6f4c1e-3a59-4d2a-8e71-5c0d9a3f2b11' };
const CALLS = Number(process.env.CALLS ?? 30);

async function world(faults, rateLimit, clientRate) {
  const sandbox = await Sandbox.start({ lifecycleMs: 50, rateLimit, faults: parseFaults(faults) });
  const transport = new Transport({
    baseUrl: sandbox.url, keyId: 'sandbox', keySecret: 'sandbox', dispatcher: new Agent(),
    limiter: new RateLimiter({ limit: clientRate, windowMs: 10_000 }, systemClock),
  });
  return { sandbox, client: new CloudClient(transport, { pollIntervalMs: 100 }) };
}

async function stats(url) {
  const res = await fetch(`${url}/_sandbox/stats`, { headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } });
  return res.json();
}

async function storm(label, clientRate) {
  const { sandbox, client } = await world(undefined, 10, clientRate);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CALLS }, () => client.listClickPipes(SVC)));
  const s = await stats(sandbox.url);
  await sandbox.close();
  return { case: label, calls: CALLS, ok: s.byStatus['200'] ?? 0, answered_429: s.byStatus['429'] ?? 0, wall_s: +((performance.now() - t0) / 1000).toFixed(1), lower_bound_s: (Math.ceil(CALLS / 10) - 1) * 10 };
}

async function gatewayTimeouts(n) {
  const { sandbox, client } = await world('504-after-create', 0, 0);
  const t0 = performance.now();
  let recovered = 0;
  for (let i = 0; i < n; i++) {
    const body = { name: `pipe-${i}`, source: { kinesis: { format: 'JSONEachRow', streamName: 's', region: 'us-east-1', iteratorType: 'TRIM_HORIZON', authentication: 'IAM_ROLE', iamRole: 'arn:aws:iam::123456789012:role/r' } }, destination: { table: `t${i}`, managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] } };
    if ((await client.createClickPipe(SVC, body)).recovered) recovered++;
  }
  const pipes = (await client.listClickPipes(SVC)).length;
  const s = await stats(sandbox.url);
  await sandbox.close();
  const route = (m) => Object.entries(s.byRouteStatus).filter(([k]) => k.startsWith(`${m} /v1/organizations/{organizationId}/services/{serviceId}/clickpipes `)).reduce((a, [, v]) => a + v, 0);
  return { case: '504 after every create', creates: n, recovered, pipes, posts: route('POST'), lists: route('GET') - 1, wall_s: +((performance.now() - t0) / 1000).toFixed(2) };
}

console.log('429 storm: sandbox limit 10 req / 10 s per key');
console.table([await storm('client unpaced (limit off)', 0), await storm('client paced at 10/10 s', 10)]);
console.log('504 after create (CloudFront HTML page after the pipe was stored)');
console.table([await gatewayTimeouts(10)]);
