import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { fail, mockApi, networkError, ok, pipeJson, svc, SVC_PATH } from '../support/mock-api.js';

const createBody = {
  name: 'orders',
  source: { kafka: { type: 'kafka', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN', credentials: { username: 'u', password: 'hunter2-secret' } } },
  destination: { table: 't', managedTable: true, tableDefinition: { engine: { type: 'MergeTree' } }, columns: [{ name: 'id', type: 'UInt64' }] },
};

describe('requests and envelopes', () => {
  it('authenticates with HTTP Basic and unwraps the result', async () => {
    const api = mockApi();
    api.on('GET', `${SVC_PATH}/clickpipes`, ok([pipeJson('a')]));
    const pipes = await api.client.listClickPipes(svc);
    expect(pipes.map((x) => x.name)).toEqual(['a']);
    expect(api.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('key-id:key-secret-value').toString('base64')}`);
    expect(api.requests[0]!.headers.accept).toBe('application/json');
  });

  it('sends JSON bodies and reads a DELETE without result', async () => {
    const api = mockApi();
    api.on('DELETE', `${SVC_PATH}/clickpipes/p1`, { status: 200, body: { status: 200, requestId: 'r' } });
    expect(await api.client.deleteClickPipe(svc, 'p1')).toBe(true);
  });
});

describe('errors', () => {
  it('carry status, the API code, the request id, method and route', async () => {
    const api = mockApi();
    api.on('PATCH', `${SVC_PATH}/clickpipes/p1`, fail(400, 'BAD_REQUEST: Postgres ClickPipe must be paused to edit'));
    const err = (await api.client.updateClickPipe(svc, 'p1', { name: 'x' }).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('API_BAD_REQUEST');
    expect(err.details).toEqual({
      failure: 'http', method: 'PATCH', status: 400, apiCode: 'BAD_REQUEST', requestId: 'req-400',
      route: '/v1/organizations/{organizationId}/services/{serviceId}/clickpipes/{clickPipeId}', path: `${SVC_PATH}/clickpipes/p1`,
    });
    expect(err.apiMessage).toBe('Postgres ClickPipe must be paused to edit');
    expect(err.message).toBe(`PATCH ${SVC_PATH}/clickpipes/p1 failed with 400 BAD_REQUEST: Postgres ClickPipe must be paused to edit [request id req-400]`);
  });

  it('handle a non-JSON body such as CloudFront\'s HTML 504', async () => {
    const api = mockApi();
    const html = '<!DOCTYPE HTML><HTML><HEAD><TITLE>504 Gateway Timeout</TITLE></HEAD><BODY>The request could not be satisfied.</BODY></HTML>';
    api.on('PATCH', `${SVC_PATH}/clickpipes/p1/state`, ...Array(8).fill({ status: 504, body: html, headers: { 'content-type': 'text/html' } }));
    const err = (await api.client.changeState(svc, 'p1', 'stop').catch((e) => e)) as ApiError;
    expect(err.status).toBe(504);
    expect(err.apiMessage).toBe('504 Gateway Timeout (the response was not JSON)');
    expect(err.ambiguous).toBe(true);
  });

  it('never contain the Authorization header or a secret of the body, nor do the log events', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, fail(400, 'BAD_REQUEST: password is required for basic authentication'));
    const err = await api.client.createClickPipe(svc, createBody).catch((e) => e);
    const everything = JSON.stringify({ err, message: (err as Error).message, stack: (err as Error).stack, logs: api.logs });
    for (const secret of ['hunter2-secret', 'key-secret-value', Buffer.from('key-id:key-secret-value').toString('base64'), 'Basic ']) {
      expect(everything).not.toContain(secret);
    }
    expect(api.logs[0]!.body).toMatchObject({ source: { kafka: { credentials: { username: 'u', password: '<redacted>' } } } });
  });
});

describe('retries', () => {
  it('back off exponentially with jitter on 5xx for idempotent calls', async () => {
    const api = mockApi(); // random() = 0.5: waits are half of 500, 1000, 2000 … ms
    api.on('GET', `${SVC_PATH}/clickpipes`, fail(503, 'SERVICE_UNAVAILABLE: busy'), fail(502, 'bad gateway'), networkError('ECONNRESET'), ok([]));
    const t0 = api.clock.now();
    expect(await api.client.listClickPipes(svc)).toEqual([]);
    expect(api.requests).toHaveLength(4);
    expect(api.logs.filter((l) => l.outcome === 'retry').map((l) => l.retryInMs)).toEqual([250, 500, 1000]);
    expect(api.clock.now() - t0).toBe(1750);
  });

  it('honour Retry-After and X-RateLimit-Reset on 429, for any method', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, fail(429, 'TOO_MANY_REQUESTS: slow down', { 'retry-after': '3' }), fail(429, 'TOO_MANY_REQUESTS: slow down', { 'x-ratelimit-reset': '2' }), ok(pipeJson('orders')));
    const t0 = api.clock.now();
    const created = await api.client.createClickPipe(svc, createBody);
    expect(created.recovered).toBe(false);
    expect(api.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']); // a 429 was not processed: safe to resend
    expect(api.clock.now() - t0).toBe(3000 + 3000);
  });

  it('give up when the time budget is spent, saying how many attempts were made', async () => {
    const api = mockApi();
    api.on('GET', `${SVC_PATH}/clickpipes/p1`, ...Array(10).fill(fail(500, 'INTERNAL_ERROR: boom')));
    const t0 = api.clock.now();
    const err = (await api.client.getClickPipe(svc, 'p1').catch((e) => e)) as ApiError;
    expect(err.details.attempts).toBe(8);
    expect(err.message).toContain('(after 8 attempts)');
    expect(api.clock.now() - t0).toBeLessThanOrEqual(120_000);
  });

  it('do not retry a 4xx', async () => {
    const api = mockApi();
    api.on('GET', `${SVC_PATH}/clickpipes/p1`, fail(404, 'NOT_FOUND: no such pipe'));
    await expect(api.client.getClickPipe(svc, 'p1')).rejects.toThrow('404 NOT_FOUND: no such pipe');
    expect(api.requests).toHaveLength(1);
  });

  it('do not resend a table-mapping PATCH after an ambiguous failure', async () => {
    const api = mockApi();
    api.on('PATCH', `${SVC_PATH}/clickpipes/p1`, fail(503, 'SERVICE_UNAVAILABLE: busy'));
    const patch = { source: { postgres: { tableMappingsToAdd: [{ sourceSchemaName: 'public', sourceTable: 'a', targetTable: 'a' }] } } };
    await expect(api.client.updateClickPipe(svc, 'p1', patch)).rejects.toThrow('503');
    expect(api.requests).toHaveLength(1);
  });

  it('retry a timed-out GET', async () => {
    const api = mockApi();
    api.on('GET', `${SVC_PATH}/clickpipes/p1`, networkError('UND_ERR_HEADERS_TIMEOUT'), ok(pipeJson('a')));
    expect((await api.client.getClickPipe(svc, 'p1')).name).toBe('a');
  });
});

describe('creates are never sent blindly twice', () => {
  it('a 504 after the pipe was created: the re-list finds it, one POST in all', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, { status: 504, body: '<html><title>504 Gateway Timeout</title></html>' });
    api.on('GET', `${SVC_PATH}/clickpipes`, ok([pipeJson('other'), pipeJson('orders')]));
    const created = await api.client.createClickPipe(svc, createBody);
    expect(created).toMatchObject({ recovered: true, value: { name: 'orders' } });
    expect(api.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('a dropped connection and no pipe after three looks: the create is sent once more', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, networkError('ECONNRESET'), ok(pipeJson('orders')));
    api.on('GET', `${SVC_PATH}/clickpipes`, ok([]), ok([]), ok([]));
    const created = await api.client.createClickPipe(svc, createBody);
    expect(created.recovered).toBe(false);
    expect(api.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET', 'POST']);
  });

  it('a create that keeps failing ambiguously ends in the error, after four POSTs each preceded by three empty lists', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, ...Array(4).fill(fail(500, 'INTERNAL_ERROR: x')));
    api.on('GET', `${SVC_PATH}/clickpipes`, ...Array(12).fill(ok([])));
    await expect(api.client.createClickPipe(svc, createBody)).rejects.toThrow('500 INTERNAL_ERROR');
    expect(api.requests.map((r) => r.method).join(' ')).toBe('POST GET GET GET POST GET GET GET POST GET GET GET POST GET GET GET');
  });

  it('a definite rejection is not recovered', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, fail(400, 'BAD_REQUEST: nope'));
    await expect(api.client.createClickPipe(svc, createBody)).rejects.toThrow('400 BAD_REQUEST: nope');
    expect(api.requests).toHaveLength(1);
  });

  it('an endpoint is recovered by its description', async () => {
    const api = mockApi();
    const body = { description: 'msk payments', type: 'MSK_MULTI_VPC' as const, mskClusterArn: 'arn:aws:kafka:x', mskAuthentication: 'SASL_IAM' as const };
    api.on('POST', `${SVC_PATH}/clickpipesReversePrivateEndpoints`, networkError('UND_ERR_SOCKET'));
    api.on('GET', `${SVC_PATH}/clickpipesReversePrivateEndpoints`, ok([{ ...body, id: 'e1' }]));
    expect(await api.client.createEndpoint(svc, body)).toMatchObject({ recovered: true, value: { id: 'e1' } });
  });
});

describe('idle services', () => {
  const idle = fail(424, 'FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is running. Current state: idle');

  it('a 424 idle wakes the service, waits for it to run, and retries the call once', async () => {
    const api = mockApi();
    api.on('POST', `${SVC_PATH}/clickpipes`, idle, ok(pipeJson('orders')));
    api.on('PATCH', `${SVC_PATH}/state`, ok({ id: 's', name: 'svc', state: 'awaking' }));
    api.on('GET', SVC_PATH, ok({ state: 'awaking' }), ok({ state: 'running' }));
    const created = await api.client.createClickPipe(svc, createBody);
    expect(created.value.name).toBe('orders');
    expect(api.requests.map((r) => `${r.method} ${r.path.replace(SVC_PATH, '')}`)).toEqual(['POST /clickpipes', 'PATCH /state', 'GET ', 'GET ', 'POST /clickpipes']);
    expect(api.requests[1]!.body).toEqual({ command: 'awake' });
  });

  it('a 424 for a stopped service is not overridden', async () => {
    const api = mockApi();
    api.on('GET', `${SVC_PATH}/clickpipes`, fail(424, 'FAILED_DEPENDENCY: ClickPipe creation is allowed only when the ClickHouse service is running. Current state: stopped'));
    await expect(api.client.listClickPipes(svc)).rejects.toThrow('Current state: stopped');
    expect(api.requests).toHaveLength(1);
  });

  it('a service that never wakes ends in an error after the wake timeout', async () => {
    const api = mockApi({ client: { wakeTimeoutMs: 5000 } });
    api.on('GET', `${SVC_PATH}/clickpipes`, idle);
    api.on('PATCH', `${SVC_PATH}/state`, ok({}));
    api.on('GET', SVC_PATH, ...Array(7).fill(ok({ state: 'awaking' })));
    await expect(api.client.listClickPipes(svc)).rejects.toThrow('did not wake up in time (state awaking)');
  });
});

describe('other endpoint behaviours', () => {
  it('start on a running pipe is success', async () => {
    const api = mockApi();
    api.on('PATCH', `${SVC_PATH}/clickpipes/p1/state`, fail(400, 'BAD_REQUEST: ClickPipe is already running'));
    api.on('GET', `${SVC_PATH}/clickpipes/p1`, ok(pipeJson('a')));
    expect((await api.client.changeState(svc, 'p1', 'start')).state).toBe('Running');
  });

  it('a delete of a pipe already gone returns false', async () => {
    const api = mockApi();
    api.on('DELETE', `${SVC_PATH}/clickpipes/p1`, fail(404, 'NOT_FOUND: gone'));
    expect(await api.client.deleteClickPipe(svc, 'p1')).toBe(false);
  });

  it('CDC scaling: organization level first, service level on 404, remembered per organization', async () => {
    const api = mockApi();
    const orgPath = `/v1/organizations/${svc.organizationId}/clickpipes/cdcScaling`;
    api.on('GET', orgPath, fail(404, 'NOT_FOUND: no route'));
    api.on('GET', `${SVC_PATH}/clickpipesCdcScaling`, ok({ replicaCpuMillicores: 2000, replicaMemoryGb: 8 }));
    api.on('PATCH', `${SVC_PATH}/clickpipesCdcScaling`, ok({ replicaCpuMillicores: 4000, replicaMemoryGb: 16 }));
    expect(await api.client.getCdcScaling(svc)).toEqual({ replicaCpuMillicores: 2000, replicaMemoryGb: 8 });
    expect(await api.client.patchCdcScaling(svc, { replicaCpuMillicores: 4000, replicaMemoryGb: 16 })).toEqual({ replicaCpuMillicores: 4000, replicaMemoryGb: 16 });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${orgPath}`, `GET ${SVC_PATH}/clickpipesCdcScaling`, `PATCH ${SVC_PATH}/clickpipesCdcScaling`]);
  });

  it('CDC scaling at organization level when it exists', async () => {
    const api = mockApi();
    const orgPath = `/v1/organizations/${svc.organizationId}/clickpipes/cdcScaling`;
    api.on('PATCH', orgPath, ok({ replicaCpuMillicores: 1000, replicaMemoryGb: 4 }));
    await api.client.patchCdcScaling(svc, { replicaCpuMillicores: 1000, replicaMemoryGb: 4 });
    expect(api.requests.map((r) => r.path)).toEqual([orgPath]);
  });
});

