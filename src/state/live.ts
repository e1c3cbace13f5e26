/**
 * Reads what is live for the declared services: one list call per service for its pipes, plus its reverse
 * private endpoints and CDC scaling when the manifests involve them. All services are read in parallel
 * (the shared rate limiter paces the calls). The result is data for the pure plan().
 */
import type { CloudClient } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { CdcScaling, ClickPipe, ReversePrivateEndpoint, ServiceRef } from '../api/types.js';
import type { Desired } from '../plan/desired.js';

export interface LiveService {
  readonly alias: string;
  readonly ref: ServiceRef;
  readonly pipes: readonly ClickPipe[];
  /** Undefined when not read (nothing in the manifests needs them). */
  readonly endpoints?: readonly ReversePrivateEndpoint[];
  /** 'unavailable' until the service's first database pipe exists (the API answers 404 until then). */
  readonly cdcScaling?: CdcScaling | 'unavailable';
}

export type Live = Readonly<Record<string, LiveService>>;

export interface ReadOptions {
  /** --prune: endpoints are listed so that undeclared ones can be deleted. */
  readonly prune?: boolean;
}

export async function readLive(client: CloudClient, desired: Desired, options: ReadOptions = {}): Promise<Live> {
  const entries = await Promise.all(
    desired.services.map(async (s): Promise<[string, LiveService]> => {
      const ref = { organizationId: s.organizationId, serviceId: s.serviceId };
      const usesEndpoints =
        desired.endpoints.some((e) => e.service === s.alias) ||
        desired.pipes.some((p) => p.service === s.alias && JSON.stringify(p.body).includes('"reversePrivateEndpointIds"')) ||
        ((s.prune || options.prune === true) && desired.endpoints.length > 0);
      const [pipes, endpoints, cdcScaling] = await Promise.all([
        client.listClickPipes(ref),
        usesEndpoints ? client.listEndpoints(ref) : undefined,
        s.cdcScaling ? readCdcScaling(client, ref) : undefined,
      ]);
      return [s.alias, { alias: s.alias, ref, pipes, endpoints, cdcScaling }];
    }),
  );
  return Object.fromEntries(entries);
}

async function readCdcScaling(client: CloudClient, ref: ServiceRef): Promise<CdcScaling | 'unavailable'> {
  try {
    return await client.getCdcScaling(ref);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return 'unavailable';
    throw err;
  }
}
