/** Loaded manifests: the typed documents plus where each came from. */
import type { ClickPipe, ReversePrivateEndpoint, Service } from './types.gen.js';
import type { ParsedDocument } from './yaml-document.js';

interface Loaded<K extends string, M> {
  readonly kind: K;
  readonly manifest: M;
  readonly address: string;
  readonly doc: ParsedDocument;
  /** False when the schema rejected the document: only its identity (metadata) can be trusted then. */
  readonly schemaValid: boolean;
}
export type LoadedService = Loaded<'Service', Service>;
export type LoadedPipe = Loaded<'ClickPipe', ClickPipe>;
export type LoadedEndpoint = Loaded<'ReversePrivateEndpoint', ReversePrivateEndpoint>;
export type LoadedManifest = LoadedService | LoadedPipe | LoadedEndpoint;

/** A validated set of manifests: what plan and apply work from. */
export interface ManifestSet {
  readonly files: readonly string[];
  readonly services: readonly LoadedService[];
  readonly pipes: readonly LoadedPipe[];
  readonly endpoints: readonly LoadedEndpoint[];
}

/**
 * The address of a document, the name every message and `--target` use:
 * a pipe is SERVICE/NAME, a service is SERVICE, an endpoint is SERVICE/endpoint:NAME.
 */
export function addressOf(kind: string | undefined, metadata: unknown): string | undefined {
  const md = (metadata ?? {}) as Record<string, unknown>;
  const name = typeof md.name === 'string' ? md.name : undefined;
  const service = typeof md.service === 'string' ? md.service : undefined;
  switch (kind) {
    case 'Service':
      return name;
    case 'ClickPipe':
      return name === undefined && service === undefined ? undefined : `${service ?? '?'}/${name ?? '?'}`;
    case 'ReversePrivateEndpoint':
      return name === undefined && service === undefined ? undefined : `${service ?? '?'}/endpoint:${name ?? '?'}`;
    default:
      return undefined;
  }
}

/** Source families whose pipes replicate databases (table mappings, shared CDC compute). */
export const DATABASE_SOURCES = ['postgres', 'mysql', 'mongodb', 'bigquery'] as const;
export const SOURCE_FAMILIES = ['kafka', 'kinesis', 'objectStorage', 'pubsub', ...DATABASE_SOURCES] as const;
export type SourceFamily = (typeof SOURCE_FAMILIES)[number];

export function isDatabaseFamily(family: string): boolean {
  return (DATABASE_SOURCES as readonly string[]).includes(family);
}

export function sourceFamily(pipe: ClickPipe): SourceFamily {
  const found = SOURCE_FAMILIES.find((f) => pipe.spec.source[f] !== undefined);
  if (!found) throw new Error(`pipe ${pipe.metadata.name} has no source (the schema guarantees one)`);
  return found;
}