describe('rate limiting', () => {
  it('paces 25 calls to 10 per 10 s: no call starts early, none waits longer than needed', async () => {
    const api = mockApi({ rate: { limit: 10, windowMs: 10_000 } });
    api.on('GET', `${SVC_PATH}/clickpipes`, ...Array(25).fill(ok([])));
    const t0 = api.clock.now();
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 25 }, async () => {
      await api.client.listClickPipes(svc);
      starts.push(api.clock.now() - t0);
    }));
    const perWindow = [0, 10_000, 20_000].map((w) => starts.filter((s) => s === w).length);
    expect(perWindow).toEqual([10, 10, 5]);
  });

  it('a 429 pauses every caller of the key until the server\'s reset', async () => {
    const api = mockApi({ rate: { limit: 100, windowMs: 10_000 } });
    api.on('GET', `${SVC_PATH}/clickpipes/a`, fail(429, 'TOO_MANY_REQUESTS: x', { 'retry-after': '5' }), ok(pipeJson('a')));
    api.on('GET', `${SVC_PATH}/clickpipes/b`, ok(pipeJson('b')));
    const t0 = api.clock.now();
    await api.client.getClickPipe(svc, 'a');
    await api.client.getClickPipe(svc, 'b');
    expect(api.clock.now() - t0).toBe(5000);
  });
});
