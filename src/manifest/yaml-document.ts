/**
 * YAML parsing with positions. Each document keeps its syntax tree so any later check can point at the
 * exact line and column of a field. Error messages never quote source lines: a line may hold a secret.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ParsedDocument {
  readonly file: string;
  /** 0-based index of the document within its file. */
  readonly index: number;
  readonly data: unknown;
  readonly start: Position;
  /** Position of a field: its key when `atKey` (or when the value is a collection), else its value. */
  locate(path: readonly (string | number)[], atKey?: boolean): Position;
}

/** Aliases are expanded into plain data; more than this many is an alias bomb, not a manifest. */
const MAX_ALIAS_COUNT = 200;

export function parseYaml(file: string, text: string): { documents: ParsedDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedDocument[] = [];
  const pos = (offset: number): Position => lineCounter.linePos(offset);
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true, strict: true });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (err) {
    // The parser recurses per nesting level; absurd nesting ends here instead of crashing.
    diagnostics.push({ code: 'yaml-syntax', file, message: `invalid YAML: ${describeYamlError((err as Error).message)}` });
    return { documents, diagnostics };
  }
  if (docs.length === 0) {
    diagnostics.push({ code: 'yaml-empty', file, line: 1, col: 1, message: 'file has no YAML documents' });
    return { documents, diagnostics };
  }
  const lines = text.split('\n');
  docs.forEach((doc, index) => {
    // Where the content begins, not the '---' marker line before it.
    const start = pos(doc.contents?.range?.[0] ?? doc.range[0]);
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      const reported = new Set<number>();
      for (const problem of problems) {
        const at = pos(problem.pos[0]);
        if (reported.has(at.line)) continue; // one cause often raises several errors on a line
        reported.add(at.line);
        const hint = unquotedReferenceHint(lines[at.line - 1] ?? '');
        diagnostics.push({
          code: 'yaml-syntax',
          file,
          line: at.line,
          col: hint?.col ?? at.col,
          message: hint?.message ?? `invalid YAML: ${describeYamlError(problem.message)}`,
        });
        // What follows an unquoted reference is the parser losing its way, not more mistakes.
        if (hint) break;
      }
      return;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      diagnostics.push({ code: 'yaml-syntax', file, line: start.line, col: start.col, message: aliasMessage(err) });
      return;
    }
    if (data === null || data === undefined) {
      const marker = pos(doc.range[0]);
      diagnostics.push({
        code: 'yaml-empty',
        file,
        line: marker.line,
        col: 1,
        message: `document ${index + 1} is empty (remove the stray '---' or fill it in)`,
      });
      return;
    }
    documents.push({ file, index, data, start, locate: (path, atKey = false) => locate(doc, path, atKey, start, pos) });
  });
  return { documents, diagnostics };
}

/** `password: ${env:X}` is fine in block style; inside `{ … }` the braces end the mapping. */
function unquotedReferenceHint(line: string): { col: number; message: string } | undefined {
  const ref = /\$\{[^}\s'"]*\}/.exec(line);
  if (!ref || /["']\$\{/.test(line)) return undefined;
  const flowStart = line.indexOf('{');
  if (flowStart === -1 || flowStart > ref.index) return undefined;
  return { col: ref.index + 1, message: `a reference inside a flow mapping { … } must be quoted: write "${ref[0]}"` };
}

function aliasMessage(err: unknown): string {
  const message = (err as Error).message;
  return /alias/i.test(message)
    ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): refusing a possible alias bomb`
    : `invalid YAML: ${describeYamlError(message)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The parser quotes the token it tripped on; that token may be a secret, so it is left out. */
function describeYamlError(message: string): string {
  return lowerFirst(message.replace(/:?\s*"(?:[^"\\]|\\.)*"/g, '').trim());
}

function locate(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  atKey: boolean,
  fallback: Position,
  pos: (offset: number) => Position,
): Position {
  let node: Node | null | undefined = doc.contents;
  let best = fallback;
  for (let i = 0; i < path.length && node; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break; // missing (or merged in through <<): the parent is the best we have
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      const pointAtKey = atKey && last;
      const target = pointAtKey || !value || !isScalar(value) ? key : value;
      if (target.range) best = pos(target.range[0]);
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) best = pos(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return best;
}
