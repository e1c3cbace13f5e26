/**
 * `pipeform apply` as a user meets it: approval, plan files (and their refusal when stale), missing
 * secrets, JSON progress, the progress endpoint, --no-wait, exit code 3, and the convergence check.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';
import { runCli } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { SECRET_ENV } from '../support/plan-world.js';
import { edit, pipe, service } from '../support/world.js';

const POSTS = 'POST /v1/organizations/{organizationId}/services/{serviceId}/clickpipes';
const docs = [service(), pipe('kafka', 'a'), pipe('postgres', 'db')];

describe('pipeform apply: approval', () => {
  it('off a terminal without --auto-approve: refused before any change', async () => {
    const w = await E2eWorld.start();
    const r = await runCli(['apply', w.write(...docs), '--api-rate', '0'], w.env, w.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: apply needs approval: run it on a terminal to confirm, pass --auto-approve, or apply a reviewed plan file (pipeform plan --out FILE)\n');
    expect((await w.stats()).byRoute[POSTS]).toBeUndefined();
  });

  it('on a terminal: asks, cancels on anything but "yes", applies on "yes"', async () => {
    const w = await E2eWorld.start();
    const no = await runCli(['apply', w.write(...docs), '--api-rate', '0'], w.env, w.dir, { answer: 'y' });
    expect([no.exitCode, no.stdout.includes('Apply this plan? Only "yes" is accepted: '), no.stdout.includes('Apply cancelled; nothing was changed.')]).toEqual([1, true, true]);
    expect((await w.stats()).byRoute[POSTS]).toBeUndefined();
    const yes = await runCli(['apply', w.write(...docs), '--api-rate', '0'], w.env, w.dir, { answer: 'yes' });
    expect(yes.exitCode).toBe(0);
    expect((await w.stats()).byRoute[POSTS]).toBe(2);
  });
});

describe('pipeform apply PLANFILE', () => {
  it('applies exactly the saved plan, without asking', async () => {
    const w = await E2eWorld.start();
    w.write(...docs);
    expect((await runCli(['plan', join(w.dir, 'm.yaml'), '--out', 'plan.json'], w.env, w.dir)).exitCode).toBe(0);
    const r = await runCli(['apply', 'plan.json'], w.env, w.dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await w.plan(docs)).exitCode).toBe(0);
  });

  it('refuses it when a pipe it touches changed since, naming the pipe; and when the manifests changed', async () => {
    const w = await E2eWorld.start();
    await w.apply(docs);
    const changed = [service(), edit(pipe('kafka', 'a'), (p) => { p.spec.source.kafka.caCertificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'; }), pipe('postgres', 'db')];
    w.write(...changed);
    expect((await runCli(['plan', join(w.dir, 'm.yaml'), '--out', 'plan.json'], w.env, w.dir)).exitCode).toBe(0);
    // Someone changes the pipe in the console meanwhile.
    const live = (await (await fetch(`${w.sandbox.url}/v1/organizations/${service().spec.organizationId}/services/${service().spec.serviceId}/clickpipes`, { headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` } })).json()) as { result: { id: string; name: string }[] };
    const id = live.result.find((p) => p.name === 'a')!.id;
    await fetch(`${w.sandbox.url}/v1/organizations/${service().spec.organizationId}/services/${service().spec.serviceId}/clickpipes/${id}`, {
      method: 'PATCH', headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ destination: { columns: [{ name: 'id', type: 'UInt64' }, { name: 'body', type: 'String' }, { name: 'x', type: 'String' }] } }),
    });
    const stale = await runCli(['apply', 'plan.json'], w.env, w.dir);
    expect([stale.exitCode, stale.stderr]).toEqual([1, 'error: prod/a changed since this plan was made; run pipeform plan again and review it\n']);
    w.write(...docs);
    const edited = await runCli(['apply', 'plan.json'], w.env, w.dir);
    expect(edited.stderr).toBe('error: the manifests changed since this plan was made; run pipeform plan again and review it\n');
  });
});

describe('pipeform apply: stops and exit codes', () => {
  it('a missing secret stops apply before the first call', async () => {
    const w = await E2eWorld.start();
    delete w.env.KAFKA_PASSWORD;
    const r = await w.apply(docs);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error: prod/a: spec.source.kafka.credentials: environment variable KAFKA_PASSWORD is not set');
    expect(Object.keys((await w.stats()).byRoute).every((k) => k.startsWith('GET'))).toBe(true);
  });

  it('--format json: one JSON event per line, ending with the finish counts; no secret in any of it', async () => {
    const w = await E2eWorld.start();
    const r = await w.apply(docs, '--format', 'json');
    expect(r.exitCode, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'start', addresses: ['prod/a', 'prod/db'] });
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcomes: { done: 2, failed: 0, skipped: 0, timeout: 0 } });
    expect(events.filter((e) => e.type === 'state').map((e) => e.state)).toContain('Running');
    for (const v of Object.values(SECRET_ENV)) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('--progress-port serves GET /api/v1/progress on 127.0.0.1 during the apply', async () => {
    const w = await E2eWorld.start();
    const port = await freePort();
    const seen: any[] = [];
    const running = w.apply([service(), pipe('postgres', 'db'), pipe('mysql', 'my')], '--progress-port', String(port));
    for (let i = 0; i < 200 && !seen.some((b) => b.progress?.state === 'RUNNING'); i++) {
      try {
        seen.push(await (await fetch(`http://127.0.0.1:${port}/api/v1/progress`)).json());
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const r = await running;
    expect(r.exitCode, r.stderr).toBe(0);
    const during = seen.find((b) => b.progress?.state === 'RUNNING');
    expect(during).toMatchObject({ success: true, progress: { state: 'RUNNING', canCommit: false, lagTimeSeconds: null, directionMapping: { Source: 'manifests' } } });
    expect(JSON.stringify(seen)).not.toMatch(/pw-1|sandbox:sandbox/);
  });

  it('--no-wait returns once the calls are made', async () => {
    const w = await E2eWorld.start();
    const r = await w.apply(docs, '--no-wait');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('state Running');
  });

  it('exit 3 when a pipe does not reach its target state in time', async () => {
    const w = await E2eWorld.start();
    const r = await w.apply([service(), pipe('postgres', 'db')], '--timeout', '5ms');
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/warning: prod\/db: did not reach Running within 5 ms \(last state (Provisioning|Setup)\); raise --timeout or check the pipe/);
  });

  it('exit 1 naming the field when the live pipe does not converge (a PATCH the API silently drops)', async () => {
    const w = await E2eWorld.start({ faults: 'drop-columns' });
    await w.apply(docs);
    const r = await w.apply([service(), edit(pipe('kafka', 'a'), (p) => { p.spec.destination.columns.push({ name: 'ts', type: 'DateTime' }); }), pipe('postgres', 'db')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: apply finished but the live pipes do not match the manifests:\n  prod/a: update (destination.columns[ts])\n');
  });
});

describe('pipeform apply: a pipe that fails', () => {
  it('stops its chain with the observed state, exit 1; the other pipes finish', async () => {
    const w = await E2eWorld.start();
    const broken = edit(pipe('kafka', 'broken'), (p) => { p.spec.source.kafka.brokers = 'kafka.invalid:9092'; });
    const r = await w.apply([service(), broken, pipe('kinesis', 'fine')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: prod/broken: the pipe entered Failed on its way to Running; see its status in the ClickHouse Cloud console\n');
    expect(r.stdout).toContain('prod/fine: done');
  });
});
