/**
 * The validators the build generates (dist/manifest/validators.gen.cjs, ajv standalone code) answer exactly as
 * the run-time compiled ones: same verdicts, same errors, on every document of the bad-input corpus and the examples.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compile, type ManifestKind } from '../../src/manifest/schema.js';
import { REPO_ROOT } from '../support/cli.js';

const schemaText = readFileSync(join(REPO_ROOT, 'schemas/pipeform.schema.json'), 'utf8');
const prebuilt = createRequire(import.meta.url)(join(REPO_ROOT, 'dist/manifest/validators.gen.cjs'));
const runtime = compile(JSON.parse(schemaText));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('prebuilt validators', () => {
  it('were made from this schema', () => {
    expect(prebuilt.schemaHash).toBe(createHash('sha256').update(schemaText).digest('hex'));
  });

  it('agree with the run-time compiled ones on every fixture and example document', () => {
    let compared = 0;
    for (const file of [...yamlFiles(join(REPO_ROOT, 'test/fixtures/bad')), ...yamlFiles(join(REPO_ROOT, 'examples'))]) {
      let docs: unknown[];
      try {
        docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
      } catch {
        continue;
      }
      for (const doc of docs) {
        for (const kind of ['Service', 'ClickPipe', 'ReversePrivateEndpoint'] as ManifestKind[]) {
          const a = prebuilt[kind];
          const b = runtime(kind);
          expect(a(doc), `${file} as ${kind}`).toBe(b(doc));
          const shape = (errs: typeof b.errors) => (errs ?? []).map((e) => [e.instancePath, e.keyword, JSON.stringify(e.params), e.message]);
          expect(shape(a.errors)).toEqual(shape(b.errors));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
