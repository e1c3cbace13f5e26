/**
 * A saved plan (`plan --out FILE`): the plan data, the digest of the manifests it came from, and the live
 * digest of every object it touches (inside each action). `apply FILE` applies exactly this and refuses it
 * when the manifests or any touched object changed since. Holds references, never secret values.
 */
import { createHash } from 'node:crypto';
import type { Plan, PlanOptions } from './types.js';

export interface PlanFile {
  readonly pipeformPlan: 1;
  readonly createdAt: string;
  /** The manifest paths the plan was made from, relative to the working directory. */
  readonly paths: readonly string[];
  readonly options: PlanOptions;
  /** sha256 over the manifest files (path and content), in order. */
  readonly manifestDigest: string;
  /** Service alias → its coordinates, so apply reaches the same services. */
  readonly services: Readonly<Record<string, { organizationId: string; serviceId: string }>>;
  readonly plan: Plan;
}

export function manifestDigest(files: readonly { path: string; content: Buffer }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(f.path).update('\0').update(f.content).update('\0');
  return `sha256:${h.digest('hex')}`;
}
