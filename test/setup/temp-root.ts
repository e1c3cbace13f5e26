// Every temporary directory a test file makes (mkdtemp under os.tmpdir(), also in the processes it spawns)
// lands under one root per test file, removed when the file is done: a test run leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'pipeform-test-'));
process.env.TMPDIR = root;
afterAll(() => rmSync(root, { recursive: true, force: true }));
