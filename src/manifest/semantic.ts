/**
 * Checks JSON Schema cannot express: across documents (duplicates, references between documents) and
 * inside one document (columns that other fields name). Identity checks run on every document whose
 * metadata is readable, so all errors show at once; content checks run on schema-valid documents.
 */
import type { Diagnostic, DiagnosticCode } from './diagnostic.js';
import { formatPath } from './diagnostic.js';
import { didYouMean } from './did-you-mean.js';
import type { LoadedEndpoint, LoadedManifest, LoadedPipe, LoadedService } from './model.js';
import { sourceFamily, SOURCE_FAMILIES } from './model.js';
import { parseReference } from './references.js';
import type { ClickPipe } from './types.gen.js';

type Path = (string | number)[];

export function semanticChecks(all: readonly LoadedManifest[], specPaths: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (m: LoadedManifest, code: DiagnosticCode, path: Path, message: string, atKey = false) => {
    const at = m.doc.locate(path, atKey);
    out.push({ code, file: m.doc.file, line: at.line, col: at.col, address: m.address, field: formatPath(path), message });
  };
  const where = (m: LoadedManifest) => `${m.doc.file}:${m.doc.start.line}`;

  const services = all.filter((m): m is LoadedService => m.kind === 'Service');
  const pipes = all.filter((m): m is LoadedPipe => m.kind === 'ClickPipe');
  const endpoints = all.filter((m): m is LoadedEndpoint => m.kind === 'ReversePrivateEndpoint');

  firstSeen(services, (s) => s.manifest.metadata.name, (dup, first) =>
    report(dup, 'duplicate-service', ['metadata', 'name'], `Service "${dup.manifest.metadata.name}" is already declared at ${where(first)}`),
  );
  firstSeen(services, (s) => literalServiceKey(s), (dup, first) =>
    report(dup, 'duplicate-service', ['spec', 'serviceId'], `the same organization and service id are already declared as Service "${first.manifest.metadata.name}" at ${where(first)}`),
  );
  const serviceNames = new Set(services.map((s) => s.manifest.metadata.name));
  for (const m of [...pipes, ...endpoints]) {
    const svc = m.manifest.metadata.service;
    if (typeof svc === 'string' && !serviceNames.has(svc)) {
      const known = serviceNames.size === 0 ? 'no Service document is loaded' : `declared services: ${[...serviceNames].sort().join(', ')}`;
      report(m, 'unknown-service', ['metadata', 'service'], `no Service named "${svc}"${didYouMean(svc, serviceNames)}; ${known}`);
    }
  }
  firstSeen(pipes, (p) => p.address, (dup, first) =>
    report(dup, 'duplicate-address', ['metadata', 'name'], `pipe ${dup.address} is already declared at ${where(first)}`),
  );
  firstSeen(endpoints, (e) => e.address, (dup, first) =>
    report(dup, 'duplicate-address', ['metadata', 'name'], `endpoint ${dup.address} is already declared at ${where(first)}`),
  );
  // The API has no endpoint name: pipeform finds a live endpoint by its description.
  firstSeen(endpoints, (e) => `${e.manifest.metadata.service}\u0000${e.manifest.spec?.description ?? e.manifest.metadata.name}`, (dup, first) =>
    report(dup, 'duplicate-address', ['spec', 'description'], `endpoint description must be unique in the service (it is how pipeform finds the live endpoint); ${first.address} at ${where(first)} has the same`),
  );
  checkPreviousNames(pipes, report, where);
  checkEndpointReferences(pipes, endpoints, report);

  for (const s of services) {
    const scaling = s.manifest.spec?.cdcScaling;
    if (scaling && typeof scaling.replicaCpuMillicores === 'number' && typeof scaling.replicaMemoryGb === 'number') {
      const expected = (scaling.replicaCpuMillicores / 1000) * 4;
      if (scaling.replicaMemoryGb !== expected) {
        report(s, 'cdc-scaling-ratio', ['spec', 'cdcScaling', 'replicaMemoryGb'], `must be 4 GiB per CPU core: ${expected} for ${scaling.replicaCpuMillicores} millicores`);
      }
    }
  }
  for (const p of pipes) checkPipeContent(p, specPaths, (code, path, message, atKey) => report(p, code, path, message, atKey));
  return out;
}

