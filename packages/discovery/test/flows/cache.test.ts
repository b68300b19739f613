import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDiscovery,
  type DiscoveryCacheStore,
  discoveryCacheKey,
  memoryDiscoveryCache,
} from '@mcp-oauth/discovery';
import Keyv from 'keyv';
import { asMetadata, json, startFakeServer } from '../support/fake-server.js';
import { testHttpClient, withWorld } from '../support/world.js';

// The winners here are the last candidates of their stages (PRM through the challenge's URL; AS metadata
// path-appended only), so no cancelled loser can reach a server after a run ends and blur the request counts.
const NO_LOSERS = { issuerPath: '/tenant1', metadataLayouts: ['oidc-path-appended'] } as const;

describe('discovery cache', () => {
  test('warm run in the same process: zero discovery requests', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const discovery = createDiscovery({ http });
      const cold = await discovery.discover({ resourceUrl: mcp.url });
      assert.equal(cold.sources.cache, 'none');
      const mark = log.mark();
      const warm = await discovery.discover({ resourceUrl: mcp.url });
      assert.equal(log.count({ after: mark }), 0);
      assert.equal(warm.sources.cache, 'memory');
      assert.equal(warm.issuer, cold.issuer);
      assert.deepEqual(warm.authorizationServerMetadata, cold.authorizationServerMetadata);
    });
  });

  test('warm run in a new process through the persistent cache: zero discovery requests', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const store = memoryDiscoveryCache();
      const cold = await createDiscovery({ http, cache: store }).discover({ resourceUrl: mcp.url });
      assert.equal(store.size, 1);
      const mark = log.mark();
      const warm = await createDiscovery({ http, cache: store }).discover({ resourceUrl: mcp.url });
      assert.equal(log.count({ after: mark }), 0);
      assert.equal(warm.sources.cache, 'persistent');
      assert.equal(warm.resource, cold.resource);
      assert.deepEqual(warm.protectedResourceMetadata, cold.protectedResourceMetadata);
    });
  });

  test('a Keyv instance is a persistent cache as it is', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const keyv = new Keyv();
      await createDiscovery({ http, cache: keyv }).discover({ resourceUrl: mcp.url });
      const mark = log.mark();
      const warm = await createDiscovery({ http, cache: keyv }).discover({ resourceUrl: mcp.url });
      assert.equal(log.count({ after: mark }), 0);
      assert.equal(warm.sources.cache, 'persistent');
    });
  });

  test('Cache-Control: max-age sets the lifetime (injected clock)', async () => {
    const fake = await startFakeServer();
    const http = testHttpClient();
    let now = 1_000_000;
    try {
      const resourceUrl = `${fake.origin}/mcp`;
      const issuer = fake.origin;
      fake.route(
        '/.well-known/oauth-protected-resource',
        json(
          { resource: resourceUrl, authorization_servers: [issuer] },
          { 'cache-control': 'public, max-age=60' },
        ),
      );
      fake.route(
        '/.well-known/openid-configuration',
        json(asMetadata(issuer), { 'cache-control': 'max-age=3600' }),
      );
      const discovery = createDiscovery({ http, now: () => now });
      const cold = await discovery.discover({ resourceUrl });
      assert.equal(cold.expiresAt - cold.discoveredAt, 60_000);
      const afterCold = fake.requests.length;
      now += 59_000;
      await discovery.discover({ resourceUrl });
      assert.equal(fake.requests.length, afterCold, 'still fresh at 59 s');
      now += 2_000;
      const again = await discovery.discover({ resourceUrl });
      assert.equal(again.sources.cache, 'none');
      assert.ok(fake.requests.length > afterCold, 'expired at 61 s: discovered again');
    } finally {
      await http.close();
      await fake.close();
    }
  });

  test('Cache-Control: no-store is not cached anywhere', async () => {
    const fake = await startFakeServer();
    const http = testHttpClient();
    try {
      const resourceUrl = `${fake.origin}/mcp`;
      fake.route(
        '/.well-known/oauth-protected-resource',
        json(
          { resource: resourceUrl, authorization_servers: [fake.origin] },
          { 'cache-control': 'no-store' },
        ),
      );
      fake.route('/.well-known/openid-configuration', json(asMetadata(fake.origin)));
      const store = memoryDiscoveryCache();
      const discovery = createDiscovery({ http, cache: store });
      await discovery.discover({ resourceUrl });
      const count = fake.requests.length;
      const second = await discovery.discover({ resourceUrl });
      assert.equal(second.sources.cache, 'none');
      assert.ok(fake.requests.length > count);
      assert.equal(store.size, 0);
    } finally {
      await http.close();
      await fake.close();
    }
  });

  test('invalidate() drops an entry that failed in use; the next run discovers the changed AS', async () => {
    let issuerOverride: string | undefined;
    await withWorld(
      NO_LOSERS,
      {
        transformMetadata: (doc) =>
          issuerOverride === undefined ? doc : { ...doc, authorization_servers: [issuerOverride] },
      },
      async ({ mcp, as, http, log }) => {
        const store = memoryDiscoveryCache();
        const discovery = createDiscovery({ http, cache: store });
        assert.equal((await discovery.discover({ resourceUrl: mcp.url })).issuer, as.issuer);
        const moved = await startFakeServer();
        try {
          issuerOverride = moved.origin;
          moved.route('/.well-known/openid-configuration', json(asMetadata(moved.origin)));
          assert.equal((await discovery.discover({ resourceUrl: mcp.url })).issuer, as.issuer, 'cached');
          await discovery.invalidate(mcp.url);
          assert.equal(store.size, 0);
          const mark = log.mark();
          const fresh = await discovery.discover({ resourceUrl: mcp.url });
          assert.equal(fresh.issuer, moved.origin);
          assert.equal(fresh.sources.cache, 'none');
          assert.ok(log.count({ after: mark }) > 0);
        } finally {
          await moved.close();
        }
      },
    );
  });

  test('a tampered persistent entry is re-validated, dropped and rediscovered', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const store = memoryDiscoveryCache();
      await createDiscovery({ http, cache: store }).discover({ resourceUrl: mcp.url });
      const key = discoveryCacheKey(new URL(mcp.url));
      const entry = store.get(key) as { result: { authorizationServerMetadata: Record<string, unknown> } };
      entry.result.authorizationServerMetadata.authorization_endpoint = 'javascript:alert(1)';
      store.set(key, entry);
      const mark = log.mark();
      const result = await createDiscovery({ http, cache: store }).discover({ resourceUrl: mcp.url });
      assert.ok(log.count({ after: mark }) > 0);
      assert.equal(result.sources.cache, 'none');
      assert.match(result.authorizationServerMetadata.authorization_endpoint, /^http:\/\/127\.0\.0\.1/);
    });
  });

  test('a cached result validated under another policy is not reused', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const discovery = createDiscovery({ http });
      await discovery.discover({ resourceUrl: mcp.url, allowMissingPkceMetadata: true });
      const mark = log.mark();
      const strict = await discovery.discover({ resourceUrl: mcp.url });
      assert.ok(log.count({ after: mark }) > 0);
      assert.equal(strict.policy.allowMissingPkceMetadata, false);
    });
  });

  test("a caller's challenge naming another metadata URL bypasses the cache; its scopes are reported", async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const discovery = createDiscovery({ http });
      await discovery.discover({ resourceUrl: mcp.url });
      let mark = log.mark();
      const same = await discovery.discover({
        resourceUrl: mcp.url,
        challenge: `Bearer error="insufficient_scope", scope="mcp:admin", resource_metadata="${mcp.resourceMetadataUrl}"`,
      });
      assert.equal(log.count({ after: mark }), 0);
      assert.equal(same.sources.challenge, 'caller');
      assert.deepEqual(same.challenge.scopes, ['mcp:admin']);
      mark = log.mark();
      const root = `${mcp.origin}/.well-known/oauth-protected-resource`;
      const other = await discovery.discover({
        resourceUrl: mcp.url,
        challenge: `Bearer resource_metadata="${root}"`,
      });
      assert.equal(other.sources.cache, 'none');
      assert.equal(
        log.entries({ after: mark, endpoint: 'prm' })[0]?.path,
        '/.well-known/oauth-protected-resource',
      );
      assert.equal(other.warnings[0]?.code, 'prm_header_url_failed');
    });
  });

  test('concurrent calls for one server share one run', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http, log }) => {
      const discovery = createDiscovery({ http });
      const [a, b] = await Promise.all([
        discovery.discover({ resourceUrl: mcp.url }),
        discovery.discover({ resourceUrl: mcp.url }),
      ]);
      assert.equal(a, b);
      assert.equal(log.count({ endpoint: 'mcp' }), 1);
      // One run: one probe, and each well-known URL once (sent with the probe).
      assert.equal(log.count({ endpoint: 'prm' }), 2);
    });
  });

  test("a call's own signal cancels only that call (HttpError aborted); a concurrent call is unaffected", async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http }) => {
      mcp.knobs.latencyMs = 100;
      const discovery = createDiscovery({ http });
      const controller = new AbortController();
      const cancelled = discovery.discover({ resourceUrl: mcp.url, signal: controller.signal });
      const other = discovery.discover({ resourceUrl: mcp.url });
      controller.abort();
      await assert.rejects(cancelled, { name: 'HttpError', code: 'aborted' });
      assert.equal((await other).resource, mcp.url);
    });
  });

  test('a failing persistent cache does not fail discovery; the failure is a warning', async () => {
    await withWorld(NO_LOSERS, {}, async ({ mcp, http }) => {
      const broken: DiscoveryCacheStore = {
        get: async () => {
          throw new Error('redis down');
        },
        set: async () => {
          throw new Error('redis down');
        },
        delete: async () => undefined,
      };
      const result = await createDiscovery({ http, cache: broken }).discover({ resourceUrl: mcp.url });
      assert.deepEqual(
        result.warnings.map((w) => w.code),
        ['cache_store_failed', 'cache_store_failed'],
      );
      assert.match(result.warnings[0]?.message ?? '', /failed to read: redis down/);
    });
  });
});
