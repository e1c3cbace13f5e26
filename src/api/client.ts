/**
 * The ClickHouse Cloud API as pipeform uses it: one method per endpoint, plus the behaviours the real
 * API needs (API notes §7): an idle service is woken on 424 and the call retried once; a create is never
 * blindly repeated (after an ambiguous failure the service is re-listed and the created pipe returned);
 * "already running" on start is success; CDC scaling is tried per organization, then per service.
 */
import { PipeformError } from '../errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ApiError } from './errors.js';
import type { RouteParams } from './routes.js';
import { Transport, type CallOptions } from './transport.js';
import type {
  CdcScaling, ClickPipe, ClickPipePatchRequest, ClickPipePostRequest, ClickPipeScalingPatch, ClickPipeSettings,
  CloudService, CreateReversePrivateEndpoint, JsonObject, ReversePrivateEndpoint, SchemaDiscoveryResult, ServiceRef, StateCommand,
} from './types.js';

export interface ClientOptions {
  readonly clock?: Clock;
  /** How long to wait for an idle service to run after `awake` (the provider waits 10 min). */
  readonly wakeTimeoutMs?: number;
  /** Interval of the service and recovery polls. */
  readonly pollIntervalMs?: number;
  /** How many times the service is listed after an ambiguous create before the create is sent again. */
  readonly recoveryChecks?: number;
}

export interface Created<T> {
  readonly value: T;
  /** True when the create call failed ambiguously and the object was found by listing afterwards. */
  readonly recovered: boolean;
}

type CdcScalingScope = 'organization' | 'service';

export class CloudClient {
  private readonly clock: Clock;
  private readonly wakes = new Map<string, Promise<void>>();
  private readonly cdcScope = new Map<string, CdcScalingScope>();

