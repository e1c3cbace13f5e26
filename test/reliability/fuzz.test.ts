/**
 * Reliability: a mutation fuzzer over the example manifests. Seeded mutations of the documents (keys
 * dropped, renamed, retyped; odd values; kinds and families swapped) and of the text (truncation, stray
 * characters, anchors, tabs, broken bytes). validate and plan must answer every case with exit 0/1 (plan: 0/1/2)
 * and a message — never an internal error or a stack trace.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
// @ts-expect-error: a plain .mjs helper shared with the demo script
import { exampleSecrets } from '../../scripts/example-secrets.mjs';
import { seededRandom } from '../../src/sandbox/faults.js';
import { REPO_ROOT, runCli, STACK_TRACE } from '../support/cli.js';

const CASES = Number(process.env.FUZZ_CASES ?? 500);
const EXAMPLES = join(REPO_ROOT, 'examples');
const sources = readdirSync(EXAMPLES)
  .filter((d) => d !== 'github-actions' && statSync(join(EXAMPLES, d)).isDirectory())
  .map((d) => readdirSync(join(EXAMPLES, d)).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(EXAMPLES, d, f), 'utf8')).join('\n---\n'));
const ODD: unknown[] = [null, 0, -1, 1e21, '', ' ', [], {}, [null], 'x'.repeat(300), true, '${env:', '${file:../../../etc/passwd}', '${env:UNSET_FUZZ_VAR}', 'MergeTree()', '500m', '💥', { a: { b: { c: [1] } } }];
const TEXT = ['\t', ':', '- ', '&a ', '*a', '*b', '{', '}', '"', "'", '\\', '%', '@', '\n  - x\n', '\u0000', '\uFEFF', '? '];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function mutateNode(node: unknown, rnd: () => number): unknown {
  if (Array.isArray(node)) {
    if (node.length === 0 || rnd() < 0.2) return rnd() < 0.5 ? pick(rnd, ODD) : [...node, pick(rnd, ODD)];
    const i = Math.floor(rnd() * node.length);
    return node.map((v, j) => (j === i ? mutateNode(v, rnd) : v));
  }
  if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    if (keys.length === 0 || rnd() < 0.15) return pick(rnd, ODD);
    const k = pick(rnd, keys);
    const copy: Record<string, unknown> = { ...(node as Record<string, unknown>) };
    const r = rnd();
    if (r < 0.2) delete copy[k];
    else if (r < 0.3) { copy[`${k}${pick(rnd, ['s', '_', 'X'])}`] = copy[k]; delete copy[k]; }
    else if (r < 0.4) copy[k] = pick(rnd, ODD);
    else if (r < 0.45 && k === 'source') copy[k] = { [pick(rnd, ['kafka', 'postgres', 'bigquery', 'nope'])]: Object.values(copy[k] as object)[0] };
    else if (r < 0.5 && k === 'kind') copy[k] = pick(rnd, ['Service', 'ClickPipe', 'ReversePrivateEndpoint', 'Pipe']);
    else copy[k] = mutateNode(copy[k], rnd);
    return copy;
  }
  return rnd() < 0.5 ? pick(rnd, ODD) : node;
}

/** Changes a valid manifest into another valid one (so plan gets exercised too): renames, reorders, nudged numbers. */
function benign(node: unknown, rnd: () => number, key = ''): unknown {
  if (Array.isArray(node)) return rnd() < 0.3 ? [...node].reverse() : node.map((v) => benign(v, rnd));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, benign(v, rnd, k)]));
  }
  if (typeof node === 'number' && Number.isInteger(node) && rnd() < 0.3) return node + 1;
  if (key === 'name' && typeof node === 'string' && rnd() < 0.5) return `${node}-x`;
  return node;
}

function mutate(text: string, rnd: () => number): string | Buffer {
  const r = rnd();
  if (r < 0.25) return parseAllDocuments(text).map((d) => stringify(benign(d.toJS(), rnd))).join('---\n');
  if (r < 0.6) {
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    const i = Math.floor(rnd() * docs.length);
    const times = 1 + Math.floor(rnd() * 3);
    for (let t = 0; t < times; t++) docs[i] = mutateNode(docs[i], rnd);
    if (rnd() < 0.1) docs.push(docs[i]);
    return docs.map((d) => stringify(d)).join('---\n');
  }
  if (r < 0.7) return text.slice(0, Math.floor(rnd() * text.length));
  if (r < 0.9) {
    let t = text;
    for (let n = 0; n < 1 + Math.floor(rnd() * 4); n++) {
      const at = Math.floor(rnd() * t.length);
      t = t.slice(0, at) + pick(rnd, TEXT) + t.slice(at);
    }
    return t;
  }
  const bytes = Buffer.from(text);
  bytes[Math.floor(rnd() * bytes.length)] = 0xff;
  return bytes;
}

describe(`mutation fuzzer over the examples (${CASES} cases)`, () => {
  it('validate and plan never crash or print a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipeform-fuzz-'));
    const env = exampleSecrets(EXAMPLES);
    const rnd = seededRandom(424242);
    const counts = { cases: 0, valid: 0, invalid: 0, planned: 0 };
    const crashes: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const file = join(dir, `case-${i}.yaml`);
      writeFileSync(file, mutate(pick(rnd, sources), rnd));
      counts.cases++;
      const v = await runCli(['validate', file], env, dir);
      const bad = (r: { exitCode: number; stderr: string; stdout: string }, ok: number[]) => !ok.includes(r.exitCode) || /internal error/.test(r.stderr) || STACK_TRACE.test(r.stderr + r.stdout);
      if (bad(v, [0, 1])) crashes.push(`case ${i} validate: exit ${v.exitCode}\n${v.stderr}`);
      if (v.exitCode === 1) counts.invalid++;
      if (v.exitCode !== 0) continue;
      counts.valid++;
      const p = await runCli(['plan', file, '--sandbox'], env, dir);
      counts.planned++;
      if (bad(p, [0, 1, 2])) crashes.push(`case ${i} plan: exit ${p.exitCode}\n${p.stderr}`);
    }
    console.log(`reliability: fuzz ${counts.cases} cases (${counts.invalid} rejected by validate with a message, ${counts.valid} valid), ${counts.planned} planned, ${crashes.length} crashes`);
    expect(crashes).toEqual([]);
    expect(counts.planned).toBeGreaterThan(CASES / 20);
  }, 300_000);
});
