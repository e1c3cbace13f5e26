/**
 * Secret fields of request bodies, by name, wherever they sit. Debug output shows bodies only through
 * redact(); a test keeps this list equal to the secret fields of the manifest schema.
 */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'password',
  'secretKey',
  'privateKey',
  'connectionString',
  'serviceAccountKey',
  'serviceAccountFile',
]);

export const REDACTED = '<redacted>';

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_FIELD_NAMES.has(k) && v !== null && v !== undefined ? REDACTED : redact(v)]),
    );
  }
  return value;
}