/** Calls `onDuplicate(later, first)` for every item whose key an earlier item already had. */
function firstSeen<T>(items: readonly T[], key: (t: T) => string | undefined, onDuplicate: (dup: T, first: T) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first) onDuplicate(item, first);
    else seen.set(k, item);
  }
}

function literalServiceKey(s: LoadedService): string | undefined {
  const { organizationId, serviceId } = s.manifest.spec ?? {};
  if (typeof organizationId !== 'string' || typeof serviceId !== 'string') return undefined;
  if (parseReference(organizationId) || parseReference(serviceId)) return undefined; // unknown until resolved
  return `${organizationId.toLowerCase()}/${serviceId.toLowerCase()}`;
}

type Report = (m: LoadedManifest, code: DiagnosticCode, path: Path, message: string, atKey?: boolean) => void;

function checkPreviousNames(pipes: readonly LoadedPipe[], report: Report, where: (m: LoadedManifest) => string): void {
  const current = new Map(pipes.map((p) => [p.address, p]));
  const claimed = new Map<string, LoadedPipe>();
  for (const p of pipes) {
    const { service, name, previousNames } = p.manifest.metadata;
    if (!Array.isArray(previousNames)) continue;
    previousNames.forEach((prev, i) => {
      if (typeof prev !== 'string') return;
      const path = ['metadata', 'previousNames', i];
      const address = `${service}/${prev}`;
      if (prev === name) {
        report(p, 'previous-name-conflict', path, 'is the current name of this pipe');
        return;
      }
      const holder = current.get(address);
      if (holder) {
        report(p, 'previous-name-conflict', path, `"${prev}" is the name of another declared pipe (${where(holder)}); a rename to it would collide`);
      }
      const other = claimed.get(address);
      if (other && other !== p) {
        report(p, 'previous-name-conflict', path, `"${prev}" is also a previous name of ${other.address} (${where(other)}); only one pipe can take over the live pipe`);
      } else {
        claimed.set(address, p);
      }
    });
  }
}

function checkEndpointReferences(pipes: readonly LoadedPipe[], endpoints: readonly LoadedEndpoint[], report: Report): void {
  for (const p of pipes) {
    const names = p.manifest.spec?.source?.kafka?.reversePrivateEndpoints;
    if (!Array.isArray(names)) continue;
    const service = p.manifest.metadata.service;
    const inService = endpoints.filter((e) => e.manifest.metadata.service === service).map((e) => e.manifest.metadata.name);
    names.forEach((name, i) => {
      if (typeof name === 'string' && !inService.includes(name)) {
        const known = inService.length === 0 ? `service "${service}" declares no ReversePrivateEndpoint` : `declared in service "${service}": ${inService.sort().join(', ')}`;
        report(p, 'unknown-endpoint', ['spec', 'source', 'kafka', 'reversePrivateEndpoints', i], `no ReversePrivateEndpoint named "${name}"${didYouMean(name, inService)}; ${known}`);
      }
    });
  }
}

type PipeReport = (code: DiagnosticCode, path: Path, message: string, atKey?: boolean) => void;

