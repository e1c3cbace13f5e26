/**
 * Every ClickHouse Cloud endpoint pipeform uses, as one table. The client builds paths from it and the
 * sandbox routes requests by it, so the two cannot disagree on a path.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const SVC = '/v1/organizations/{organizationId}/services/{serviceId}';

export const ROUTES = {
  serviceGet: { method: 'GET', template: SVC },
  serviceState: { method: 'PATCH', template: `${SVC}/state` },
  pipeList: { method: 'GET', template: `${SVC}/clickpipes` },
  pipeCreate: { method: 'POST', template: `${SVC}/clickpipes` },
  schemaDiscovery: { method: 'POST', template: `${SVC}/clickpipes/schemaDiscovery` },
  pipeGet: { method: 'GET', template: `${SVC}/clickpipes/{clickPipeId}` },
  pipeUpdate: { method: 'PATCH', template: `${SVC}/clickpipes/{clickPipeId}` },
  pipeDelete: { method: 'DELETE', template: `${SVC}/clickpipes/{clickPipeId}` },
  settingsGet: { method: 'GET', template: `${SVC}/clickpipes/{clickPipeId}/settings` },
  settingsPut: { method: 'PUT', template: `${SVC}/clickpipes/{clickPipeId}/settings` },
  scalingPatch: { method: 'PATCH', template: `${SVC}/clickpipes/{clickPipeId}/scaling` },
  statePatch: { method: 'PATCH', template: `${SVC}/clickpipes/{clickPipeId}/state` },
  // The seed document lists CDC scaling per organization; the spec snapshot per service. Both exist here.
  cdcScalingOrgGet: { method: 'GET', template: '/v1/organizations/{organizationId}/clickpipes/cdcScaling' },
  cdcScalingOrgPatch: { method: 'PATCH', template: '/v1/organizations/{organizationId}/clickpipes/cdcScaling' },
  cdcScalingGet: { method: 'GET', template: `${SVC}/clickpipesCdcScaling` },
  cdcScalingPatch: { method: 'PATCH', template: `${SVC}/clickpipesCdcScaling` },
  endpointList: { method: 'GET', template: `${SVC}/clickpipesReversePrivateEndpoints` },
  endpointCreate: { method: 'POST', template: `${SVC}/clickpipesReversePrivateEndpoints` },
  endpointGet: { method: 'GET', template: `${SVC}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}` },
  endpointPatch: { method: 'PATCH', template: `${SVC}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}` },
  endpointDelete: { method: 'DELETE', template: `${SVC}/clickpipesReversePrivateEndpoints/{reversePrivateEndpointId}` },
} as const satisfies Record<string, { method: HttpMethod; template: string }>;

export type RouteName = keyof typeof ROUTES;
export type RouteParams = Record<string, string>;

export function buildPath(route: RouteName, params: RouteParams): string {
  return ROUTES[route].template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route} needs ${name}`);
    return encodeURIComponent(value);
  });
}

interface CompiledRoute {
  name: RouteName;
  method: HttpMethod;
  pattern: RegExp;
  names: string[];
}

const compiled: CompiledRoute[] = (Object.entries(ROUTES) as [RouteName, (typeof ROUTES)[RouteName]][]).map(([name, r]) => {
  const names: string[] = [];
  const source = r.template.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { name, method: r.method, pattern: new RegExp(`^${source}$`), names };
});

/** Which route a request is, for the sandbox; `pathMatched` tells a wrong method (405) from an unknown path (404). */
export function matchRoute(method: string, path: string): { route?: RouteName; params: RouteParams; pathMatched: boolean } {
  let pathMatched = false;
  for (const r of compiled) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const params: RouteParams = {};
    r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    return { route: r.name, params, pathMatched };
  }
  return { params: {}, pathMatched };
}
