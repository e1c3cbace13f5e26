/** An undici MockAgent standing in for api.clickhouse.cloud, recording every request it answers. */
import { MockAgent } from 'undici';
import { CloudClient, type ClientOptions } from '../../src/api/client.js';
import { RateLimiter, type RateLimit } from '../../src/api/rate-limiter.js';
import { Transport, type ApiLogEvent } from '../../src/api/transport.js';
import { ManualClock } from '../../src/util/clock.js';

export const BASE = 'https://api.clickhouse.cloud';
export const ORG = '6f1c3a52-8d0e-4b7a-9c1d-2e5f7a9b0c13';
export const SVC = '0b6f4c1e-3a59-4d2a-8e71-5c0d9a3f2b11';
export const svc = { organizationId: ORG, serviceId: SVC };
export const SVC_PATH = `/v1/organizations/${ORG}/services/${SVC}`;

export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | { error: Error };

export function mockApi(options: { rate?: RateLimit; client?: ClientOptions; random?: () => number } = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(BASE);
  const clock = new ManualClock().autoAdvance();
  const requests: Recorded[] = [];
  const logs: ApiLogEvent[] = [];

  /** Answers the next request to METHOD PATH with each reply in turn. */
  function on(method: string, path: string, ...replies: Reply[]): void {
    for (const reply of replies) {
      const interceptor = pool.intercept({ method, path });
      if ('error' in reply) {
        interceptor.replyWithError(reply.error);
        continue;
      }
      interceptor.reply(() => {
        const data = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? { status: reply.status, requestId: 'req-1' });
        return { statusCode: reply.status, data, responseOptions: { headers: { 'content-type': 'application/json', ...reply.headers } } };
      });
    }
  }

  // Every request the client dispatches, in order, whatever the mock answers (replies and errors alike).
  const recording = agent.compose((dispatch) => (opts, handler) => {
    const headers = Object.fromEntries(Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const body = typeof opts.body === 'string' ? JSON.parse(opts.body) : undefined;
    requests.push({ method: opts.method, path: opts.path, headers, body });
    return dispatch(opts, handler);
  });

  const limiter = new RateLimiter(options.rate ?? { limit: 0, windowMs: 10_000 }, clock);
  const transport = new Transport({
    baseUrl: BASE,
    keyId: 'key-id',
    keySecret: 'key-secret-value',
    dispatcher: recording,
    clock,
    random: options.random ?? (() => 0.5),
    limiter,
    log: (e) => logs.push(e),
  });
  const client = new CloudClient(transport, { clock, pollIntervalMs: 1000, ...options.client });
  return { agent, clock, client, transport, on, requests, logs, limiter };
}

export const ok = (result: unknown): Reply => ({ status: 200, body: { status: 200, requestId: 'req-ok', result } });
export const fail = (status: number, error: string, headers?: Record<string, string>): Reply => ({ status, body: { status, error, requestId: `req-${status}` }, headers });

export function networkError(code: string): Reply {
  return { error: Object.assign(new Error(code), { code }) };
}

export function pipeJson(name: string, extra: Record<string, unknown> = {}) {
  return {
    id: `11111111-1111-4111-8111-${String(name.length).padStart(12, '0')}`,
    serviceId: SVC,
    name,
    state: 'Running',
    source: { kafka: { type: 'kafka', format: 'JSONEachRow', brokers: 'b:9092', topics: 't', authentication: 'PLAIN' } },
    destination: { database: 'default', table: 't', managedTable: true, columns: [{ name: 'id', type: 'UInt64' }] },
    createdAt: '2026-11-24T09:00:00Z',
    updatedAt: '2026-11-24T09:00:00Z',
    ...extra,
  };
}
