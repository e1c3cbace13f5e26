/**
 * Finds manifest files under the paths the user gave and reads them defensively: missing paths,
 * unreadable, oversized, binary and non-UTF-8 files each become one diagnostic, never an exception.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from './diagnostic.js';

/** The part of node:fs this module uses, injectable so tests can simulate what root cannot (EACCES). */
export interface ManifestFs {
  statSync(p: string): { isDirectory(): boolean; isFile(): boolean; size: number };
  readdirSync(p: string): string[];
  readFileSync(p: string): Buffer;
  realpathSync(p: string): string;
}

export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface FoundFile {
  /** The path for display: as the user named it, or joined onto the directory they named. */
  readonly path: string;
  /** Named on the command line (always validated), as opposed to found in a directory walk. */
  readonly explicit: boolean;
}

const MANIFEST_EXTENSIONS = /\.ya?ml$/i;

export function findFiles(paths: readonly string[], fs: ManifestFs = nodeFs): { files: FoundFile[]; diagnostics: Diagnostic[] } {
  const files: FoundFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean) => {
    const real = safeRealpath(fs, p);
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ path: p, explicit });
  };
  for (const arg of paths.length > 0 ? paths : ['.']) {
    let stat;
    try {
      stat = fs.statSync(arg);
    } catch (err) {
      diagnostics.push({ code: 'path-not-found', file: arg, message: describeFsError(err, 'cannot open') });
      continue;
    }
    if (!stat.isDirectory()) {
      add(arg, true);
      continue;
    }
    const before = files.length;
    walk(fs, arg, add, new Set([safeRealpath(fs, arg)]), diagnostics);
    if (files.length === before && !diagnostics.some((d) => d.file.startsWith(arg))) {
      diagnostics.push({ code: 'no-manifests', file: arg, message: 'no manifests here (looked for *.yaml and *.yml files)' });
    }
  }
  return { files, diagnostics };
}

function walk(fs: ManifestFs, dir: string, add: (p: string, explicit: boolean) => void, visited: Set<string>, diagnostics: Diagnostic[]): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch (err) {
    diagnostics.push({ code: 'file-unreadable', file: dir, message: describeFsError(err, 'cannot list directory') });
    return;
  }
  for (const name of entries) {
    // Dot-directories (.git, .github, .pipeform) and dependencies hold YAML that is not ours.
    if (name.startsWith('.') || name === 'node_modules') continue;
    const full = path.join(dir, name);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch (err) {
      if (MANIFEST_EXTENSIONS.test(name)) {
        // readdir listed it, so ENOENT here means a symbolic link whose target is gone.
        const message = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is a broken symbolic link' : describeFsError(err, 'cannot open');
        diagnostics.push({ code: 'file-unreadable', file: full, message });
      }
      continue;
    }
    if (stat.isDirectory()) {
      const real = safeRealpath(fs, full);
      if (visited.has(real)) continue; // a symlink loop
      visited.add(real);
      walk(fs, full, add, visited, diagnostics);
    } else if (stat.isFile() && MANIFEST_EXTENSIONS.test(name)) {
      add(full, false);
    }
  }
}

export type ReadOutcome = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

export function readManifestFile(file: string, fs: ManifestFs = nodeFs): ReadOutcome {
  const fail = (code: Diagnostic['code'], message: string, line?: number): ReadOutcome => ({
    ok: false,
    diagnostic: line === undefined ? { code, file, message } : { code, file, line, col: 1, message },
  });
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return fail('file-unreadable', 'is a directory');
    if (stat.size > MAX_FILE_BYTES) {
      return fail('file-too-large', `is ${mib(stat.size)} MiB; a manifest file may be at most ${mib(MAX_FILE_BYTES)} MiB (split it)`);
    }
    bytes = fs.readFileSync(file);
  } catch (err) {
    return fail('file-unreadable', describeFsError(err, 'cannot read'));
  }
  if (bytes.length > MAX_FILE_BYTES) {
    return fail('file-too-large', `is over ${mib(MAX_FILE_BYTES)} MiB; a manifest file may be at most ${mib(MAX_FILE_BYTES)} MiB (split it)`);
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return fail('file-encoding', 'is UTF-16 encoded; save it as UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return fail('file-binary', `is a binary file (NUL byte at offset ${nul}), not YAML`);
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const line = countLines(bytes, bad);
    return fail('file-encoding', `is not valid UTF-8 (byte ${bad}); save it as UTF-8`, line);
  }
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
}

function countLines(bytes: Buffer, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // fall through to find where
  }
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length; // overlong or surrogate forms the decoder refused
}

function describeFsError(err: unknown, verb: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return `${verb}: permission denied`;
    case 'ELOOP':
      return `${verb}: too many levels of symbolic links`;
    case 'EISDIR':
      return 'is a directory';
    default:
      return `${verb}: ${code ?? (err as Error).message}`;
  }
}

function safeRealpath(fs: ManifestFs, p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
