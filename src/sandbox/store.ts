/** The sandbox's data file: read at start, written atomically (temporary file, then rename) after each change. */
import { readFileSync } from 'node:fs';
import { userError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { WorldData } from './model.js';

export function loadWorld(file: string | undefined): WorldData {
  if (file === undefined) return { version: 1, services: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, services: [] };
    throw userError('SANDBOX_DATA', `cannot read sandbox data file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const data = JSON.parse(text) as WorldData;
    if (data.version !== 1 || !Array.isArray(data.services)) throw new Error('unexpected shape');
    return data;
  } catch {
    throw userError('SANDBOX_DATA', `sandbox data file ${file} is not a pipeform sandbox file; move it away or pass another --data`);
  }
}

export function saveWorld(file: string, data: WorldData): void {
  writeFileAtomic(file, `${JSON.stringify(data)}\n`);
}
