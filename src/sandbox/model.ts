/** The sandbox's world: services, their pipes and endpoints, as stored (never with secrets). */
import type { CdcScaling, ClickPipeSettings, FieldMapping, JsonObject, ReversePrivateEndpointType, ServiceState, SourceKey } from '../api/types.js';
import type { LifecycleKind, Phase } from './lifecycle.js';

export interface PipeRecord {
  id: string;
  name: string;
  family: SourceKey;
  kind: LifecycleKind;
  /** The family's source object as created and patched, secrets removed. */
  source: JsonObject;
  destination: JsonObject;
  fieldMappings: FieldMapping[];
  scaling?: { replicas: number; concurrency?: number; replicaCpuMillicores?: number; replicaMemoryGb?: number };
  settings: ClickPipeSettings;
  timeline: Phase[];
  createdAt: number;
  updatedAt: number;
  /** When scaling last changed: the zero-scaling fault reads 0 for one phase after it. */
  scalingChangedAt?: number;
}

export interface EndpointRecord {
  id: string;
  description: string;
  type: ReversePrivateEndpointType;
  fields: JsonObject;
  customPrivateDnsMappings: { privateDnsName: string }[];
  createdAt: number;
}

export interface ServiceRecord {
  organizationId: string;
  serviceId: string;
  state: { state: ServiceState; at: number }[];
  pipes: PipeRecord[];
  endpoints: EndpointRecord[];
  cdcScaling?: CdcScaling;
}

export interface WorldData {
  version: 1;
  services: ServiceRecord[];
}

/** A rejection as the API words it: `{status, error: "CODE: message"}`. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly apiCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new SandboxError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new SandboxError(404, 'NOT_FOUND', message);

export const DATABASE_FAMILIES: readonly SourceKey[] = ['postgres', 'mysql', 'mongodb', 'bigquery'];
export const SOURCE_KEYS: readonly SourceKey[] = ['kafka', 'objectStorage', 'kinesis', 'pubsub', 'postgres', 'mysql', 'bigquery', 'mongodb'];
