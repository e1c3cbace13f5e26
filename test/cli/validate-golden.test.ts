/**
 * The bad-input corpus: each fixture under test/fixtures/bad gets exactly the output pinned in
 * test/golden/validate/<case>.txt, exit code 1, and never a stack trace. UPDATE_GOLDEN=1 rewrites
 * the golden files (read the diff before committing it).
 */
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../src/manifest/files.js';
import { REPO_ROOT, runCli, spawnCli, STACK_TRACE, type CliResult } from '../support/cli.js';

const FIXTURES = 'test/fixtures/bad';
const CASES = [
  'malformed.yaml', 'wrong-types.yaml', 'empty-file.yaml', 'comments-only.yaml', 'empty-documents.yaml',
  'no-kind.yaml', 'unknown-kind.yaml', 'unknown-api-version.yaml', 'not-a-mapping.yaml', 'binary.yaml',
  'latin1.yaml', 'utf16.yaml', 'too-large.yaml', 'alias-bomb.yaml', 'flow-unquoted-reference.yaml',
  'duplicate-keys.yaml', 'tabs.yaml', 'misspelt-keys.yaml', 'secret-literals.yaml', 'bad-references.yaml',
  'cross-field.yaml', 'decimal-comma.yaml', 'semantic', 'no-manifests', 'missing-path', 'broken-link', 'null-sections.yaml',
];
/** Values that must never be printed: the literal secrets written into secret-literals.yaml. */
const SECRETS = ['hunter2-literal-password', 'wJalrXUtnFEMI-literal-secret-key'];

beforeAll(() => {
  // Too big to commit: a sparse file of the limit plus one byte (gitignored).
  const big = `${REPO_ROOT}${FIXTURES}/too-large.yaml`;
  if (!existsSync(big)) closeSync(openSync(big, 'w'));
  truncateSync(big, MAX_FILE_BYTES + 1);
});

function render(args: string[], r: CliResult): string {
  return `$ pipeform ${args.join(' ')}\nexit: ${r.exitCode}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

function golden(name: string, actual: string): string {
  const file = `${REPO_ROOT}test/golden/validate/${name.replace(/\.yaml$/, '')}.txt`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(`${REPO_ROOT}test/golden/validate`, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run with UPDATE_GOLDEN=1 and review it`);
  return readFileSync(file, 'utf8');
}

describe('validate on bad input (in-process)', () => {
  it.each(CASES)('%s', async (name) => {
    const args = ['validate', `${FIXTURES}/${name}`];
    const r = await runCli(args);
    const text = render(args, r);
    expect(text).toBe(golden(name, text));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    for (const s of SECRETS) expect(text).not.toContain(s);
  });
});

describe('validate on bad input (real process)', () => {
  it.each(['binary.yaml', 'alias-bomb.yaml', 'malformed.yaml', 'missing-path', 'secret-literals.yaml'])('%s', (name) => {
    const args = ['validate', `${FIXTURES}/${name}`];
    const r = spawnCli(args);
    expect(render(args, r)).toBe(golden(name, render(args, r)));
  });
});

describe('validate on good input', () => {
  it('all examples at once (the GitHub Actions workflows beside them are skipped with a note)', async () => {
    const r = await runCli(['validate', 'examples/']);
    const skipped = ['apply', 'drift', 'plan'].map((w) => `examples/github-actions/pipeform-${w}.yml`).join(', ');
    expect(r).toEqual({ exitCode: 0, stdout: '✓ 25 documents in 24 files valid: 12 services, 12 pipes, 1 reverse private endpoint\n', stderr: `note: skipped 3 YAML files without pipeform documents: ${skipped}\n` });
  });

  it('a usage error is one message and exit code 1', async () => {
    const r = await runCli(['valdate']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("error: unknown command 'valdate'\n(Did you mean validate?)\n");
  });
});
