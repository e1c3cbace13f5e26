/** docs/manifest-reference.md is generated from the schema and the policy table, and up to date. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/manifest/schema.js';
import { specFieldPaths } from '../../src/manifest/schema-paths.js';
import { REPO_ROOT } from '../support/cli.js';

describe('docs/manifest-reference.md', () => {
  it('is what scripts/gen-reference.mjs generates now', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-reference.mjs', '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('lists every field of a ClickPipe spec, with what a change to it takes', () => {
    const doc = readFileSync(`${REPO_ROOT}docs/manifest-reference.md`, 'utf8');
    const missing = specFieldPaths(manifestSchema()).filter((p) => !doc.includes(`| \`spec.${p}\``));
    expect(missing).toEqual([]);
  });
});
