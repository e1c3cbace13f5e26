/** `pipeform sandbox`: serves the simulated ClickPipes API on 127.0.0.1 until interrupted. */
import { userError } from '../../errors.js';
import { parseFaults } from '../../sandbox/faults.js';
import { Sandbox } from '../../sandbox/server.js';
import type { CliIo } from '../io.js';

export interface SandboxFlags {
  port: string;
  data?: string;
  key?: string;
  lifecycleMs: string;
  rateLimit: string;
  faults?: string;
}

export async function sandboxCommand(flags: SandboxFlags, io: CliIo): Promise<number> {
  const port = integer(flags.port, '--port', 0, 65535);
  const [keyId, keySecret] = parseKey(flags.key ?? 'sandbox:sandbox');
  const sandbox = await Sandbox.start({
    port,
    dataFile: flags.data,
    keyId,
    keySecret,
    lifecycleMs: integer(flags.lifecycleMs, '--lifecycle-ms', 0, 3_600_000),
    rateLimit: integer(flags.rateLimit, '--rate-limit', 0, 100_000),
    faults: parseFaults(flags.faults),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw userError('SANDBOX_PORT', `port ${port} is in use; pass another --port (0 picks a free one)`);
    throw err;
  });
  // Listen for signals before saying we listen: whoever reads that line may stop us at once.
  const interrupted = io.untilInterrupted();
  // The key id is shown, never its secret.
  io.stdout.write(`pipeform sandbox listening on ${sandbox.url} (API key id "${keyId}"${flags.data ? `, data in ${flags.data}` : ''})\n`);
  io.stdout.write(`try: curl -u ${keyId}:… ${sandbox.url}/v1/organizations/<org-id>/services/<service-id>/clickpipes\n`);
  await interrupted;
  await sandbox.close();
  io.stdout.write('pipeform sandbox stopped\n');
  return 0;
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw userError('USAGE', `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

function parseKey(value: string): [string, string] {
  const i = value.indexOf(':');
  if (i <= 0 || i === value.length - 1) throw userError('USAGE', '--key must be ID:SECRET');
  return [value.slice(0, i), value.slice(i + 1)];
}
