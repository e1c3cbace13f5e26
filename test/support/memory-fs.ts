/** An in-memory ManifestFs: files by path; directories are implied by the paths. */
import * as path from 'node:path';
import type { ManifestFs } from '../../src/manifest/files.js';

export function memoryFs(files: Record<string, string | Buffer>, failures: Record<string, string> = {}): ManifestFs {
  const norm = (p: string) => path.posix.normalize(p).replace(/\/$/, '');
  const contents = new Map(Object.entries(files).map(([p, c]) => [norm(p), typeof c === 'string' ? Buffer.from(c) : c]));
  const isDir = (p: string) => p === '.' || [...contents.keys()].some((f) => f.startsWith(`${p}/`));
  const fail = (p: string) => {
    const code = failures[norm(p)];
    if (code) throw Object.assign(new Error(code), { code });
  };
  return {
    statSync(p) {
      const n = norm(p);
      if (contents.has(n)) {
        const size = contents.get(n)!.length;
        return { isDirectory: () => false, isFile: () => true, size };
      }
      if (isDir(n)) return { isDirectory: () => true, isFile: () => false, size: 0 };
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    readdirSync(p) {
      const n = norm(p);
      fail(n);
      const prefix = n === '.' ? '' : `${n}/`;
      const names = new Set<string>();
      for (const f of contents.keys()) if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
    readFileSync(p) {
      const n = norm(p);
      fail(n);
      const c = contents.get(n);
      if (!c) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return c;
    },
    realpathSync: (p) => norm(p),
  };
}
