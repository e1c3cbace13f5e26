import { describe, expect, it } from 'vitest';
import { closest } from '../../src/manifest/did-you-mean.js';
import { parseYaml } from '../../src/manifest/yaml-document.js';

describe('parseYaml', () => {
  const text = ['a: 1', '---', '# second', 'spec:', '  list:', '    - x', '    - { k: v }', 'anchor: &a { deep: 1 }', 'alias: *a', ''].join('\n');
  const { documents, diagnostics } = parseYaml('f.yaml', text);

  it('parses every document and knows where each starts', () => {
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => [d.index, d.start])).toEqual([[0, { line: 1, col: 1 }], [1, { line: 4, col: 1 }]]);
  });

  it('locates values, keys, list items and fields behind aliases', () => {
    const doc = documents[1]!;
    expect(doc.locate(['spec', 'list', 1, 'k'])).toEqual({ line: 7, col: 12 });
    expect(doc.locate(['spec', 'list', 1, 'k'], true)).toEqual({ line: 7, col: 9 });
    expect(doc.locate(['spec', 'list'])).toEqual({ line: 5, col: 3 });
    expect(doc.locate(["alias", "deep"])).toEqual({ line: 8, col: 20 });
    expect(doc.locate(['spec', 'missing', 'x'])).toEqual({ line: 4, col: 1 });
  });

  it('turns an unquoted reference in a flow mapping into one hint, without quoting the line', () => {
    const out = parseYaml('f.yaml', 'credentials: { username: svc, password: ${env:KAFKA_PASSWORD}, x: hunter2 }\n');
    expect(out.diagnostics).toEqual([
      { code: 'yaml-syntax', file: 'f.yaml', line: 1, col: 41, message: 'a reference inside a flow mapping { … } must be quoted: write "${env:KAFKA_PASSWORD}"' },
    ]);
  });

  it('never quotes the token it tripped on (it may be a secret)', () => {
    const out = parseYaml('f.yaml', 'a: [1]\n]\nhunter2-token\n');
    expect(out.diagnostics.length).toBeGreaterThan(0);
    expect(JSON.stringify(out.diagnostics)).not.toContain('hunter2');
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    expect(parseYaml('f.yaml', bomb).diagnostics).toEqual([
      { code: 'yaml-syntax', file: 'f.yaml', line: 1, col: 1, message: 'too many YAML aliases (more than 200 expansions): refusing a possible alias bomb' },
    ]);
  });

  it('survives absurd nesting', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const out = parseYaml('f.yaml', deep);
    expect(out.diagnostics.length).toBeGreaterThan(0);
    expect(out.diagnostics[0]!.code).toBe('yaml-syntax');
  });
});

describe('closest', () => {
  it.each([
    ['brokerz', ['brokers', 'topics'], 'brokers'],
    ['prdo', ['prod', 'staging'], 'prod'],
    ['CLICKPIPE', ['ClickPipe', 'Service'], 'ClickPipe'],
    ['zzz', ['brokers'], undefined],
  ])('%s → %s', (input, candidates, expected) => expect(closest(input, candidates)).toBe(expected));
});
