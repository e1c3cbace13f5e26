/**
 * How a command reaches ClickHouse Cloud: the real API (credentials from CLICKHOUSE_KEY_ID /
 * CLICKHOUSE_KEY_SECRET, URL from --api-url or CLICKHOUSE_API_URL), or with --sandbox the embedded sandbox
 * on its data file `.pipeform/sandbox.json`, so successive commands see one world (design §5).
 */
import { join } from 'node:path';
import { Agent } from 'undici';
import { CloudClient } from '../api/client.js';
import { RateLimiter } from '../api/rate-limiter.js';
import { Transport, type ApiLogEvent } from '../api/transport.js';
import { userError } from '../errors.js';
import { systemClock } from '../util/clock.js';
import type { CliIo } from './io.js';

export interface ConnectFlags {
  readonly sandbox?: boolean;
  readonly apiUrl?: string;
  readonly apiRate?: string;
}

export interface Connection {
  readonly client: CloudClient;
  /** The key secret fingerprints are keyed with; it never leaves the process. */
  readonly keySecret: string;
  readonly target: string;
  /** How often at most apply lists a service while pipes in it are waited on. */
  readonly pollMs: number;
  /** The client's pacing, requests per 10 s (0 = unpaced): waits stretch their ticks to fit it. */
  readonly rate: number;
  close(): Promise<void>;
}

export const DEFAULT_API_URL = 'https://api.clickhouse.cloud';
/** Lifecycle phase of the embedded sandbox: short, so a demo apply finishes in seconds. */
const EMBEDDED_LIFECYCLE_MS = 500;

export async function connect(flags: ConnectFlags, io: CliIo): Promise<Connection> {
  const rate = flags.apiRate === undefined ? undefined : Number(flags.apiRate);
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 0 || rate > 10_000)) {
    throw userError('USAGE', `--api-rate must be a whole number of requests per 10 s (0 = unpaced), got "${flags.apiRate}"`);
  }
  if (flags.sandbox) {
    const lifecycleMs = Number(io.env.PIPEFORM_SANDBOX_LIFECYCLE_MS ?? EMBEDDED_LIFECYCLE_MS);
    // Loaded only here: talking to ClickHouse Cloud never pays for the simulated API.
    const { Sandbox } = await import('../sandbox/server.js');
    const sandbox = await Sandbox.start({ dataFile: join(io.cwd, '.pipeform', 'sandbox.json'), lifecycleMs });
    // The embedded sandbox has no rate limit: pace only when asked.
    const client = makeClient(sandbox.url, 'sandbox', 'sandbox', rate ?? 0, apiLog(io));
    return { client, keySecret: 'sandbox', target: 'the embedded sandbox (.pipeform/sandbox.json)', pollMs: pollMs(io, Math.max(50, lifecycleMs / 2)), rate: rate ?? 0, close: () => sandbox.close() };
  }
  const keyId = io.env.CLICKHOUSE_KEY_ID;
  const keySecret = io.env.CLICKHOUSE_KEY_SECRET;
  if (!keyId || !keySecret) {
    throw userError('NO_CREDENTIALS', 'set CLICKHOUSE_KEY_ID and CLICKHOUSE_KEY_SECRET to an API key of the organization, or pass --sandbox to use the embedded sandbox');
  }
  const url = flags.apiUrl ?? io.env.CLICKHOUSE_API_URL ?? DEFAULT_API_URL;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw userError('USAGE', `the API URL "${url}" is not an http(s) URL`);
  return { client: makeClient(url.replace(/\/+$/, ''), keyId, keySecret, rate ?? 10, apiLog(io)), keySecret, target: url, pollMs: pollMs(io, REAL_POLL_MS), rate: rate ?? 10, close: async () => {} };
}

/** The shortest tick against the real API; ticks stretch further when many services wait at once. */
const REAL_POLL_MS = 1000;

function pollMs(io: CliIo, fallback: number): number {
  const v = Number(io.env.PIPEFORM_POLL_MS);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** PIPEFORM_DEBUG=1: one stderr line per API attempt, bodies with every secret field redacted by the transport. */
function apiLog(io: CliIo): ((e: ApiLogEvent) => void) | undefined {
  if (io.env.PIPEFORM_DEBUG !== '1') return undefined;
  return (e) => io.stderr.write(`api: ${e.method} ${e.path} attempt ${e.attempt} ${e.outcome}${e.status ? ` ${e.status}` : ''} ${e.durationMs} ms${e.retryInMs ? ` retry in ${e.retryInMs} ms` : ''}${e.body === undefined ? '' : ` ${JSON.stringify(e.body)}`}\n`);
}

function makeClient(baseUrl: string, keyId: string, keySecret: string, rate: number, log?: (e: ApiLogEvent) => void): CloudClient {
  const transport = new Transport({
    baseUrl,
    keyId,
    keySecret,
    dispatcher: new Agent({ keepAliveTimeout: 10_000, connections: 16 }),
    limiter: new RateLimiter({ limit: rate, windowMs: 10_000 }, systemClock),
    userAgent: 'pipeform',
    log,
  });
  return new CloudClient(transport);
}
