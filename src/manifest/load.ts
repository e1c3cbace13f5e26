/**
 * Loads manifests from files and directories and validates them: YAML, schema, references and the
 * semantic checks. Every problem becomes a diagnostic; a ManifestSet is returned only when there are none.
 */
import type { Diagnostic } from './diagnostic.js';
import { formatPath, sortDiagnostics } from './diagnostic.js';
import { didYouMean } from './did-you-mean.js';
import { findFiles, readManifestFile, type ManifestFs } from './files.js';
import { addressOf, type LoadedManifest, type ManifestSet } from './model.js';
import { isMalformedReference, stringsIn } from './references.js';
import { API_VERSION, MANIFEST_KINDS, manifestSchema, type ManifestKind } from './schema.js';
import { explainSchemaErrors } from './schema-errors.js';
import { specFieldPaths } from './schema-paths.js';
import { semanticChecks } from './semantic.js';
import { parseYaml, type ParsedDocument } from './yaml-document.js';

export interface LoadResult {
  /** Present only when there is no diagnostic. */
  readonly set?: ManifestSet;
  readonly diagnostics: readonly Diagnostic[];
  readonly documentCount: number;
  /** YAML files found in directory walks that hold no pipeform document (CI workflows, compose files…). */
  readonly skippedFiles: readonly string[];
}

export function loadManifests(paths: readonly string[], fs?: ManifestFs): LoadResult {
  const schema = manifestSchema();
  const specPaths = specFieldPaths(schema);
  const found = findFiles(paths, fs);
  const diagnostics: Diagnostic[] = [...found.diagnostics];
  const loaded: LoadedManifest[] = [];
  const files: string[] = [];
  const skippedFiles: string[] = [];
  let documentCount = 0;

  for (const file of found.files) {
    const read = readManifestFile(file.path, fs);
    if (!read.ok) {
      diagnostics.push(read.diagnostic);
      continue;
    }
    const parsed = parseYaml(file.path, read.text);
    if (!file.explicit && parsed.diagnostics.length === 0 && !parsed.documents.some(looksLikeOurs)) {
      skippedFiles.push(file.path);
      continue;
    }
    files.push(file.path);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      documentCount++;
      const result = checkDocument(doc);
      diagnostics.push(...result.diagnostics);
      if (result.loaded) loaded.push(result.loaded);
    }
  }
  if (found.files.length > 0 && files.length === 0 && diagnostics.length === 0) {
    for (const p of paths.length > 0 ? paths : ['.']) {
      diagnostics.push({ code: 'no-manifests', file: p, message: 'no pipeform manifests here (no YAML document with apiVersion: pipeform/v1)' });
    }
  }
  diagnostics.push(...semanticChecks(loaded, specPaths));

  const sorted = sortDiagnostics(diagnostics);
  if (sorted.length > 0) return { diagnostics: sorted, documentCount, skippedFiles };
  return {
    set: {
      files,
      services: loaded.filter((m) => m.kind === 'Service'),
      pipes: loaded.filter((m) => m.kind === 'ClickPipe'),
      endpoints: loaded.filter((m) => m.kind === 'ReversePrivateEndpoint'),
    },
    diagnostics: sorted,
    documentCount,
    skippedFiles,
  };
}

function looksLikeOurs(doc: ParsedDocument): boolean {
  const d = doc.data as Record<string, unknown> | null;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return false;
  return (typeof d.apiVersion === 'string' && d.apiVersion.startsWith('pipeform/')) || MANIFEST_KINDS.includes(d.kind as ManifestKind);
}

function checkDocument(doc: ParsedDocument): { diagnostics: Diagnostic[]; loaded?: LoadedManifest } {
  const diagnostics: Diagnostic[] = [];
  const data = doc.data;
  const problem = (path: (string | number)[], message: string, code: Diagnostic['code'], atKey = false, address?: string) => {
    const at = doc.locate(path, atKey);
    diagnostics.push({ code, file: doc.file, line: at.line, col: at.col, address, field: formatPath(path) || undefined, message });
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problem([], `document ${doc.index + 1} is ${Array.isArray(data) ? 'a list' : 'a plain value'}; a manifest is a mapping with apiVersion, kind, metadata and spec`, 'document-not-mapping');
    return { diagnostics };
  }
  const obj = data as Record<string, unknown>;
  const kind = typeof obj.kind === 'string' && MANIFEST_KINDS.includes(obj.kind as ManifestKind) ? (obj.kind as ManifestKind) : undefined;
  const address = addressOf(kind, obj.metadata);

  if (obj.apiVersion === undefined) {
    problem(['apiVersion'], `is required (apiVersion: ${API_VERSION})`, 'api-version', true, address);
  } else if (obj.apiVersion !== API_VERSION) {
    const shown = typeof obj.apiVersion === 'string' ? `"${obj.apiVersion}"` : 'this value';
    problem(['apiVersion'], `${shown} is not supported; this version of pipeform reads ${API_VERSION}`, 'api-version', false, address);
  }
  if (obj.kind === undefined) {
    problem(['kind'], `is required: one of ${MANIFEST_KINDS.join(', ')}`, 'kind', true, address);
  } else if (!kind) {
    const hint = typeof obj.kind === 'string' ? `"${obj.kind}" is not a kind${didYouMean(obj.kind, MANIFEST_KINDS)}` : 'must be a string';
    problem(['kind'], `${hint}; expected one of ${MANIFEST_KINDS.join(', ')}`, 'kind', false, address);
  }
  if (!kind || diagnostics.length > 0) return { diagnostics };

  const validate = manifestSchema().validator(kind);
  const schemaValid = validate(data) === true;
  const flagged = new Set<string>();
  for (const p of explainSchemaErrors(validate.errors ?? [])) {
    flagged.add(formatPath(p.path));
    problem(p.path, p.message, p.code, p.atKey, address);
  }
  for (const [path, value] of stringsIn(obj.spec, ['spec'])) {
    if (isMalformedReference(value) && !flagged.has(formatPath(path))) {
      problem(path, 'is not a valid reference: write ${env:NAME} or ${file:path} as the whole value', 'reference-syntax', false, address);
    }
  }
  const md = obj.metadata as Record<string, unknown> | null | undefined;
  const identityReadable =
    md !== undefined && md !== null && typeof md === 'object' && typeof md.name === 'string' && (kind === 'Service' || typeof md.service === 'string');
  if (!identityReadable || address === undefined) return { diagnostics };
  const loaded = { kind, manifest: data, address, doc, schemaValid: schemaValid && diagnostics.length === 0 } as LoadedManifest;
  return { diagnostics, loaded };
}
