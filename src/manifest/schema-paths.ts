/**
 * The field paths a ClickPipe spec can have, walked from the schema: what `lifecycle.ignoreChanges`
 * may name, and (for the plan) the list every field policy must cover. Arrays are leaves: their
 * items are compared as a whole or as keyed maps, never field by field from a path.
 */
import type { ManifestSchema, SchemaNode } from './schema.js';

export function specFieldPaths(schema: ManifestSchema, defName = 'ClickPipeSpec'): string[] {
  const out: string[] = [];
  const visit = (node: SchemaNode, prefix: string, depth: number) => {
    const n = schema.deref(node);
    if (n.type !== 'object' || !n.properties || depth > 12) return;
    for (const [key, child] of Object.entries(n.properties)) {
      if (typeof child === 'boolean') continue;
      const p = prefix === '' ? key : `${prefix}.${key}`;
      out.push(p);
      visit(child, p, depth + 1);
    }
  };
  const def = schema.root.$defs[defName];
  if (!def) throw new Error(`schema has no $defs/${defName}`);
  visit(def, '', 0);
  return out;
}
