/**
 * End-to-end worlds: a real sandbox over HTTP on 127.0.0.1 with a short lifecycle (real time, 20 ms a
 * phase), manifests written to a temporary directory, and the CLI run in-process against both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { stringify } from 'yaml';
import { parseFaults } from '../../src/sandbox/faults.js';
import { Sandbox } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from './cli.js';
import { SECRET_ENV } from './plan-world.js';

export const E2E_PHASE_MS = 20;
const open: E2eWorld[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

export class E2eWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'pipeform-e2e-'));
  env: Record<string, string>;

  private constructor(public sandbox: Sandbox, private readonly options: { faults?: string; rateLimit?: number; dataFile?: string }) {
    this.env = { ...SECRET_ENV, CLICKHOUSE_KEY_ID: 'sandbox', CLICKHOUSE_KEY_SECRET: 'sandbox', CLICKHOUSE_API_URL: sandbox.url, PIPEFORM_POLL_MS: '10' };
    writeFileSync(join(this.dir, 'sa.json'), '{"type":"service_account"}');
    writeFileSync(join(this.dir, 'bq.json'), '{"type":"service_account"}');
  }

  static async start(options: { faults?: string; rateLimit?: number; persist?: boolean } = {}): Promise<E2eWorld> {
    const dataFile = options.persist ? join(mkdtempSync(join(tmpdir(), 'pipeform-data-')), 'sandbox.json') : undefined;
    const sandbox = await Sandbox.start({ lifecycleMs: E2E_PHASE_MS, rateLimit: options.rateLimit ?? 0, faults: parseFaults(options.faults), dataFile });
    const w = new E2eWorld(sandbox, { ...options, dataFile });
    open.push(w);
    return w;
  }

  /** Stops the sandbox and starts it again on the same port and data file (persist: true). */
  async restart(faults = this.options.faults): Promise<void> {
    const port = this.sandbox.port;
    await this.sandbox.close();
    this.sandbox = await Sandbox.start({ port, lifecycleMs: E2E_PHASE_MS, rateLimit: this.options.rateLimit ?? 0, faults: parseFaults(faults), dataFile: this.options.dataFile });
  }

  write(...docs: unknown[]): string {
    writeFileSync(join(this.dir, 'm.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    return this.dir;
  }

  apply(docs: unknown[], ...flags: string[]): Promise<CliResult> {
    this.write(...docs);
    return runCli(['apply', join(this.dir, 'm.yaml'), '--auto-approve', '--api-rate', '0', ...flags], this.env, this.dir);
  }

  plan(docs: unknown[], ...flags: string[]): Promise<CliResult> {
    this.write(...docs);
    return runCli(['plan', join(this.dir, 'm.yaml'), '--api-rate', '0', '--detailed-exitcode', ...flags], this.env, this.dir);
  }

  async stats(): Promise<{ total: number; byRoute: Record<string, number>; byStatus: Record<string, number>; byRouteStatus: Record<string, number> }> {
    const res = await fetch(`${this.sandbox.url}/_sandbox/stats`, { headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } });
    return (await res.json()) as never;
  }

  async close(): Promise<void> {
    await this.sandbox.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
