import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, serverRequestedDelay } from '../../src/api/backoff.js';
import { splitApiError } from '../../src/api/errors.js';
import { RateLimiter, RateLimiterRegistry } from '../../src/api/rate-limiter.js';
import { redact, SECRET_FIELD_NAMES } from '../../src/api/redact.js';
import { buildPath, matchRoute } from '../../src/api/routes.js';
import { manifestSchema, type SchemaNode } from '../../src/manifest/schema.js';
import { ManualClock } from '../../src/util/clock.js';

describe('redact', () => {
  it('knows exactly the secret fields of the manifest schema', () => {
    const schema = manifestSchema();
    const secret = new Set<string>();
    const isSecretRef = (n: SchemaNode): boolean => n.$ref === '#/$defs/SecretRef' || n.$ref === '#/$defs/Base64SecretRef';
    for (const def of Object.values(schema.root.$defs)) {
      for (const [key, prop] of Object.entries(def.properties ?? {})) if (typeof prop === 'object' && isSecretRef(prop)) secret.add(key);
    }
    expect([...secret].sort()).toEqual([...SECRET_FIELD_NAMES].sort());
  });

  it('replaces secret values at any depth and leaves the rest', () => {
    expect(redact({ a: { password: 'p', username: 'u' }, list: [{ secretKey: 's', accessKeyId: 'id' }], password: null })).toEqual({
      a: { password: '<redacted>', username: 'u' }, list: [{ secretKey: '<redacted>', accessKeyId: 'id' }], password: null,
    });
  });
});

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(DEFAULT_RETRY_POLICY, a, () => 0.999999))).toEqual([499, 999, 1999, 3999, 29_999]);
  });

  it('reads Retry-After in seconds or as a date, and X-RateLimit-Reset as seconds or an epoch', () => {
    const now = Date.UTC(2026, 10, 24, 9, 0, 0);
    expect(serverRequestedDelay({ 'retry-after': '7' }, now)).toBe(7000);
    expect(serverRequestedDelay({ 'retry-after': new Date(now + 4000).toUTCString() }, now)).toBe(4000);
    expect(serverRequestedDelay({ 'x-ratelimit-reset': '2' }, now)).toBe(3000);
    expect(serverRequestedDelay({ 'x-ratelimit-reset': String(now / 1000 + 5) }, now)).toBe(6000);
    expect(serverRequestedDelay({}, now)).toBeUndefined();
  });

  it('splits "CODE: message" errors', () => {
    expect(splitApiError('FAILED_DEPENDENCY: Current state: idle')).toEqual({ apiCode: 'FAILED_DEPENDENCY', message: 'Current state: idle' });
    expect(splitApiError('something broke')).toEqual({ message: 'something broke' });
  });
});

describe('RateLimiter', () => {
  it('lets a request start a window after the oldest finished request ended', async () => {
    const clock = new ManualClock().autoAdvance();
    const limiter = new RateLimiter({ limit: 2, windowMs: 1000 }, clock);
    const t0 = clock.now();
    const starts: number[] = [];
    const take = async () => {
      const release = await limiter.acquire();
      starts.push(clock.now() - t0);
      return release;
    };
    (await take())();
    await clock.advance(300);
    (await take())();
    (await take())();
    (await take())();
    expect(starts).toEqual([0, 300, 1000, 1300]);
  });

  it('keeps a slot taken while its request is in flight, and counts the window from its end', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 }, clock);
    const release = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then(() => (second = true));
    await clock.advance(5000); // long in flight: the window has not even started
    expect(second).toBe(false);
    release(); // response in at t0+5000
    await clock.advance(999);
    expect(second).toBe(false);
    await clock.advance(1);
    await next;
    expect(second).toBe(true);
  });

  it('is shared per key by the registry', () => {
    const registry = new RateLimiterRegistry({ limit: 10, windowMs: 10_000 }, new ManualClock());
    expect(registry.forKey('a')).toBe(registry.forKey('a'));
    expect(registry.forKey('a')).not.toBe(registry.forKey('b'));
  });

  it('with limit 0 does not pace, but still honours a 429 pause', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limit: 0, windowMs: 10_000 }, clock);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(clock.pendingSleepers).toBe(0);
    limiter.pauseUntil(clock.now() + 3000);
    let started = false;
    const next = limiter.acquire().then(() => (started = true));
    await clock.advance(2999);
    expect(started).toBe(false);
    await clock.advance(1);
    await next;
    expect(started).toBe(true);
  });
});

describe('routes', () => {
  it('build and match the same paths', () => {
    const params = { organizationId: 'o', serviceId: 's', clickPipeId: 'p' };
    const path = buildPath('statePatch', params);
    expect(path).toBe('/v1/organizations/o/services/s/clickpipes/p/state');
    expect(matchRoute('PATCH', path)).toEqual({ route: 'statePatch', params, pathMatched: true });
    expect(matchRoute('POST', '/v1/organizations/o/services/s/clickpipes/schemaDiscovery').route).toBe('schemaDiscovery');
    expect(matchRoute('PUT', path)).toEqual({ params: {}, pathMatched: true });
    expect(matchRoute('GET', '/v2/x')).toEqual({ params: {}, pathMatched: false });
  });
});
