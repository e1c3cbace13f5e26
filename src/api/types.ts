/**
 * Wire types of the ClickPipes API, as the official spec names them (components.schemas.*). Source
 * objects stay open records: their many per-family shapes are checked by the manifest schema on the way
 * in and by the contract tests against the spec, not re-declared field by field here.
 */
export interface ServiceRef {
  readonly organizationId: string;
  readonly serviceId: string;
}

export type ClickPipeState =
  | 'Unknown' | 'Provisioning' | 'Running' | 'Degraded' | 'Stopping' | 'Stopped' | 'Failed' | 'Completed'
  | 'InternalError' | 'Setup' | 'Snapshot' | 'Paused' | 'Pausing' | 'Modifying' | 'Resync';

export type StateCommand = 'start' | 'stop' | 'resync';

export type SourceKey = 'kafka' | 'objectStorage' | 'kinesis' | 'pubsub' | 'postgres' | 'mysql' | 'bigquery' | 'mongodb';
export type JsonObject = Record<string, unknown>;

/** Scaling as read back: CPU and memory may come back as quantity strings ("500m", "1Gi"). */
export interface ClickPipeScaling {
  replicas?: number;
  concurrency?: number;
  replicaCpuMillicores?: number | string;
  replicaMemoryGb?: number | string;
}

export interface ClickPipeDestination {
  database?: string;
  table?: string;
  managedTable?: boolean;
  tableDefinition?: JsonObject;
  columns?: { name: string; type: string }[];
}

export interface FieldMapping {
  sourceField: string;
  destinationField: string;
}

export type ClickPipeSettings = Record<string, number | boolean | string | null>;

/** `components.schemas.ClickPipe`: what GET, list, POST and the PATCH endpoints return. */
export interface ClickPipe {
  id: string;
  serviceId: string;
  name: string;
  state: ClickPipeState;
  scaling?: ClickPipeScaling | null;
  source: Partial<Record<SourceKey, JsonObject | null>>;
  destination: ClickPipeDestination;
  fieldMappings?: FieldMapping[];
  settings?: ClickPipeSettings | null;
  createdAt: string;
  updatedAt: string;
}

export interface ClickPipePostRequest {
  name: string;
  source: JsonObject;
  destination: JsonObject;
  fieldMappings?: FieldMapping[];
  scaling?: ClickPipeScaling;
  settings?: ClickPipeSettings;
}

export interface ClickPipePatchRequest {
  name?: string;
  source?: JsonObject;
  destination?: { columns: { name: string; type: string }[] };
  fieldMappings?: FieldMapping[];
}

export interface ClickPipeScalingPatch {
  replicas?: number;
  concurrency?: number;
  replicaCpuMillicores?: number;
  replicaMemoryGb?: number;
}

export interface CdcScaling {
  replicaCpuMillicores: number;
  replicaMemoryGb: number;
}

export type ReversePrivateEndpointType = 'VPC_ENDPOINT_SERVICE' | 'VPC_RESOURCE' | 'MSK_MULTI_VPC' | 'GCP_PSC_SERVICE_ATTACHMENT';

export interface CreateReversePrivateEndpoint {
  description: string;
  type: ReversePrivateEndpointType;
  vpcEndpointServiceName?: string;
  vpcResourceConfigurationId?: string;
  vpcResourceShareArn?: string;
  mskClusterArn?: string;
  mskAuthentication?: 'SASL_IAM' | 'SASL_SCRAM';
  gcpServiceAttachment?: string;
  customPrivateDnsMappings?: { privateDnsName: string }[];
}

export interface ReversePrivateEndpoint extends CreateReversePrivateEndpoint {
  id: string;
  serviceId: string;
  endpointId: string;
  dnsNames: string[];
  privateDnsNames: string[];
  status: 'Unknown' | 'Provisioning' | 'Deleting' | 'Ready' | 'Failed' | 'PendingAcceptance' | 'Rejected' | 'Expired';
}

export type ServiceState =
  | 'starting' | 'stopping' | 'terminating' | 'softdeleting' | 'awaking' | 'partially_running' | 'provisioning'
  | 'running' | 'stopped' | 'terminated' | 'softdeleted' | 'degraded' | 'failed' | 'idle';

export interface CloudService {
  id: string;
  name: string;
  state: ServiceState;
  autoscalingMode: 'vertical' | 'horizontal';
  currentScaling: Record<string, unknown>;
}

export interface SchemaDiscoveryResult {
  fields: { name: string; type: string; optional?: boolean | null }[];
  meta?: Record<string, string> | null;
}
