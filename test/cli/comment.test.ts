/**
 * `plan --comment` and `plan --summary`: the GitHub REST calls (nock intercepts the global fetch they use),
 * one comment created, then the same one edited; the job summary appended. The token never printed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { E2eWorld } from '../support/e2e.js';
import { pipe, service } from '../support/world.js';

const GH = 'https://api.github.com';
const REPO = '/repos/acme/pipes';
const TOKEN = 'ghs_test_token_value';

afterEach(() => nock.cleanAll());

function ghEnv(w: E2eWorld): Record<string, string> {
  const event = join(w.dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  return { ...w.env, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/pipes', GITHUB_EVENT_PATH: event };
}

describe('plan --comment', () => {
  it('creates one comment, then edits that same comment on the next run', async () => {
    const w = await E2eWorld.start();
    const env = ghEnv(w);
    const bodies: string[] = [];
    const first = nock(GH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`${REPO}/issues/7/comments`).query({ per_page: '100', page: '1' }).reply(200, [{ id: 1, body: 'LGTM', html_url: 'x' }])
      .post(`${REPO}/issues/7/comments`, (b: { body: string }) => { bodies.push(b.body); return true; }).reply(201, { id: 99, html_url: `https://github.com/acme/pipes/pull/7#issuecomment-99` });
    const r1 = await runCli(['plan', w.write(service(), pipe('kafka')), '--comment', '--api-rate', '0'], env, w.dir);
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.stderr).toBe('created the plan comment: https://github.com/acme/pipes/pull/7#issuecomment-99\n');
    expect(first.isDone()).toBe(true);
    expect(bodies[0]).toMatch(/^<!-- pipeform-plan:default -->\n### pipeform plan\n/);
    expect(bodies[0]).toContain('`prod/events`');

    const second = nock(GH)
      .get(`${REPO}/issues/7/comments`).query(true).reply(200, [{ id: 1, body: 'LGTM', html_url: 'x' }, { id: 99, body: bodies[0], html_url: 'y' }])
      .patch(`${REPO}/issues/comments/99`, (b: { body: string }) => { bodies.push(b.body); return true; }).reply(200, { id: 99, html_url: 'https://github.com/acme/pipes/pull/7#issuecomment-99' });
    const r2 = await runCli(['plan', w.write(service(), pipe('kafka'), pipe('kinesis', 'k')), '--comment', '--api-rate', '0'], env, w.dir);
    expect(r2.stderr).toBe('updated the plan comment: https://github.com/acme/pipes/pull/7#issuecomment-99\n');
    expect(second.isDone()).toBe(true);
    expect(bodies[1]).toContain('`prod/k`');
    expect(r1.stdout + r1.stderr + r2.stdout + r2.stderr).not.toContain(TOKEN);
  });

  it('a token that may not write: a clear error naming the permission, never the token', async () => {
    const w = await E2eWorld.start();
    nock(GH).get(`${REPO}/issues/7/comments`).query(true).reply(403, { message: 'Resource not accessible by integration' });
    const r = await runCli(['plan', w.write(service(), pipe('kafka')), '--comment', '--api-rate', '0'], ghEnv(w), w.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('error: GitHub answered 403 to GET /repos/acme/pipes/issues/7/comments: GITHUB_TOKEN may not write comments: give the workflow `permissions: pull-requests: write`\n');
  });

  it('outside a pull request: says how to name one', async () => {
    const w = await E2eWorld.start();
    const r = await runCli(['plan', w.write(service(), pipe('kafka')), '--comment', '--api-rate', '0'], { ...w.env, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/pipes' }, w.dir);
    expect(r.stderr).toBe('error: --comment needs the pull request: run on a pull_request event or pass --pr NUMBER\n');
  });
});

describe('plan --summary', () => {
  it('appends the markdown plan to $GITHUB_STEP_SUMMARY', async () => {
    const w = await E2eWorld.start();
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'summary.md');
    writeFileSync(file, '# earlier step\n');
    const r = await runCli(['plan', w.write(service(), pipe('kafka')), '--summary', '--api-rate', '0'], { ...w.env, GITHUB_STEP_SUMMARY: file }, w.dir);
    expect(r.exitCode).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# earlier step\n### pipeform plan')).toBe(true);
    expect(text.length).toBeLessThan(1024 * 1024);
  });
});
