/**
 * Lint of the schema's own rules. An `if` whose condition tests a property it does not require passes
 * vacuously when the property is missing or of another type, and its `then` fires on documents it was
 * never meant for (engine: MergeTree as a string once drew "ReplacingMergeTree needs a sortingKey").
 */
import { expect, it } from 'vitest';
import { manifestSchema, type SchemaNode } from '../../src/manifest/schema.js';

function* conditions(node: unknown, path: string): Generator<[string, SchemaNode]> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* conditions(node[i], `${path}/${i}`);
  } else if (node !== null && typeof node === 'object') {
    const n = node as SchemaNode;
    if (n.if && typeof n.if === 'object') yield [path, n.if as SchemaNode];
    for (const [k, v] of Object.entries(n)) yield* conditions(v, `${path}/${k}`);
  }
}

/** A condition that only makes sense on an object: it names required keys or sub-properties, maybe under anyOf/not. */
function testsObject(s: SchemaNode): boolean {
  if ('required' in s || 'properties' in s) return true;
  const subs = [...((s.anyOf as SchemaNode[] | undefined) ?? []), ...(s.not ? [s.not as SchemaNode] : [])];
  return subs.some(testsObject);
}

it('every if requires what it tests, and nested object tests say they expect an object', () => {
  const problems: string[] = [];
  for (const [path, cond] of conditions(manifestSchema().root, '#')) {
    const tested = Object.keys(cond.properties ?? {});
    const required = new Set((cond.required as string[] | undefined) ?? []);
    for (const key of tested) {
      if (!required.has(key)) problems.push(`${path}: if tests "${key}" without requiring it`);
      const sub = cond.properties![key] as SchemaNode;
      if (testsObject(sub) && sub.type !== 'object') problems.push(`${path}: if tests "${key}" as an object without type: object`);
    }
  }
  expect(problems).toEqual([]);
});
