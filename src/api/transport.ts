/**
 * The one place that talks HTTP, through undici with an injected Dispatcher. Every attempt waits for the
 * key's rate limiter, unwraps the {status, requestId, result} envelope, and turns failures into ApiError.
 * Retries follow one rule: an idempotent call retries on 429, 5xx, timeouts and dropped connections; any
 * other call retries only when the request surely did not run (429, connection refused).
 */
import { Agent, request, type Dispatcher } from 'undici';
import { systemClock, type Clock } from '../util/clock.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, serverRequestedDelay, type RetryPolicy } from './backoff.js';
import { ApiError, splitApiError, type ApiErrorDetails } from './errors.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limiter.js';
import { redact } from './redact.js';
import { buildPath, ROUTES, type HttpMethod, type RouteName, type RouteParams } from './routes.js';

export interface ApiLogEvent {
  readonly method: HttpMethod;
  readonly path: string;
  readonly attempt: number;
  readonly outcome: 'ok' | 'retry' | 'error';
  readonly status?: number;
  readonly durationMs: number;
  readonly requestId?: string;
  readonly retryInMs?: number;
  /** The request body with every secret field replaced by <redacted>. */
  readonly body?: unknown;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly keyId: string;
  readonly keySecret: string;
  /** Production: a keep-alive Agent (the default); unit tests: undici's MockAgent. */
  readonly dispatcher?: Dispatcher;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Share one per API key (RateLimiterRegistry); the default paces this transport alone. */
  readonly limiter?: RateLimiter;
  readonly retry?: RetryPolicy;
  /** Per attempt: time to the response headers, and between body chunks. */
  readonly attemptTimeoutMs?: number;
  readonly log?: (event: ApiLogEvent) => void;
  readonly userAgent?: string;
}

export interface CallOptions {
  readonly route: RouteName;
  readonly params: RouteParams;
  readonly body?: unknown;
  /** Safe to send twice: retried on 5xx, timeouts and resets. POST creates and mapping edits are not. */
  readonly idempotent: boolean;
}

export class Transport {
  private readonly dispatcher: Dispatcher;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;
  private readonly authorization: string;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 16 });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.limiter = options.limiter ?? new RateLimiter(DEFAULT_RATE_LIMIT, this.clock);
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.authorization = `Basic ${Buffer.from(`${options.keyId}:${options.keySecret}`).toString('base64')}`;
  }

  get keyId(): string {
    return this.options.keyId;
  }

  /** Sends the call (retrying as allowed) and returns the envelope's `result`. */
  async call<T>(call: CallOptions): Promise<T> {
    const { method } = ROUTES[call.route];
    const path = buildPath(call.route, call.params);
    const started = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(call, method, path, attempt);
      if (outcome.ok) return outcome.result as T;
      const { error, serverDelayMs } = outcome;
      const retryable = error.status === 429 || (error.details.failure === 'network' && !error.ambiguous) || (call.idempotent && isTransient(error));
      const delay = serverDelayMs ?? backoffDelay(this.retry, attempt - 1, this.random);
      const elapsed = this.clock.now() - started;
      if (!retryable || attempt >= this.retry.maxAttempts || elapsed + delay > this.retry.budgetMs) {
        throw withAttempts(error, attempt);
      }
      if (error.status === 429) this.limiter.pauseUntil(this.clock.now() + delay);
      this.options.log?.({ method, path, attempt, outcome: 'retry', status: error.status, durationMs: 0, requestId: error.details.requestId, retryInMs: delay });
      await this.clock.sleep(delay);
    }
  }

  private async attempt(
    call: CallOptions,
    method: HttpMethod,
    path: string,
    attempt: number,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError; serverDelayMs?: number }> {
    const release = await this.limiter.acquire();
    try {
      return await this.send(call, method, path, attempt);
    } finally {
      release();
    }
  }

  private async send(
    call: CallOptions,
    method: HttpMethod,
    path: string,
    attempt: number,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError; serverDelayMs?: number }> {
    const t0 = this.clock.now();
    const base = { method, route: ROUTES[call.route].template, path };
    const log = (outcome: ApiLogEvent['outcome'], status?: number, requestId?: string) =>
      this.options.log?.({ method, path, attempt, outcome, status, requestId, durationMs: this.clock.now() - t0, body: call.body === undefined ? undefined : redact(call.body) });
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await request(new URL(path, this.options.baseUrl), {
        method,
        dispatcher: this.dispatcher,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          'user-agent': this.options.userAgent ?? 'pipeform',
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        headersTimeout: this.options.attemptTimeoutMs ?? 90_000,
        bodyTimeout: this.options.attemptTimeoutMs ?? 90_000,
      });
      text = await response.body.text();
    } catch (err) {
      const error = networkError(err, base);
      log('error');
      return { ok: false, error };
    }
    const parsed = parseJson(text);
    const requestId = typeof parsed?.requestId === 'string' ? parsed.requestId : undefined;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (text !== '' && parsed === undefined) {
        log('error', response.statusCode);
        return { ok: false, error: new ApiError({ ...base, failure: 'http', status: response.statusCode }, 'the response was not JSON') };
      }
      log('ok', response.statusCode, requestId);
      return { ok: true, result: parsed?.result };
    }
    const errorText = typeof parsed?.error === 'string' ? parsed.error : describeNonJson(response.statusCode, text);
    const { apiCode, message } = splitApiError(errorText);
    const details: ApiErrorDetails = { ...base, failure: 'http', status: response.statusCode, apiCode, requestId };
    log('error', response.statusCode, requestId);
    return { ok: false, error: new ApiError(details, message), serverDelayMs: serverRequestedDelay(response.headers, this.clock.now()) };
  }
}

function isTransient(error: ApiError): boolean {
  return error.ambiguous || error.status === 408;
}

function withAttempts(error: ApiError, attempts: number): ApiError {
  return attempts === 1 ? error : new ApiError({ ...error.details, attempts }, error.apiMessage);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An HTML error page (a CloudFront 504) says little; its title is enough, the rest is left out. */
function describeNonJson(status: number, text: string): string {
  const title = /<title>([^<]{1,100})<\/title>/i.exec(text)?.[1]?.trim();
  return title ? `${title} (the response was not JSON)` : `HTTP ${status} (the response was not JSON)`;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function networkError(err: unknown, base: Pick<ApiErrorDetails, 'method' | 'route' | 'path'>): ApiError {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  // undici wraps system errors: UND_ERR_SOCKET carries ECONNRESET, a failed connect carries ECONNREFUSED.
  const code = e.cause?.code ?? e.code ?? 'UNKNOWN';
  if (TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(e.code ?? '')) {
    return new ApiError({ ...base, failure: 'timeout', cause: code }, 'timed out');
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    // Never connected: nothing was sent, so this is as safe to retry as a refusal.
    return new ApiError({ ...base, failure: 'network', cause: 'ECONNREFUSED' }, 'could not connect (timeout)');
  }
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'connection closed by the server',
    ENOTFOUND: 'host not found',
  };
  return new ApiError({ ...base, failure: 'network', cause: code === 'ENOTFOUND' ? 'ECONNREFUSED' : code }, what[code] ?? `network error (${code})`);
}
