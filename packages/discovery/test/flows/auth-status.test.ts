import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { probeAuthStatus } from '@mcp-oauth/discovery';
import { startFakeServer } from '../support/fake-server.js';
import { testHttpClient, withWorld } from '../support/world.js';

describe('auth status probe', () => {
  test('decided without the network: bearer token, needs re-login, logged in', async () => {
    await withWorld({}, {}, async ({ mcp, http, log }) => {
      const base = { http, resourceUrl: mcp.url };
      assert.deepEqual(
        await probeAuthStatus({ ...base, bearerTokenConfigured: true, credentials: 'present' }),
        {
          status: 'bearer_token',
          evidence: 'config',
        },
      );
      assert.deepEqual(
        await probeAuthStatus({ ...base, bearerTokenConfigured: false, credentials: 'needs_login' }),
        {
          status: 'needs_relogin',
          evidence: 'credentials',
        },
      );
      assert.deepEqual(
        await probeAuthStatus({ ...base, bearerTokenConfigured: false, credentials: 'present' }),
        {
          status: 'oauth_logged_in',
          evidence: 'credentials',
        },
      );
      assert.equal(log.count(), 0);
    });
  });

  test('OAuth, not logged in: the 401 Bearer challenge tells, one request', async () => {
    await withWorld({}, {}, async ({ mcp, http, log }) => {
      const status = await probeAuthStatus({
        http,
        resourceUrl: mcp.url,
        bearerTokenConfigured: false,
        credentials: 'none',
      });
      assert.deepEqual(status, { status: 'oauth_not_logged_in', evidence: 'challenge' });
      assert.equal(log.count(), 1);
    });
  });

  test('OAuth, not logged in: a server that never answers 401 is recognised by its metadata', async () => {
    await withWorld({}, { challengeAnonymous: false }, async ({ mcp, http }) => {
      const status = await probeAuthStatus({
        http,
        resourceUrl: mcp.url,
        bearerTokenConfigured: false,
        credentials: 'none',
      });
      assert.deepEqual(status, { status: 'oauth_not_logged_in', evidence: 'prm' });
    });
  });

  test('metadata that does not validate: OAuth, with the problem login will hit', async () => {
    await withWorld(
      {},
      {
        challengeAnonymous: false,
        transformMetadata: (doc) => ({ ...doc, resource: 'https://other.example/mcp' }),
      },
      async ({ mcp, http }) => {
        const status = await probeAuthStatus({
          http,
          resourceUrl: mcp.url,
          bearerTokenConfigured: false,
          credentials: 'none',
        });
        assert.equal(status.status, 'oauth_not_logged_in');
        assert.equal(status.problem?.code, 'prm_resource_mismatch');
      },
    );
  });

  test('no challenge and no metadata: unsupported', async () => {
    const fake = await startFakeServer();
    const http = testHttpClient();
    try {
      const status = await probeAuthStatus({
        http,
        resourceUrl: `${fake.origin}/mcp`,
        bearerTokenConfigured: false,
        credentials: 'none',
      });
      assert.deepEqual(status, { status: 'unsupported', evidence: 'none' });
    } finally {
      await http.close();
      await fake.close();
    }
  });

  test('a server that cannot be reached: an error, not "unsupported"', async () => {
    const fake = await startFakeServer();
    await fake.close();
    const http = testHttpClient();
    try {
      await assert.rejects(
        probeAuthStatus({
          http,
          resourceUrl: `${fake.origin}/mcp`,
          bearerTokenConfigured: false,
          credentials: 'none',
        }),
        { code: 'resource_unreachable', retryable: true },
      );
    } finally {
      await http.close();
    }
  });

  test('metadata answering 503: an error, not "unsupported"', async () => {
    await withWorld({}, { challengeAnonymous: false }, async ({ mcp, http }) => {
      mcp.knobs.fail({
        endpoint: 'prm',
        mode: { kind: 'status', status: 503 },
        times: Number.POSITIVE_INFINITY,
      });
      await assert.rejects(
        probeAuthStatus({ http, resourceUrl: mcp.url, bearerTokenConfigured: false, credentials: 'none' }),
        { code: 'metadata_unavailable' },
      );
    });
  });
});
