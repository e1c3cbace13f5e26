/** `pipeform validate [PATH...]`: manifests only, no network, no secrets read. */
import { formatDiagnostic } from '../../manifest/diagnostic.js';
import { loadManifests } from '../../manifest/load.js';
import { colorsFor, type CliIo } from '../io.js';

export function validateCommand(paths: string[], io: CliIo): number {
  const c = colorsFor(io);
  const result = loadManifests(paths);
  if (result.skippedFiles.length > 0) {
    io.stderr.write(`note: skipped ${plural(result.skippedFiles.length, 'YAML file')} without pipeform documents: ${result.skippedFiles.join(', ')}\n`);
  }
  if (!result.set) {
    for (const d of result.diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
    const files = new Set(result.diagnostics.map((d) => d.file)).size;
    io.stderr.write(`${c.red('✗')} ${plural(result.diagnostics.length, 'error')} in ${plural(files, 'file')}\n`);
    return 1;
  }
  const { services, pipes, endpoints, files } = result.set;
  const parts = [plural(services.length, 'service'), plural(pipes.length, 'pipe')];
  if (endpoints.length > 0) parts.push(plural(endpoints.length, 'reverse private endpoint'));
  io.stdout.write(`${c.green('✓')} ${plural(result.documentCount, 'document')} in ${plural(files.length, 'file')} valid: ${parts.join(', ')}\n`);
  return 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
