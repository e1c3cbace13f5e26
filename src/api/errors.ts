/**
 * ApiError: one failed call, with what a person needs to act: the HTTP status, the API's code (from its
 * "CODE: message" error text), the request id to quote to support, and the method and route. It never
 * carries the Authorization header or a request body.
 */
import { PipeformError } from '../errors.js';
import type { HttpMethod } from './routes.js';

export type ApiFailure = 'http' | 'network' | 'timeout';

export interface ApiErrorDetails {
  failure: ApiFailure;
  method: HttpMethod;
  /** The route template, e.g. /v1/organizations/{organizationId}/services/{serviceId}/clickpipes. */
  route: string;
  /** The concrete path that was called. */
  path: string;
  status?: number;
  /** The API's code, e.g. BAD_REQUEST, FAILED_DEPENDENCY; absent when the body had none. */
  apiCode?: string;
  requestId?: string;
  /** Low-level cause for network failures (ECONNRESET, UND_ERR_SOCKET, …). */
  cause?: string;
  attempts?: number;
}

export class ApiError extends PipeformError {
  readonly details: ApiErrorDetails;
  /** The API's own message, without its code prefix. */
  readonly apiMessage: string;

  constructor(details: ApiErrorDetails, apiMessage: string) {
    super('api', stableCode(details), describe(details, apiMessage));
    this.name = 'ApiError';
    this.details = details;
    this.apiMessage = apiMessage;
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** The request may or may not have taken effect: a timeout, a dropped connection or a server error. */
  get ambiguous(): boolean {
    const { failure, status, cause } = this.details;
    if (failure === 'timeout') return true;
    if (failure === 'network') return cause !== 'ECONNREFUSED'; // refused: nothing was sent
    return status !== undefined && status >= 500;
  }
}

function stableCode(d: ApiErrorDetails): string {
  if (d.failure === 'timeout') return 'API_TIMEOUT';
  if (d.failure === 'network') return 'API_NETWORK';
  return d.apiCode ? `API_${d.apiCode}` : `API_HTTP_${d.status}`;
}

function describe(d: ApiErrorDetails, apiMessage: string): string {
  const what = `${d.method} ${d.path}`;
  const after = d.attempts && d.attempts > 1 ? ` (after ${d.attempts} attempts)` : '';
  const id = d.requestId ? ` [request id ${d.requestId}]` : '';
  switch (d.failure) {
    case 'timeout':
      return `${what} timed out${after}`;
    case 'network':
      return `${what} failed: ${apiMessage}${after}`;
    case 'http': {
      const code = d.apiCode ? `${d.apiCode}: ` : '';
      return `${what} failed with ${d.status} ${code}${apiMessage}${after}${id}`;
    }
  }
}

/** "CODE: message" → { code, message }; anything else is all message. */
export function splitApiError(text: string): { apiCode?: string; message: string } {
  const m = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(text);
  return m ? { apiCode: m[1], message: m[2]! } : { message: text };
}
