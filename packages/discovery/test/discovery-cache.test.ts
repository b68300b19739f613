import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDiscovery,
  type DiscoveryResult,
  discoveryCacheKey,
  fromCacheEntry,
  memoryDiscoveryCache,
  toCacheEntry,
} from '@mcp-oauth/discovery';
import { createHttpClient } from '@mcp-oauth/http';

const resourceUrl = new URL('https://mcp.example.com/mcp');
const policy = { allowMissingPkceMetadata: false, allowIssuerMismatch: false };
const issuer = 'https://as.example.com';
const result: DiscoveryResult = {
  resourceUrl: resourceUrl.href,
  resource: resourceUrl.href,
  protectedResourceMetadata: { resource: resourceUrl.href, authorization_servers: [issuer] },
  issuer,
  authorizationServerMetadata: {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  },
  challenge: { source: 'probe', status: 401, scopes: [] },
  sources: {
    cache: 'none',
    challenge: 'probe',
    prm: { source: 'header', url: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp' },
    authorizationServer: {
      source: 'oauth',
      url: `${issuer}/.well-known/oauth-authorization-server`,
      index: 0,
    },
  },
  policy,
  discoveredAt: 1000,
  expiresAt: 5000,
  warnings: [],
  attempts: [],
};
type Mutable = {
  -readonly [K in keyof DiscoveryResult]: DiscoveryResult[K] extends object
    ? { -readonly [P in keyof DiscoveryResult[K]]: DiscoveryResult[K][P] }
    : DiscoveryResult[K];
};
const entry = () => structuredClone(toCacheEntry(result)) as { v: number; result: Mutable };
const restore = (value: unknown, now = 2000, p = policy) =>
  fromCacheEntry(value, { resourceUrl, policy: p, now });

describe('persistent cache entries', () => {
  test('a JSON round trip gives the result back', () => {
    assert.deepEqual(restore(JSON.parse(JSON.stringify(toCacheEntry(result)))), result);
  });
  test('the key is versioned and uses the parsed URL', () => {
    assert.equal(
      discoveryCacheKey(new URL('HTTPS://MCP.example.com:443/mcp')),
      'mcp-oauth:discovery:v1:https://mcp.example.com/mcp',
    );
  });
  const rejected: Array<[string, (e: ReturnType<typeof entry>) => unknown]> = [
    ['absent', () => undefined],
    ['another version', (e) => ({ ...e, v: 2 })],
    ['expired', (e) => ({ ...e, result: { ...e.result, expiresAt: 2000 } })],
    ['another server', (e) => ({ ...e, result: { ...e.result, resourceUrl: 'https://other.example/mcp' } })],
    [
      'another policy',
      (e) => ({ ...e, result: { ...e.result, policy: { ...policy, allowIssuerMismatch: true } } }),
    ],
    [
      'a PRM whose resource no longer matches',
      (e) => {
        e.result.protectedResourceMetadata.resource = 'https://evil.example/mcp';
        return e;
      },
    ],
    [
      'an issuer not in authorization_servers',
      (e) => ({ ...e, result: { ...e.result, issuer: 'https://evil.example' } }),
    ],
    [
      'AS metadata that no longer validates',
      (e) => {
        e.result.authorizationServerMetadata.authorization_endpoint = 'javascript:alert(1)';
        return e;
      },
    ],
    [
      'a resource that differs from the PRM',
      (e) => ({ ...e, result: { ...e.result, resource: 'https://evil.example' } }),
    ],
    ['garbage', () => 'not an entry'],
    ['sources missing', (e) => ({ ...e, result: { ...e.result, sources: undefined } })],
  ];
  for (const [name, mutate] of rejected) {
    test(`dropped: ${name}`, () => assert.equal(restore(mutate(entry())), undefined));
  }
});

describe('memoryDiscoveryCache', () => {
  test('honours the TTL with its clock and returns copies', () => {
    let now = 0;
    const store = memoryDiscoveryCache(() => now);
    store.set('k', { a: [1] }, 100);
    const copy = store.get('k') as { a: number[] };
    copy.a.push(2);
    assert.deepEqual(store.get('k'), { a: [1] });
    now = 100;
    assert.equal(store.get('k'), undefined);
    store.set('j', 1);
    assert.equal(store.size, 2);
    store.delete('j');
    assert.equal(store.size, 1);
  });
});

describe('createDiscovery options', () => {
  test('are checked at once', () => {
    assert.throws(() => createDiscovery({} as never), /options.http/);
    const http = createHttpClient();
    assert.throws(() => createDiscovery({ http, defaultTtlMs: -1 }), /options.defaultTtlMs/);
    assert.throws(() => createDiscovery({ http, maxTtlMs: Number.NaN }), /options.maxTtlMs/);
    assert.throws(() => createDiscovery({ http, cache: {} as never }), /options.cache/);
    assert.throws(() => createDiscovery({ http, now: 5 as never }), /options.now/);
  });
});
