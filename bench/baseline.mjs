// The Terraform provider's request pattern (API notes §7), as the baseline: resources in parallel
// (terraform's default -parallelism=10), each pipe POSTed then polled with one GET per pipe and exponential
// backoff (500 ms, ×1.5, ±50% jitter, capped at maxWait/5) until Running/Completed/Snapshot/Failed; a 429 is
// slept off for X-RateLimit-Reset + 1 s and retried; a refresh reads each pipe with its own GET.
const AUTH = `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`;
const TARGET = new Set(['Running', 'Completed', 'Snapshot', 'Failed']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function baselineClient(url, org) {
  const stats = { requests: 0, r429: 0 };
  async function call(method, path, body) {
    for (;;) {
      stats.requests++;
      const res = await fetch(`${url}/v1/organizations/${org}/services/${path}`, {
        method, headers: { authorization: AUTH, 'content-type': 'application/json' }, body: body && JSON.stringify(body),
      });
      if (res.status === 429) {
        stats.r429++;
        await sleep((Number(res.headers.get('x-ratelimit-reset') ?? 1) + 1) * 1000);
        continue;
      }
      const json = await res.json();
      if (res.status >= 500) { await sleep(4000); continue; }
      return json.result;
    }
  }
  return { stats, call };
}

async function pool(items, parallelism, f) {
  let next = 0;
  await Promise.all(Array.from({ length: parallelism }, async () => {
    while (next < items.length) await f(items[next++]);
  }));
}

export async function baselineApply(client, bodies, serviceId, { parallelism = 10, maxWaitMs = 120_000 } = {}) {
  const ids = [];
  await pool(bodies, parallelism, async ({ service, body }) => {
    const created = await client.call('POST', `${serviceId(service)}/clickpipes`, body);
    let interval = 500;
    for (const started = Date.now(); Date.now() - started < maxWaitMs;) {
      await sleep(interval * (0.5 + Math.random()));
      const p = await client.call('GET', `${serviceId(service)}/clickpipes/${created.id}`);
      if (TARGET.has(p.state)) break;
      interval = Math.min(interval * 1.5, maxWaitMs / 5);
    }
    ids.push({ service, id: created.id });
  });
  return ids;
}

export async function baselineRefresh(client, ids, serviceId, { parallelism = 10 } = {}) {
  await pool(ids, parallelism, ({ service, id }) => client.call('GET', `${serviceId(service)}/clickpipes/${id}`));
}
