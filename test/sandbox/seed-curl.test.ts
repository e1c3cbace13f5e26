/**
 * The seed document's curl examples (002, the ClickPipes OpenAPI reference), replayed against the sandbox
 * as written: list, every create, get, stop and start (with the seed's `{"action": …}` bodies), delete.
 * The organization-level CDC scaling path the seed lists answers 404 (the spec serves it per service).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { PHASE, startSandbox, SVC } from '../support/sandbox.js';

const SEED = fileURLToPath(new URL('../../../shared/seeds/002_93b33815c0a6f00e.txt', import.meta.url));

interface Curl {
  method: string;
  url: string;
  body?: string;
}

/** Every `curl …` command of the seed's bash blocks, with its method, URL and -d body. */
function seedCurls(): Curl[] {
  const blocks = [...readFileSync(SEED, 'utf8').matchAll(/```bash[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  // A command runs from `curl` to the next command or comment; its JSON body spans lines inside quotes.
  const commands = blocks.flatMap((b) => b.split(/\n(?=curl |#|[A-Z_]+=)/)).filter((c) => c.startsWith('curl '));
  return commands.map((c) => ({
    method: /-X (\w+)/.exec(c)?.[1] ?? 'GET',
    url: /"(https:\/\/api\.clickhouse\.cloud[^"]+)"/.exec(c)![1]!,
    body: /-d '([\s\S]*?)'/.exec(c)?.[1],
  }));
}

it('runs every curl example of the seed document', async () => {
  const w = await startSandbox();
  const curls = seedCurls();
  expect(curls.map((c) => c.method)).toEqual(['GET', 'GET', 'PATCH', 'PATCH', 'DELETE', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST']);
  const send = async (c: Curl, pipeId = 'none') => {
    const path = c.url
      .replace('https://api.clickhouse.cloud/v1', '/v1')
      .replace('$ORG_ID', SVC.organizationId)
      .replace('$SERVICE_ID', SVC.serviceId)
      .replace('$CLICKPIPE_ID', pipeId);
    return w.raw(c.method, path, c.body === undefined ? undefined : JSON.parse(c.body));
  };
  const [list, get, stop, start, del, ...creates] = curls as [Curl, Curl, Curl, Curl, Curl, ...Curl[]];

  const ids: string[] = [];
  for (const create of creates) {
    const r = await send(create);
    expect(r.status, r.json.error).toBe(200);
    ids.push(r.json.result.id);
  }
  expect((await send(list)).json.result.map((p: { name: string }) => p.name)).toEqual(creates.map((c) => JSON.parse(c.body!).name));

  const kafka = ids[0]!;
  expect((await send(get, kafka)).json.result).toMatchObject({ name: 'My Kafka ClickPipe', state: 'Provisioning' });
  await w.clock.advance(PHASE);
  expect((await send(get, kafka)).json.result.state).toBe('Running');
  expect((await send(stop, kafka)).json.result.state).toBe('Stopping');
  await w.clock.advance(PHASE);
  expect((await send(get, kafka)).json.result.state).toBe('Stopped');
  expect((await send(start, kafka)).json.result.state).toBe('Provisioning');
  await w.clock.advance(PHASE);
  expect((await send(get, kafka)).json.result.state).toBe('Running');
  expect((await send(del, kafka)).status).toBe(200);
  expect((await send(get, kafka)).status).toBe(404);
});

it('answers the seed\'s organization-level CDC scaling path with 404, and the client falls back to the service path', async () => {
  const w = await startSandbox();
  expect((await w.raw('GET', `/v1/organizations/${SVC.organizationId}/clickpipes/cdcScaling`)).status).toBe(404);
});
