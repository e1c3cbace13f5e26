/**
 * `pipeform import --service ALIAS --out DIR`: one minimal manifest per live pipe of the service (plus the
 * reverse private endpoints they use and the Service document), secrets as `${env:…}` placeholders. The
 * pipes are recorded in the ledger, so a plan right after import shows no change but the secrets it cannot
 * know. Nothing is written when any target file exists, unless --force; nothing when a document would not validate.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { LedgerStore } from '../../apply/ledger-store.js';
import { userError } from '../../errors.js';
import { loadManifests } from '../../manifest/load.js';
import { processResolveEnv } from '../../manifest/resolve.js';
import { buildDesired } from '../../plan/desired.js';
import { endpointName, importEndpoint, importPipe } from '../../state/import-manifest.js';
import { readLedger, writeLedger } from '../../state/ledger.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { ConnectFlags } from '../connect.js';
import type { CliIo } from '../io.js';
import { loadOrReport, resolvePath, withConnection } from './plan.js';

export interface ImportFlags extends ConnectFlags {
  readonly service: string;
  readonly out: string;
  readonly force?: boolean;
  readonly ledger: string;
}

/** The editor hint points at the schema this pipeform ships, relative to where the files go. */
function header(outDir: string): string {
  const schema = relative(outDir, fileURLToPath(new URL('../../../schemas/pipeform.schema.json', import.meta.url)));
  return `# yaml-language-server: $schema=${schema}\n# Imported by pipeform import: review it, then commit it.\n`;
}

export async function importCommand(paths: string[], flags: ImportFlags, io: CliIo): Promise<number> {
  const set = loadOrReport(paths, io);
  if (!set) return 1;
  const service = set.services.find((s) => s.address === flags.service);
  if (!service) {
    const known = set.services.map((s) => s.address).join(', ') || 'none';
    throw userError('UNKNOWN_SERVICE', `no Service document named "${flags.service}" in ${paths.join(' ')} (services: ${known}); import needs it for the organization and service ids`);
  }
  const outDir = resolvePath(io, flags.out);
  return withConnection(flags, io, async (connection) => {
    const desired = buildDesired({ ...set, services: [service], pipes: [], endpoints: [] }, processResolveEnv(io.env, io.cwd), connection.keySecret);
    const svc = desired.services[0]!;
    if (!svc.organizationId || !svc.serviceId) throw userError('UNRESOLVED_SERVICE', desired.problems.join('\n'));
    const ref = { organizationId: svc.organizationId, serviceId: svc.serviceId };
    const [pipes, endpoints] = await Promise.all([connection.client.listClickPipes(ref), connection.client.listEndpoints(ref)]);
    const declared = new Set(set.pipes.filter((p) => p.manifest.metadata.service === service.address).map((p) => p.manifest.metadata.name));

    const HEADER = header(outDir);
    const files = new Map<string, string>();
    files.set(join(outDir, 'service.yaml'), HEADER + stringify({ apiVersion: service.manifest.apiVersion, kind: 'Service', metadata: service.manifest.metadata, spec: service.manifest.spec }));
    const imported = pipes.filter((p) => !declared.has(p.name)).map((p) => ({ live: p, ...importPipe(p, service.address, endpoints) }));
    const used = endpoints.filter((e) => imported.some((i) => JSON.stringify(i.live.source).includes(e.id)));
    if (used.length > 0) files.set(join(outDir, 'endpoints.yaml'), HEADER + used.map((e) => stringify(importEndpoint(e, service.address))).join('---\n'));
    for (const i of imported) files.set(join(outDir, `${fileName(i.name)}.yaml`), HEADER + stringify(i.document));

    const existing = [...files.keys()].filter((f) => existsSync(f));
    if (existing.length > 0 && !flags.force) {
      throw userError('IMPORT_EXISTS', `${existing.map((f) => relative(io.cwd, f)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite (nothing was written)`);
    }
    checkValid(files);
    for (const [f, text] of files) writeFileAtomic(f, text);
    const ledgerPath = resolvePath(io, flags.ledger);
    const ledger = new LedgerStore(readLedger(ledgerPath), (l) => writeLedger(ledgerPath, l));
    for (const i of imported) {
      ledger.record({ address: `${service.address}/${i.name}`, ref, id: i.live.id, name: i.name, secrets: [], createOnly: {}, protect: false }, []);
    }
    ledger.flush();
    for (const p of pipes.filter((x) => declared.has(x.name))) io.stderr.write(`note: ${service.address}/${p.name} is already declared; not imported\n`);
    io.stdout.write(`imported ${imported.length} pipe(s)${used.length ? ` and ${used.length} reverse private endpoint(s) (${used.map(endpointName).join(', ')})` : ''} of ${service.address} into ${relative(io.cwd, outDir) || '.'}:\n`);
    for (const f of files.keys()) io.stdout.write(`  ${relative(io.cwd, f)}\n`);
    const variables = imported.flatMap((i) => i.variables);
    if (variables.length > 0) {
      io.stdout.write('The API never returns secrets. Set these variables (or edit the references) before an apply that must send them:\n');
      for (const v of variables) io.stdout.write(`  ${v}\n`);
    }
    return 0;
  });
}

function fileName(pipeName: string): string {
  return pipeName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'pipe';
}

/** Every written document must validate: an import that produces an invalid manifest is a pipeform bug. */
function checkValid(files: ReadonlyMap<string, string>): void {
  const fs = {
    statSync: (p: string) => ({ isDirectory: () => false, isFile: () => true, size: Buffer.byteLength(files.get(p) ?? '') }),
    readdirSync: () => [],
    readFileSync: (p: string) => Buffer.from(files.get(p) ?? ''),
    realpathSync: (p: string) => p,
  };
  const result = loadManifests([...files.keys()], fs);
  if (!result.set) throw new Error(`import produced manifests that do not validate:\n${result.diagnostics.map((d) => `${d.file}:${d.line}: ${d.field}: ${d.message}`).join('\n')}`);
}
