/**
 * Reliability: the secret-leak scan. A full session with distinctive secret values — validate, plan in every
 * format, a plan file, apply (text and JSON progress, API debug log), the progress endpoint, a rotation, a
 * failing apply, a literal secret rejected by validate, status, import — then every output, file and the
 * sandbox's stats and data file are searched for each value and its base64 form.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../support/net.js';
import { runCli, type CliResult } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { edit, pipe, service, sources, type SourceName } from '../support/world.js';

const FAMILIES = Object.keys(sources) as SourceName[];
const SECRETS: Record<string, string> = {
  KAFKA_PASSWORD: 'kafka-Zq7!leak-canary-01', S3_SECRET: 's3-Xw2@leak-canary-02', AZ: 'DefaultEndpointsProtocol=https;AccountKey=leak-canary-03',
  PG: 'pg-Pp9#leak-canary-04', MY: 'my-Mm4$leak-canary-05', MG: 'mg-Gg6%leak-canary-06',
};
const FILES: Record<string, string> = { 'sa.json': '{"private_key":"leak-canary-07-pubsub"}', 'bq.json': '{"private_key":"leak-canary-08-bigquery"}' };
const ROTATED = 'kafka-rotated-leak-canary-09';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('secret-leak scan', () => {
  it('no secret value (nor its base64) in any output, file, log, endpoint body or sandbox record', async () => {
    const w = await E2eWorld.start({ persist: true });
    w.env = { ...w.env, ...SECRETS, PIPEFORM_DEBUG: '1' };
    for (const [f, c] of Object.entries(FILES)) writeFileSync(join(w.dir, f), c);
    const docs = [service('prod', { prune: true }), ...FAMILIES.map((f) => edit(pipe(f, `${f}-pipe`), (p) => { if (f === 'kafka') p.spec.source.kafka.schemaRegistry = { url: 'https://sr.example.com', authentication: 'PLAIN', credentials: { username: 'u', password: '${env:KAFKA_PASSWORD}' } }; }))];
    const m = w.write(...docs);
    const outputs: [string, string][] = [];
    const keep = (name: string, r: CliResult) => outputs.push([`${name} (stdout)`, r.stdout], [`${name} (stderr)`, r.stderr]);
    const cli = (name: string, args: string[]) => runCli([...args, '--api-rate', '0'], w.env, w.dir).then((r) => (keep(name, r), r));

    keep('validate', await runCli(['validate', m], w.env, w.dir));
    for (const format of ['text', 'markdown', 'json']) await cli(`plan ${format}`, ['plan', m, '--format', format]);
    await cli('plan --out', ['plan', m, '--out', 'plan.json']);
    const port = await freePort();
    const bodies: string[] = [];
    const applying = cli('apply (json, progress endpoint)', ['apply', m, '--auto-approve', '--format', 'json', '--progress-port', String(port)]);
    for (let i = 0; i < 100; i++) {
      try { bodies.push(await (await fetch(`http://127.0.0.1:${port}/api/v1/progress`)).text()); } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await applying).exitCode).toBe(0);
    expect(bodies.some((b) => b.includes('"RUNNING"'))).toBe(true); // the endpoint was read while the apply ran
    outputs.push(...bodies.map((b, i): [string, string] => [`progress endpoint #${i}`, b]));
    w.env.KAFKA_PASSWORD = ROTATED;
    await cli('plan (rotation)', ['plan', m]);
    await cli('apply (rotation, text)', ['apply', m, '--auto-approve']);
    await cli('status', ['status', m, '--format', 'json']);
    const bad = edit(pipe('kafka', 'broken'), (p) => { p.spec.source.kafka.reversePrivateEndpointIds = ['00000000-0000-4000-8000-000000000999']; });
    const failing = await cli('apply (API error)', ['apply', w.write(...docs, bad), '--auto-approve']);
    expect(failing.exitCode).toBe(1);
    writeFileSync(join(w.dir, 'literal.yaml'), stringify(edit(pipe('kafka', 'lit'), (p) => { p.spec.source.kafka.credentials.password = SECRETS.PG; })));
    const literal = await runCli(['validate', join(w.dir, 'literal.yaml')], w.env, w.dir);
    keep('validate (literal secret)', literal);
    expect(literal.exitCode).toBe(1);
    writeFileSync(join(w.dir, 'svc.yaml'), stringify(service()));
    await cli('import', ['import', join(w.dir, 'svc.yaml'), '--service', 'prod', '--out', 'imported']);
    outputs.push(['sandbox stats', JSON.stringify(await w.stats())]);
    await w.restart(); // flushes and reloads the data file
    // Every file pipeform wrote (the test's own inputs holding the secrets aside).
    const inputs = new Set([...Object.keys(FILES), 'literal.yaml']);
    for (const f of filesUnder(w.dir)) if (!inputs.has(f.slice(w.dir.length + 1))) outputs.push([`file ${f.slice(w.dir.length + 1)}`, readFileSync(f, 'utf8')]);
    const dataFile = (w as unknown as { options: { dataFile: string } }).options.dataFile;
    outputs.push(['sandbox data file', readFileSync(dataFile, 'utf8')]);

    const values = [...Object.values(SECRETS), ROTATED, ...Object.values(FILES), ...Object.values(FILES).map((c) => Buffer.from(c).toString('base64'))];
    const leaks = outputs.flatMap(([name, text]) => values.filter((v) => text.includes(v)).map((v) => `${name}: ${v}`));
    console.log(`reliability: leak scan ${outputs.length} inputs (${outputs.reduce((n, [, t]) => n + t.length, 0)} characters) × ${values.length} secret values, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
    expect(outputs.some(([name]) => name === 'file .pipeform/ledger.json')).toBe(true);
    expect(outputs.find(([name]) => name === 'plan text (stderr)')![1]).toContain('api: GET'); // the debug log was on
  });
});
