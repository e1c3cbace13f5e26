/**
 * The plan's data (design §3): per object an action made of ordered steps with explicit dependencies,
 * each change with its policy, reason and risk. Plain JSON throughout, so a plan file is this object.
 * Values of secret fields never appear: a secret change carries only its path and a note.
 */
import type { CdcScaling, ClickPipeState } from '../api/types.js';
import type { SourceFamily } from '../manifest/model.js';
import type { FieldPolicy } from './policy.js';

export type ActionKind = 'create' | 'update' | 'replace' | 'delete' | 'noop' | 'rename' | 'adopt';
export type Risk = 'safe' | 'pause' | 'resnapshot' | 'replace' | 'delete';
export const RISK_ORDER: readonly Risk[] = ['safe', 'pause', 'resnapshot', 'replace', 'delete'];
export type Resource = 'pipe' | 'endpoint' | 'cdcScaling';

export interface FieldChange {
  readonly path: string;
  readonly policy: FieldPolicy;
  /** Absent: the field is added (after only) or removed (before only). Never present for secrets. */
  readonly before?: unknown;
  readonly after?: unknown;
  /** For secrets and values that cannot be shown or known: "(rotating)", "(known after apply)". */
  readonly note?: string;
  readonly reason: string;
  readonly risk: Risk;
}

/** What one call does. `${endpoint:NAME}` and secret references inside bodies are resolved by apply. */
export type StepOp =
  | { readonly op: 'createEndpoint'; readonly body: Record<string, unknown> }
  | { readonly op: 'patchEndpoint'; readonly endpointId: string; readonly body: Record<string, unknown> }
  | { readonly op: 'deleteEndpoint'; readonly endpointId: string }
  | { readonly op: 'createPipe'; readonly body: Record<string, unknown> }
  | { readonly op: 'patchPipe'; readonly purpose: 'update' | 'remove-mappings' | 'add-mappings'; readonly body: Record<string, unknown> }
  | { readonly op: 'putSettings'; readonly settings: Record<string, unknown> }
  | { readonly op: 'patchScaling'; readonly scaling: Record<string, unknown> }
  | { readonly op: 'state'; readonly command: 'start' | 'stop' }
  | { readonly op: 'wait'; readonly until: 'stopped' | 'running' }
  | { readonly op: 'deletePipe' }
  | { readonly op: 'patchCdcScaling'; readonly scaling: CdcScaling };

export type Step = StepOp & {
  readonly id: string;
  readonly address: string;
  /** The service alias. */
  readonly service: string;
  /** Known when the pipe exists before apply; steps after a create use the id the create returns. */
  readonly pipeId?: string;
  readonly dependsOn: readonly string[];
};

export interface Action {
  readonly address: string;
  readonly resource: Resource;
  readonly service: string;
  readonly kind: ActionKind;
  readonly name: string;
  readonly family?: SourceFamily;
  /** The live id, when there is a live object. */
  readonly liveId?: string;
  /** rename: the live name before. */
  readonly previousName?: string;
  readonly liveState?: ClickPipeState;
  readonly changes: readonly FieldChange[];
  readonly risk: Risk;
  /** One line each: why this action is what it is. */
  readonly reasons: readonly string[];
  /** CDC tables that are snapshotted again (changed table mappings). */
  readonly resnapshot?: readonly string[];
  readonly steps: readonly Step[];
  /** Present when the action cannot go ahead: the plan is an error then, and apply refuses it. */
  readonly refused?: string;
  /** sha256 of the live object's normalized declared fields: apply refuses a plan file when it moved. */
  readonly liveDigest?: string;
}

export interface PlanNote {
  readonly address: string;
  readonly message: string;
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly rename: number;
  readonly adopt: number;
  readonly noop: number;
}

export interface Plan {
  readonly formatVersion: 1;
  /** Every action, noop ones included, sorted by address. */
  readonly actions: readonly Action[];
  /** Things the plan cannot know or chose not to do (unmanaged pipes, unverifiable secrets, Failed pipes). */
  readonly warnings: readonly PlanNote[];
  /** Things that make the plan an error: refused replaces and deletes, unreadable references, bad targets. */
  readonly errors: readonly PlanNote[];
  /** Secrets the plan's calls must send but cannot read here: the plan is still shown, apply stops before any call. */
  readonly missingSecrets: readonly PlanNote[];
  readonly summary: PlanSummary;
  readonly changes: boolean;
}

export interface PlanOptions {
  readonly prune?: boolean;
  readonly allowReplace?: boolean;
  readonly rotateSecrets?: boolean;
  readonly target?: readonly string[];
  readonly exclude?: readonly string[];
}
