/** --data: the world survives a restart, even a kill -9, and the file never holds a secret. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickPipePostRequest } from '../../src/api/types.js';
import { Sandbox } from '../../src/sandbox/server.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { bodies, SECRET_VALUES, startSandbox, SVC } from '../support/sandbox.js';

const BASE = `/v1/organizations/${SVC.organizationId}/services/${SVC.serviceId}`;
const AUTH = { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`, 'content-type': 'application/json' };

describe('in process', () => {
  it('a restarted sandbox has every pipe, endpoint and CDC scaling, and the file holds no secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeform-sandbox-'));
    const dataFile = join(dir, 'sandbox.json');
    const first = await startSandbox({ dataFile });
    for (const body of Object.values(bodies)) await first.client.createClickPipe(SVC, body as unknown as ClickPipePostRequest);
    await first.client.createEndpoint(SVC, { description: 'msk', type: 'MSK_MULTI_VPC', mskClusterArn: 'arn:aws:kafka:x', mskAuthentication: 'SASL_IAM' });
    await first.client.patchCdcScaling(SVC, { replicaCpuMillicores: 4000, replicaMemoryGb: 16 });
    const before = await first.client.listClickPipes(SVC);
    await first.sandbox.close();

    const second = await startSandbox({ dataFile });
    expect(await second.client.listClickPipes(SVC)).toEqual(before);
    expect((await second.client.listEndpoints(SVC)).map((e) => e.description)).toEqual(['msk']);
    expect(await second.client.getCdcScaling(SVC)).toEqual({ replicaCpuMillicores: 4000, replicaMemoryGb: 16 });

    const file = readFileSync(dataFile, 'utf8');
    for (const secret of SECRET_VALUES) expect(file).not.toContain(secret);
    expect(readdirSync(dir)).toEqual(['sandbox.json']); // written by rename: no temporary file left
  });

  it('refuses a data file that is not its own, with a way out', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'pipeform-sandbox-')), 'x.json');
    writeFileSync(dataFile, '{"hello": 1}');
    await expect(Sandbox.start({ dataFile })).rejects.toThrow(`sandbox data file ${dataFile} is not a pipeform sandbox file; move it away or pass another --data`);
  });
});

describe('the real process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  function startProcess(dataFile: string): Promise<string> {
    const child = spawn(process.execPath, [`${REPO_ROOT}dist/cli/main.js`, 'sandbox', '--port', '0', '--data', dataFile, '--lifecycle-ms', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
    });
  }

  it('kill -9 and restart: every pipe is still there', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'pipeform-sandbox-')), 'sandbox.json');
    const url = await startProcess(dataFile);
    const ids: string[] = [];
    for (const body of [bodies.kafka, bodies.postgres, bodies.s3]) {
      const r = await fetch(`${url}${BASE}/clickpipes`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
      ids.push(((await r.json()) as { result: { id: string } }).result.id);
    }
    children[0]!.kill('SIGKILL');
    const restarted = await startProcess(dataFile);
    const list = (await (await fetch(`${restarted}${BASE}/clickpipes`, { headers: AUTH })).json()) as { result: { id: string; state: string }[] };
    expect(list.result.map((p) => p.id)).toEqual(ids);
  });

  it('stops on SIGTERM, saying so', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'pipeform-sandbox-')), 'sandbox.json');
    await startProcess(dataFile);
    const child = children[0]!;
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toContain('pipeform sandbox stopped');
  });
});

describe('pipeform sandbox flags', () => {
  it.each([
    [['--port', 'abc'], 'error: --port must be a whole number from 0 to 65535, got "abc"\n'],
    [['--key', 'nocolon'], 'error: --key must be ID:SECRET\n'],
    [['--faults', 'gremlins'], 'error: --faults: unknown fault "gremlins"; known: 5xx, 504-after-create, reset, idle, zero-scaling, quantity-strings, legacy-readback, drop-columns, ignore-create-scaling, seed\n'],
    [['--faults', '5xx=2'], 'error: --faults 5xx: expected a probability between 0 and 1, got "2"\n'],
  ])('%j', async (flags, stderr) => {
    const r = await runCli(['sandbox', ...flags]);
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr });
  });

  it('a busy port is a clear error', async () => {
    const w = await startSandbox();
    const r = await runCli(['sandbox', '--port', String(w.sandbox.port)]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`error: port ${w.sandbox.port} is in use; pass another --port (0 picks a free one)\n`);
  });

  it('prints where it listens and the key id, never the key secret', async () => {
    const r = await runCli(['sandbox', '--port', '0', '--key', 'ci:very-secret-key']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^pipeform sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(API key id "ci"\)\n/);
    expect(r.stdout).not.toContain('very-secret-key');
  });
});