  constructor(
    private readonly transport: Transport,
    private readonly options: ClientOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  // ── ClickPipes ────────────────────────────────────────────────────────────────────────────────────
  listClickPipes(svc: ServiceRef): Promise<ClickPipe[]> {
    return this.call(svc, { route: 'pipeList', params: p(svc), idempotent: true }).then((r) => (r as ClickPipe[] | undefined) ?? []);
  }

  getClickPipe(svc: ServiceRef, id: string): Promise<ClickPipe> {
    return this.call(svc, { route: 'pipeGet', params: p(svc, { clickPipeId: id }), idempotent: true });
  }

  /** Creates a pipe, never twice: see recoverCreate. The plan only creates names the service does not have. */
  createClickPipe(svc: ServiceRef, body: ClickPipePostRequest): Promise<Created<ClickPipe>> {
    return this.recoverCreate(
      () => this.call<ClickPipe>(svc, { route: 'pipeCreate', params: p(svc), body, idempotent: false }),
      async () => newest((await this.listClickPipes(svc)).filter((c) => c.name === body.name)),
    );
  }

  updateClickPipe(svc: ServiceRef, id: string, patch: ClickPipePatchRequest): Promise<ClickPipe> {
    // Adding or removing table mappings twice is not the same as once; everything else PATCH sets is absolute.
    const mappings = Object.values(patch.source ?? {}).some((s) => s !== null && typeof s === 'object' && ('tableMappingsToAdd' in s || 'tableMappingsToRemove' in s));
    return this.call(svc, { route: 'pipeUpdate', params: p(svc, { clickPipeId: id }), body: patch, idempotent: !mappings });
  }

  /** Deletes a pipe; false when it was already gone (a retried delete finds it so). */
  async deleteClickPipe(svc: ServiceRef, id: string): Promise<boolean> {
    try {
      await this.call(svc, { route: 'pipeDelete', params: p(svc, { clickPipeId: id }), idempotent: true });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return false;
      throw err;
    }
  }

  getSettings(svc: ServiceRef, id: string): Promise<ClickPipeSettings> {
    return this.call(svc, { route: 'settingsGet', params: p(svc, { clickPipeId: id }), idempotent: true });
  }

  /** PUT merges on the server: only the keys sent change. */
  putSettings(svc: ServiceRef, id: string, settings: ClickPipeSettings): Promise<ClickPipeSettings> {
    return this.call(svc, { route: 'settingsPut', params: p(svc, { clickPipeId: id }), body: settings, idempotent: true });
  }

  patchScaling(svc: ServiceRef, id: string, scaling: ClickPipeScalingPatch): Promise<ClickPipe> {
    return this.call(svc, { route: 'scalingPatch', params: p(svc, { clickPipeId: id }), body: scaling, idempotent: true });
  }

  /** Sends a state command. An accepted command is not a finished transition: callers wait on the state. */
  async changeState(svc: ServiceRef, id: string, command: StateCommand): Promise<ClickPipe> {
    const params = p(svc, { clickPipeId: id });
    try {
      return await this.call(svc, { route: 'statePatch', params, body: { command }, idempotent: true });
    } catch (err) {
      if (command === 'start' && err instanceof ApiError && err.status === 400 && /already running/i.test(err.apiMessage)) {
        return this.getClickPipe(svc, id);
      }
      throw err;
    }
  }

  schemaDiscovery(svc: ServiceRef, source: JsonObject): Promise<SchemaDiscoveryResult> {
    // A read, although a POST: safe to repeat.
    return this.call(svc, { route: 'schemaDiscovery', params: p(svc), body: { source }, idempotent: true });
  }

  // ── CDC scaling ───────────────────────────────────────────────────────────────────────────────────
  getCdcScaling(svc: ServiceRef): Promise<CdcScaling> {
    return this.cdcScaling(svc, undefined);
  }

  patchCdcScaling(svc: ServiceRef, scaling: CdcScaling): Promise<CdcScaling> {
    return this.cdcScaling(svc, scaling);
  }

  /** The seed documents an organization-level path, the spec a service-level one: the first that exists wins, per organization. */
  private async cdcScaling(svc: ServiceRef, body: CdcScaling | undefined): Promise<CdcScaling> {
    const send = (scope: CdcScalingScope) =>
      this.call<CdcScaling>(svc, {
        route: scope === 'organization' ? (body ? 'cdcScalingOrgPatch' : 'cdcScalingOrgGet') : body ? 'cdcScalingPatch' : 'cdcScalingGet',
        params: p(svc),
        body,
        idempotent: true,
      });
    const known = this.cdcScope.get(svc.organizationId);
    if (known) return send(known);
    try {
      const result = await send('organization');
      this.cdcScope.set(svc.organizationId, 'organization');
      return result;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      const result = await send('service');
      this.cdcScope.set(svc.organizationId, 'service');
      return result;
    }
  }

  // ── Reverse private endpoints ─────────────────────────────────────────────────────────────────────
  listEndpoints(svc: ServiceRef): Promise<ReversePrivateEndpoint[]> {
    return this.call(svc, { route: 'endpointList', params: p(svc), idempotent: true }).then((r) => (r as ReversePrivateEndpoint[] | undefined) ?? []);
  }

  getEndpoint(svc: ServiceRef, id: string): Promise<ReversePrivateEndpoint> {
    return this.call(svc, { route: 'endpointGet', params: p(svc, { reversePrivateEndpointId: id }), idempotent: true });
  }

  /** Endpoints have no name: an ambiguous create is recovered by the description, which pipeform keeps unique. */
  createEndpoint(svc: ServiceRef, body: CreateReversePrivateEndpoint): Promise<Created<ReversePrivateEndpoint>> {
    return this.recoverCreate(
      () => this.call<ReversePrivateEndpoint>(svc, { route: 'endpointCreate', params: p(svc), body, idempotent: false }),
      async () => (await this.listEndpoints(svc)).find((e) => e.description === body.description),
    );
  }

  patchEndpoint(svc: ServiceRef, id: string, body: Pick<CreateReversePrivateEndpoint, 'customPrivateDnsMappings'>): Promise<ReversePrivateEndpoint> {
    return this.call(svc, { route: 'endpointPatch', params: p(svc, { reversePrivateEndpointId: id }), body, idempotent: true });
  }

  async deleteEndpoint(svc: ServiceRef, id: string): Promise<boolean> {
    try {
      await this.call(svc, { route: 'endpointDelete', params: p(svc, { reversePrivateEndpointId: id }), idempotent: true });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return false;
      throw err;
    }
  }

  // ── Services ──────────────────────────────────────────────────────────────────────────────────────
  getService(svc: ServiceRef): Promise<CloudService> {
    return this.transport.call({ route: 'serviceGet', params: p(svc), idempotent: true });
  }

  /**
   * Wakes an idle service and waits until it runs. Concurrent callers share one wake. A service that
   * stays idle or stops is reported, not forced: a stopped service is left as its owner left it.
   */
  wakeService(svc: ServiceRef): Promise<void> {
    const key = `${svc.organizationId}/${svc.serviceId}`;
    let wake = this.wakes.get(key);
    if (!wake) {
      wake = this.doWake(svc).finally(() => this.wakes.delete(key));
      this.wakes.set(key, wake);
    }
    return wake;
  }

  private async doWake(svc: ServiceRef): Promise<void> {
    await this.transport.call({ route: 'serviceState', params: p(svc), body: { command: 'awake' }, idempotent: true });
    const deadline = this.clock.now() + (this.options.wakeTimeoutMs ?? 600_000);
    for (;;) {
      const service = await this.getService(svc);
      if (service.state === 'running') return;
      if (this.clock.now() >= deadline) {
        throw new PipeformError(
          'api',
          'API_SERVICE_NOT_RUNNING',
          `service ${svc.serviceId} did not wake up in time (state ${service.state}); check it in the ClickHouse Cloud console`,
        );
      }
      await this.clock.sleep(this.options.pollIntervalMs ?? 5_000);
    }
  }

  // ── Shared behaviour ──────────────────────────────────────────────────────────────────────────────
  /** Calls through the transport; a 424 "Current state: idle" wakes the service and retries once. */
  private async call<T>(svc: ServiceRef, call: CallOptions): Promise<T> {
    try {
      return await this.transport.call<T>(call);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 424 || !/current state: idle/i.test(err.apiMessage)) throw err;
      await this.wakeService(svc);
      return this.transport.call<T>(call);
    }
  }

  /**
   * A create that failed ambiguously (timeout, dropped connection, 5xx, the CloudFront 504 of a slow
   * Postgres create) may have happened. Look for the object a few times; send the create again only
   * when it is still absent, and at most once more.
   */
  private async recoverCreate<T>(create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<Created<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await create(), recovered: false };
      } catch (err) {
        if (!(err instanceof ApiError) || !err.ambiguous) throw err;
        const checks = this.options.recoveryChecks ?? 3;
        for (let check = 0; check < checks; check++) {
          if (check > 0) await this.clock.sleep(this.options.pollIntervalMs ?? 5_000);
          const found = await find();
          if (found) return { value: found, recovered: true };
        }
        if (attempt >= MAX_CREATE_ATTEMPTS) throw err;
      }
    }
  }
}

/** Creates sent at most, each after the service was listed and the object confirmed absent. */
const MAX_CREATE_ATTEMPTS = 4;

function p(svc: ServiceRef, extra: RouteParams = {}): RouteParams {
  return { organizationId: svc.organizationId, serviceId: svc.serviceId, ...extra };
}

function newest(pipes: ClickPipe[]): ClickPipe | undefined {
  return [...pipes].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}