/** Checks inside one schema-valid pipe: names that must refer to declared columns, and keys that must be unique. */
function checkPipeContent(p: LoadedPipe, specPaths: readonly string[], report: PipeReport): void {
  if (!p.schemaValid) return;
  const spec = p.manifest.spec;
  const dest = spec.destination;
  const columns = dest.columns ?? [];
  const columnNames = new Set<string>();
  columns.forEach((c, i) => {
    if (columnNames.has(c.name)) report('duplicate-entry', ['spec', 'destination', 'columns', i, 'name'], `column "${c.name}" is declared twice`);
    columnNames.add(c.name);
  });
  const mustBeColumn = (name: string, path: Path) => {
    if (columns.length > 0 && !columnNames.has(name)) {
      report('column-reference', path, `"${name}" is not a column of destination.columns${didYouMean(name, columnNames)}`);
    }
  };
  const def = dest.tableDefinition;
  def?.sortingKey?.forEach((k, i) => mustBeColumn(k, ['spec', 'destination', 'tableDefinition', 'sortingKey', i]));
  if (def?.engine.versionColumnId) mustBeColumn(def.engine.versionColumnId, ['spec', 'destination', 'tableDefinition', 'engine', 'versionColumnId']);
  def?.engine.columnIds?.forEach((k, i) => mustBeColumn(k, ['spec', 'destination', 'tableDefinition', 'engine', 'columnIds', i]));

  const mappings = spec.fieldMappings ?? [];
  const mapped = new Set<string>();
  mappings.forEach((m, i) => {
    const path = ['spec', 'fieldMappings', i, 'destinationField'];
    if (mapped.has(m.destinationField)) report('duplicate-entry', path, `column "${m.destinationField}" is mapped twice`);
    mapped.add(m.destinationField);
    mustBeColumn(m.destinationField, path);
  });
  if (mappings.length > 0) {
    const unmapped = [...columnNames].filter((c) => !mapped.has(c));
    if (unmapped.length > 0) {
      report('column-reference', ['spec', 'fieldMappings'], `every destination column must be mapped; not mapped: ${unmapped.join(', ')}`, true);
    }
  }
  checkTableMappings(spec, report);
  checkIgnoreChanges(p.manifest, specPaths, report);
}

function checkTableMappings(spec: ClickPipe['spec'], report: PipeReport): void {
  const family = sourceFamily({ spec } as ClickPipe);
  const source = spec.source[family] as { tableMappings?: Record<string, unknown>[] } | undefined;
  const list = source?.tableMappings;
  if (!Array.isArray(list)) return;
  const sourceKey = (m: Record<string, unknown>) =>
    family === 'mongodb' ? `${m.sourceDatabaseName}.${m.sourceCollection}` : family === 'bigquery' ? `${m.sourceDatasetName}.${m.sourceTable}` : `${m.sourceSchemaName}.${m.sourceTable}`;
  const sources = new Map<string, number>();
  const targets = new Map<string, number>();
  list.forEach((m, i) => {
    const base: Path = ['spec', 'source', family, 'tableMappings', i];
    const key = sourceKey(m);
    if (sources.has(key)) report('duplicate-entry', base, `source table ${key} is already mapped by tableMappings[${sources.get(key)}]`, true);
    else sources.set(key, i);
    const target = String(m.targetTable);
    if (targets.has(target)) report('duplicate-entry', [...base, 'targetTable'], `target table "${target}" is already used by tableMappings[${targets.get(target)}]`);
    else targets.set(target, i);
    const excluded = new Set((m.excludedColumns as string[] | undefined) ?? []);
    ((m.sortingKeys as string[] | undefined) ?? []).forEach((k, j) => {
      if (excluded.has(k)) report('column-reference', [...base, 'sortingKeys', j], `"${k}" is also in excludedColumns: a sorting key must be replicated`);
    });
  });
}

function checkIgnoreChanges(pipe: ClickPipe, specPaths: readonly string[], report: PipeReport): void {
  const family = sourceFamily(pipe);
  const known = new Set(specPaths);
  pipe.spec.lifecycle?.ignoreChanges?.forEach((p, i) => {
    const path = ['spec', 'lifecycle', 'ignoreChanges', i];
    if (!known.has(p)) {
      report('ignore-path', path, `"${p}" is not a field of a ClickPipe spec${didYouMean(p, specPaths)}`);
      return;
    }
    const other = SOURCE_FAMILIES.find((f) => f !== family && (p === `source.${f}` || p.startsWith(`source.${f}.`)));
    if (other) report('ignore-path', path, `"${p}" is a ${other} field; this pipe's source is ${family}`);
    else if (p === 'source' || p === `source.${family}`) report('ignore-path', path, 'ignoring the whole source would hide every source change; name the fields to ignore');
  });
}
