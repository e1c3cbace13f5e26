/**
 * Typed errors with stable codes. `user` errors are the caller's to fix (bad input, missing secret),
 * `api` errors come from ClickHouse Cloud, `internal` errors are pipeform's own bugs.
 * Messages name the object and the way out, and never contain a secret value.
 */
export type ErrorClass = 'user' | 'api' | 'internal';

export class PipeformError extends Error {
  override name = 'PipeformError';
  constructor(
    readonly errorClass: ErrorClass,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function userError(code: string, message: string): PipeformError {
  return new PipeformError('user', code, message);
}
