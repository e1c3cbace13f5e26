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
  /** Pipe lists already read after the last change, by "organizationId/serviceId": not read again. */
  readonly fresh?: ReadonlyMap<string, readonly ClickPipe[]>;
}

export async function readLive(client: CloudClient, desired: Desired, options: ReadOptions = {}): Promise<Live> {
  const entries = await Promise.all(
    desired.services.map(async (s): Promise<[string, LiveService]> => {
      const ref = { organizationId: s.organizationId, serviceId: s.serviceId };
      const usesEndpoints =
        desired.endpoints.some((e) => e.service === s.alias) ||
        desired.pipes.some((p) => p.service === s.alias && p.flat[`source.${p.family}.reversePrivateEndpoints`] !== undefined) ||
        ((s.prune || options.prune === true) && desired.endpoints.length > 0);
      const [pipes, endpoints, cdcScaling] = await Promise.all([
        options.fresh?.get(`${ref.organizationId}/${ref.serviceId}`) ?? client.listClickPipes(ref),
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

/**
 * The live side as plan() may rely on it: lists are lists, every pipe has a string id and name and an
 * object source and destination. Anything else the API might send is coerced or left out with a warning,
 * so one odd object never stops planning the others.
 */
export function wellFormed(s: LiveService, warn: (address: string, message: string) => void): LiveService {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const pipes: ClickPipe[] = [];
  for (const p of Array.isArray(s.pipes) ? s.pipes : []) {
    if (!isObj(p) || typeof p.id !== 'string' || typeof p.name !== 'string') {
      warn(s.alias, 'the API listed a pipe without an id or name; it is left out of the plan');
      continue;
    }
    pipes.push({ ...(p as unknown as ClickPipe), state: (typeof p.state === 'string' ? p.state : 'Unknown') as ClickPipe['state'], source: isObj(p.source) ? p.source : {}, destination: isObj(p.destination) ? p.destination : {} });
  }
  const endpoints = Array.isArray(s.endpoints) ? s.endpoints.filter((e) => isObj(e) && typeof e.id === 'string') : s.endpoints === undefined ? undefined : [];
  const cdc = s.cdcScaling;
  const cdcScaling = cdc === 'unavailable' || cdc === undefined || isObj(cdc) ? cdc : undefined;
  return { ...s, pipes, endpoints, cdcScaling };
}
