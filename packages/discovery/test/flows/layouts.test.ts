import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDiscovery, type DiscoveryResult } from '@mcp-oauth/discovery';
import { RequestLog, startGoogleLikeAs, startMcpServer } from '@mcp-oauth/testbed';
import { startFakeServer } from '../support/fake-server.js';
import { testHttpClient, withWorld } from '../support/world.js';

function prmSource(result: DiscoveryResult) {
  return [result.sources.prm.source, result.sources.prm.url];
}

describe('protected-resource metadata layouts', () => {
  test('401 challenge with resource_metadata: the header URL is used, requested once (with the probe)', async () => {
    await withWorld({}, {}, async ({ mcp, as, http, log }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.deepEqual(prmSource(result), ['header', mcp.resourceMetadataUrl]);
      assert.equal(result.sources.challenge, 'probe');
      assert.equal(result.challenge.status, 401);
      assert.equal(result.challenge.resource_metadata, mcp.resourceMetadataUrl);
      assert.equal(result.resource, mcp.url);
      assert.equal(result.issuer, as.issuer);
      assert.deepEqual(result.protectedResourceMetadata.authorization_servers, [as.issuer]);
      assert.deepEqual(result.protectedResourceMetadata.scopes_supported, ['mcp:tools', 'mcp:admin']);
      // The header names the path-inserted URL, which was requested with the probe: its answer is used, not
      // asked for again. The root URL went with the probe too (needed had the challenge named none).
      assert.deepEqual(
        log
          .entries({ server: 'mcp', endpoint: 'prm' })
          .map((e) => e.path)
          .sort(),
        ['/.well-known/oauth-protected-resource', new URL(mcp.resourceMetadataUrl).pathname].sort(),
      );
      const probe = log.entries({ server: 'mcp', endpoint: 'mcp' });
      assert.equal(probe.length, 1);
      assert.equal(probe[0]?.method, 'POST');
      assert.equal(probe[0]?.detail.rpc, 'initialize');
      assert.equal(probe[0]?.headers.authorization, undefined);
    });
  });

  test('401 without resource_metadata: the path-inserted well-known URL wins over the root', async () => {
    await withWorld({}, { challengeResourceMetadata: false, prmLocation: 'both' }, async ({ mcp, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.deepEqual(prmSource(result), [
        'path-inserted',
        `${mcp.origin}/.well-known/oauth-protected-resource/mcp`,
      ]);
      assert.equal(result.sources.challenge, 'probe');
      assert.equal(result.challenge.resource_metadata, undefined);
    });
  });

  test('metadata only at the root: found after the path-inserted URL answers 404', async () => {
    await withWorld({}, { challengeResourceMetadata: false, prmLocation: 'root' }, async ({ mcp, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.deepEqual(prmSource(result), ['root', `${mcp.origin}/.well-known/oauth-protected-resource`]);
      assert.deepEqual(
        result.attempts.filter((a) => a.url.includes('protected-resource')).map((a) => [a.source, a.outcome]),
        [
          ['path-inserted', 'prm_not_found'],
          ['root', 'ok'],
        ],
      );
    });
  });

  test('the challenge may point at the root document', async () => {
    await withWorld({}, { prmLocation: 'root' }, async ({ mcp, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.deepEqual(prmSource(result), ['header', `${mcp.origin}/.well-known/oauth-protected-resource`]);
    });
  });

  test('no 401 at all (HTTP 200 to an anonymous request, as Gmail): the well-known URLs are probed anyway', async () => {
    await withWorld({}, { challengeAnonymous: false }, async ({ mcp, as, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.sources.challenge, 'none');
      assert.equal(result.challenge.status, 200);
      assert.equal(result.sources.prm.source, 'path-inserted');
      assert.equal(result.issuer, as.issuer);
    });
  });

  test("the caller's own 401 challenge: no probe is sent and its scope is reported", async () => {
    await withWorld({}, {}, async ({ mcp, http, log }) => {
      const header = `Bearer resource_metadata="${mcp.resourceMetadataUrl}", scope="mcp:tools mcp:admin"`;
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url, challenge: header });
      assert.equal(log.count({ server: 'mcp', endpoint: 'mcp' }), 0);
      assert.equal(result.sources.challenge, 'caller');
      assert.deepEqual(result.challenge.scopes, ['mcp:tools', 'mcp:admin']);
      assert.equal(result.sources.prm.source, 'header');
    });
  });

  test('challenge scope from the probe', async () => {
    await withWorld({}, { challengeScope: true }, async ({ mcp, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.challenge.scope, 'mcp:tools');
      assert.deepEqual(result.challenge.scopes, ['mcp:tools']);
    });
  });
});

describe('RFC 9728 §3.3 resource comparison: trailing slashes and origin-only URLs', () => {
  test('an MCP server at the origin: "http://h:p" matches a document saying "http://h:p/", kept verbatim', async () => {
    await withWorld(
      {},
      { path: '/', prmLocation: 'root', challengeResourceMetadata: false },
      async ({ mcp, http }) => {
        assert.equal(mcp.url, `${mcp.origin}/`);
        const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.origin });
        assert.equal(result.resource, `${mcp.origin}/`);
        assert.equal(result.resourceUrl, mcp.origin);
        assert.equal(result.sources.prm.source, 'root');
      },
    );
  });

  test('the root document may name the origin (RFC 9728 §3.1: the identifier the suffix was inserted into)', async () => {
    await withWorld(
      {},
      {
        prmLocation: 'root',
        challengeResourceMetadata: false,
        transformMetadata: (doc) => ({ ...doc, resource: new URL(String(doc.resource)).origin }),
      },
      async ({ mcp, http }) => {
        const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
        assert.equal(result.resource, mcp.origin);
        assert.equal(result.sources.prm.source, 'root');
      },
    );
  });

  test('a trailing slash after a path is significant: "/mcp/" is not "/mcp"', async () => {
    await withWorld(
      {},
      { transformMetadata: (doc) => ({ ...doc, resource: `${doc.resource}/` }) },
      async ({ mcp, http }) => {
        await assert.rejects(createDiscovery({ http }).discover({ resourceUrl: mcp.url }), {
          code: 'prm_resource_mismatch',
        });
      },
    );
  });

  test('scheme and host case and the default port do not matter', async () => {
    await withWorld(
      {},
      {
        transformMetadata: (doc) => ({
          ...doc,
          resource: String(doc.resource).replace('http://', 'HTTP://'),
        }),
      },
      async ({ mcp, http }) => {
        const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
        assert.equal(result.resource, mcp.url.replace('http://', 'HTTP://'));
      },
    );
  });
});

