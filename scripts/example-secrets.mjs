// Stand-in secrets for running the examples against the sandbox: every ${env:NAME} an example uses gets a
// fake value, and every ${file:…} key file is written with fake JSON under the example's secrets/ folder
// (git-ignored, as real key files must be). The sandbox never stores or returns secret values.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ENV = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const FILE = /\$\{file:([^}\s][^}]*)\}/g;

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** Returns the environment to run the examples with, after writing the key files they name. */
export function exampleSecrets(examplesDir) {
  const env = {};
  for (const file of yamlFiles(examplesDir)) {
    const text = readFileSync(file, 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n');
    for (const [, name] of text.matchAll(ENV)) env[name] = `sandbox-${name.toLowerCase().replaceAll('_', '-')}`;
    for (const [, rel] of text.matchAll(FILE)) {
      const path = join(dirname(file), rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify({ type: 'service_account', project_id: 'sandbox', private_key: 'not-a-real-key' }, null, 2)}\n`);
    }
  }
  return env;
}
