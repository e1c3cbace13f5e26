/** A problem found in the manifests, located as precisely as the input allows. */
export type DiagnosticCode =
  | 'path-not-found'
  | 'file-unreadable'
  | 'file-too-large'
  | 'file-binary'
  | 'file-encoding'
  | 'no-manifests'
  | 'yaml-syntax'
  | 'yaml-empty'
  | 'document-not-mapping'
  | 'api-version'
  | 'kind'
  | 'schema'
  | 'unknown-field'
  | 'secret-literal'
  | 'reference-syntax'
  | 'duplicate-service'
  | 'duplicate-address'
  | 'unknown-service'
  | 'unknown-endpoint'
  | 'previous-name-conflict'
  | 'column-reference'
  | 'duplicate-entry'
  | 'cdc-scaling-ratio'
  | 'ignore-path';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** The file as the user named it (relative paths stay relative). */
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  /** SERVICE/NAME of a pipe, SERVICE of a service, SERVICE/endpoint:NAME of an endpoint. */
  readonly address?: string;
  /** Dotted field path inside the document, e.g. spec.source.kafka.brokers or spec.destination.columns[2].type. */
  readonly field?: string;
  readonly message: string;
}

/** `file:line:col  ADDRESS  field.path: message`, the one line format of every diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  const loc = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col ?? 1}`;
  const what = d.field ? `${d.field}: ${d.message}` : d.message;
  return `${loc}  ${d.address ?? '-'}  ${what}`;
}

/** Stable order: by file, then position, then field, so output and golden files never flap. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      cmp(a.field ?? '', b.field ?? '') ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