describe('authorization-server metadata layouts', () => {
  for (const layout of ['oauth-path-inserted', 'oidc-path-inserted', 'oidc-path-appended'] as const) {
    test(`issuer with a path, metadata only at ${layout}`, async () => {
      await withWorld(
        { issuerPath: '/tenant1', metadataLayouts: [layout] },
        {},
        async ({ mcp, as, http }) => {
          const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
          assert.equal(result.issuer, as.issuer);
          assert.equal(result.authorizationServerMetadata.issuer, as.issuer);
          assert.equal(result.sources.authorizationServer.source, layout);
          assert.equal(result.sources.authorizationServer.url, as.metadataUrl(layout));
          assert.equal(result.authorizationServerMetadata.token_endpoint, `${as.issuer}/token`);
        },
      );
    });
  }

  test('issuer with a path and all three layouts: RFC 8414 path-inserted wins', async () => {
    await withWorld({ issuerPath: '/tenant1' }, {}, async ({ mcp, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.sources.authorizationServer.source, 'oauth-path-inserted');
    });
  });

  test('issuer without a path, RFC 8414 only', async () => {
    await withWorld({ metadataLayouts: ['oauth-path-inserted'] }, {}, async ({ mcp, as, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.sources.authorizationServer.source, 'oauth');
      assert.equal(
        result.sources.authorizationServer.url,
        `${as.origin}/.well-known/oauth-authorization-server`,
      );
    });
  });

  test('issuer without a path, OpenID Connect only', async () => {
    await withWorld({ metadataLayouts: ['oidc-path-appended'] }, {}, async ({ mcp, as, http }) => {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.sources.authorizationServer.source, 'oidc');
      assert.equal(result.sources.authorizationServer.url, `${as.origin}/.well-known/openid-configuration`);
    });
  });

  test('Google-like AS (OpenID Connect discovery only) behind a Gmail-like server that never answers 401', async () => {
    const log = new RequestLog();
    const google = await startGoogleLikeAs({ log });
    const mcp = await startMcpServer({
      log,
      authServer: google,
      audience: 'scope',
      challengeAnonymous: false,
    });
    const http = testHttpClient();
    try {
      const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
      assert.equal(result.issuer, google.issuer);
      assert.equal(result.sources.authorizationServer.source, 'oidc');
      assert.equal(result.sources.challenge, 'none');
      assert.ok(result.authorizationServerMetadata.code_challenge_methods_supported?.includes('S256'));
    } finally {
      await http.close();
      await mcp.close();
      await google.close();
    }
  });

  test('several authorization_servers: the first that validates is chosen; the skipped one is explained', async () => {
    const dead = await startFakeServer();
    try {
      await withWorld(
        {},
        {
          transformMetadata: (doc) => ({
            ...doc,
            authorization_servers: [`${dead.origin}/nothing`, ...(doc.authorization_servers as string[])],
          }),
        },
        async ({ mcp, as, http }) => {
          const result = await createDiscovery({ http }).discover({ resourceUrl: mcp.url });
          assert.equal(result.issuer, as.issuer);
          assert.equal(result.sources.authorizationServer.index, 1);
          assert.deepEqual(
            result.warnings.map((w) => w.code),
            ['authorization_server_skipped'],
          );
          assert.match(
            result.warnings[0]?.message ?? '',
            /No authorization-server metadata for issuer .*nothing/,
          );
          assert.deepEqual(dead.requests.sort(), [
            '/.well-known/oauth-authorization-server/nothing',
            '/.well-known/openid-configuration/nothing',
            '/nothing/.well-known/openid-configuration',
          ]);
        },
      );
    } finally {
      await dead.close();
    }
  });
});
