/** Finding and reading manifest files: every way a file can be bad is one diagnostic, never a throw. */
import { describe, expect, it } from 'vitest';
import { findFiles, MAX_FILE_BYTES, readManifestFile } from '../../src/manifest/files.js';
import { loadManifests } from '../../src/manifest/load.js';
import { memoryFs } from '../support/memory-fs.js';
import { pipe, service, yamlOf } from '../support/world.js';

describe('findFiles', () => {
  const fs = memoryFs({
    'm/a.yaml': '', 'm/b.yml': '', 'm/c.json': '', 'm/sub/d.YAML': '',
    'm/.github/workflows/ci.yaml': '', 'm/node_modules/x/e.yaml': '', 'm/.pipeform/f.yaml': '',
  });

  it('walks directories for *.yaml and *.yml in name order, skipping dot-directories and node_modules', () => {
    expect(findFiles(['m'], fs).files.map((f) => f.path)).toEqual(['m/a.yaml', 'm/b.yml', 'm/sub/d.YAML']);
  });

  it('reads a named file whatever its extension, once even when named twice', () => {
    const found = findFiles(['m/c.json', 'm', 'm/a.yaml'], fs);
    expect(found.files).toEqual([
      { path: 'm/c.json', explicit: true },
      { path: 'm/a.yaml', explicit: false },
      { path: 'm/b.yml', explicit: false },
      { path: 'm/sub/d.YAML', explicit: false },
    ]);
  });

  it('reports a missing path and a directory without manifests', () => {
    expect(findFiles(['nope', 'm/.github/workflows/none'], memoryFs({ 'empty/readme.txt': '' })).diagnostics).toEqual([
      { code: 'path-not-found', file: 'nope', message: 'no such file or directory' },
      { code: 'path-not-found', file: 'm/.github/workflows/none', message: 'no such file or directory' },
    ]);
    expect(findFiles(['empty'], memoryFs({ 'empty/readme.txt': '' })).diagnostics).toEqual([
      { code: 'no-manifests', file: 'empty', message: 'no manifests here (looked for *.yaml and *.yml files)' },
    ]);
  });

  it('reports a directory it may not list', () => {
    const denied = memoryFs({ 'm/secret/a.yaml': '' }, { 'm/secret': 'EACCES' });
    expect(findFiles(['m'], denied).diagnostics).toEqual([
      { code: 'file-unreadable', file: 'm/secret', message: 'cannot list directory: permission denied' },
    ]);
  });
});

describe('readManifestFile', () => {
  const read = (content: string | Buffer, failures: Record<string, string> = {}) => readManifestFile('f.yaml', memoryFs({ 'f.yaml': content }, failures));

  it('reads UTF-8 and drops a byte-order mark', () => {
    expect(read('\ufeffa: 1\n')).toEqual({ ok: true, text: 'a: 1\n' });
  });

  it('refuses what it may not read', () => {
    expect(read('a: 1', { 'f.yaml': 'EACCES' })).toEqual({ ok: false, diagnostic: { code: 'file-unreadable', file: 'f.yaml', message: 'cannot read: permission denied' } });
  });

  it('refuses binary, UTF-16 and non-UTF-8 files, naming the line of the bad byte', () => {
    expect(read(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).toMatchObject({ diagnostic: { code: 'file-binary', message: 'is a binary file (NUL byte at offset 4), not YAML' } });
    expect(read(Buffer.from('\ufeffa: 1', 'utf16le'))).toMatchObject({ diagnostic: { code: 'file-encoding', message: 'is UTF-16 encoded; save it as UTF-8' } });
    expect(read(Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]))).toEqual({
      ok: false,
      diagnostic: { code: 'file-encoding', file: 'f.yaml', line: 2, col: 1, message: 'is not valid UTF-8 (byte 11); save it as UTF-8' },
    });
  });

  it('refuses files over the size limit without reading them', () => {
    const fs = memoryFs({ 'f.yaml': '' });
    const big = { ...fs, statSync: () => ({ isDirectory: () => false, isFile: () => true, size: MAX_FILE_BYTES + 1 }), readFileSync: () => { throw new Error('must not read'); } };
    expect(readManifestFile('f.yaml', big)).toMatchObject({ diagnostic: { code: 'file-too-large', message: 'is 8 MiB; a manifest file may be at most 8 MiB (split it)' } });
  });
});

describe('loadManifests over directories', () => {
  it('skips YAML files without a pipeform document found in a walk, and says so', () => {
    const fs = memoryFs({ 'm/ci.yaml': 'on: push\njobs: {}\n', 'm/pipes.yaml': yamlOf(service(), pipe()) });
    const out = loadManifests(['m'], fs);
    expect(out.diagnostics).toEqual([]);
    expect(out.skippedFiles).toEqual(['m/ci.yaml']);
    expect(out.set?.files).toEqual(['m/pipes.yaml']);
  });

  it('validates a foreign file that was named explicitly', () => {
    const out = loadManifests(['ci.yaml'], memoryFs({ 'ci.yaml': 'on: push\n' }));
    expect(out.diagnostics.map((d) => d.field)).toEqual(['apiVersion', 'kind']);
  });

  it('reports a directory holding only foreign YAML', () => {
    const out = loadManifests(['m'], memoryFs({ 'm/ci.yaml': 'on: push\n' }));
    expect(out.diagnostics).toEqual([{ code: 'no-manifests', file: 'm', message: 'no pipeform manifests here (no YAML document with apiVersion: pipeform/v1)' }]);
  });
});
