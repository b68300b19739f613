// Issue 17, defect 3: the named escape hatch of the endpoint-downgrade rule (config oauth.allow_endpoint_downgrade),
// and the cap on endpoint length (an authorization URL of hundreds of KB). Stubbed at the HTTP-client boundary: the
// documents are "served over https" from hosts that are not loopback.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDiscovery,
  isDiscoveryError,
  MAX_ENDPOINT_LENGTH,
  memoryDiscoveryCache,
  processAuthorizationServerMetadata,
  processProtectedResourceMetadata,
} from '@mcp-oauth/discovery';
import { type FakeAnswer, fakeHttp } from './support/fake-http.js';

const MCP = 'https://mcp.example.com/mcp';
const PRM_URL = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ISSUER = 'https://auth.example.com';
const AS_URL = 'https://auth.example.com/.well-known/oauth-authorization-server';
const LOCAL_TOKEN = 'http://127.0.0.1:6379/token';
const asDoc = (extra: Record<string, unknown> = {}) => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: LOCAL_TOKEN,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
  ...extra,
});
const KEY = /oauth\.allow_endpoint_downgrade/;

describe('allowEndpointDowngrade (config oauth.allow_endpoint_downgrade)', () => {
  test('AS metadata: off → endpoint_downgrade naming the key to set; on → accepted with a warning', () => {
    assert.throws(
      () => processAuthorizationServerMetadata(asDoc(), ISSUER, {}, AS_URL),
      (e: unknown) => isDiscoveryError(e, 'endpoint_downgrade') && KEY.test(e.message),
    );
    const out = processAuthorizationServerMetadata(asDoc(), ISSUER, { allowEndpointDowngrade: true }, AS_URL);
    assert.equal(out.metadata.token_endpoint, LOCAL_TOKEN);
    assert.deepEqual(
      out.warnings.map((w) => w.code),
      ['endpoint_downgrade_allowed'],
    );
    assert.match(
      out.warnings[0]?.message ?? '',
      /"token_endpoint".*allowed by oauth\.allow_endpoint_downgrade/,
    );
  });

  test('the hatch does not allow plain http off loopback: still insecure_url', () =>
    assert.throws(
      () =>
        processAuthorizationServerMetadata(
          asDoc({ token_endpoint: 'http://as.example.net/token' }),
          ISSUER,
          { allowEndpointDowngrade: true },
          AS_URL,
        ),
      (e: unknown) => isDiscoveryError(e, 'insecure_url'),
    ));

  test('protected-resource metadata: a loopback AS refused when off, accepted when on', () => {
    const doc = { resource: MCP, authorization_servers: ['http://127.0.0.1:9000'] };
    const expected = { resourceUrl: new URL(MCP), source: 'path-inserted' as const, url: PRM_URL };
    assert.throws(
      () => processProtectedResourceMetadata(doc, expected),
      (e: unknown) => isDiscoveryError(e, 'endpoint_downgrade') && KEY.test(e.message),
    );
    assert.deepEqual(
      processProtectedResourceMetadata(doc, { ...expected, allowEndpointDowngrade: true }),
      doc,
    );
  });

  test('discover(): off → endpoint_downgrade; on → the result, its policy and the warning', async () => {
    const table: Record<string, FakeAnswer> = {
      [PRM_URL]: { json: { resource: MCP, authorization_servers: [ISSUER] } },
      [AS_URL]: { json: asDoc() },
    };
    const off = createDiscovery({ http: fakeHttp(table).http });
    await assert.rejects(off.discover({ resourceUrl: MCP }), (e: unknown) =>
      isDiscoveryError(e, 'endpoint_downgrade'),
    );
    const on = await createDiscovery({ http: fakeHttp(table).http }).discover({
      resourceUrl: MCP,
      allowEndpointDowngrade: true,
    });
    assert.equal(on.authorizationServerMetadata.token_endpoint, LOCAL_TOKEN);
    assert.equal(on.policy.allowEndpointDowngrade, true);
    assert.ok(on.warnings.some((w) => w.code === 'endpoint_downgrade_allowed'));
  });

  test('a result cached with the hatch on is not served with it off (memory or persistent cache)', async () => {
    const table: Record<string, FakeAnswer> = {
      [PRM_URL]: { json: { resource: MCP, authorization_servers: [ISSUER] } },
      [AS_URL]: { json: asDoc() },
    };
    const cache = memoryDiscoveryCache();
    const discovery = createDiscovery({ http: fakeHttp(table).http, cache });
    await discovery.discover({ resourceUrl: MCP, allowEndpointDowngrade: true });
    assert.equal(cache.size, 1);
    await assert.rejects(discovery.discover({ resourceUrl: MCP }), (e: unknown) =>
      isDiscoveryError(e, 'endpoint_downgrade'),
    );
    const fresh = createDiscovery({ http: fakeHttp(table).http, cache });
    await assert.rejects(fresh.discover({ resourceUrl: MCP }), (e: unknown) =>
      isDiscoveryError(e, 'endpoint_downgrade'),
    );
    const again = await fresh.discover({ resourceUrl: MCP, allowEndpointDowngrade: true });
    assert.equal(again.policy.allowEndpointDowngrade, true);
  });

  test('policyForIssuer cannot turn the hatch on or off: the request flag decides', async () => {
    const table: Record<string, FakeAnswer> = {
      [PRM_URL]: { json: { resource: MCP, authorization_servers: [ISSUER] } },
      [AS_URL]: { json: asDoc() },
    };
    const policyForIssuer = () => ({
      allowMissingPkceMetadata: false,
      allowIssuerMismatch: false,
      allowEndpointDowngrade: true,
    });
    await assert.rejects(
      createDiscovery({ http: fakeHttp(table).http }).discover({ resourceUrl: MCP, policyForIssuer }),
      (e: unknown) => isDiscoveryError(e, 'endpoint_downgrade'),
    );
  });
});

describe(`endpoint length cap (${MAX_ENDPOINT_LENGTH} characters)`, () => {
  test('an authorization_endpoint with a huge query: endpoint_too_long, the value shown cut', () => {
    const huge = `${ISSUER}/authorize?x=${'a'.repeat(300_000)}`;
    assert.throws(
      () =>
        processAuthorizationServerMetadata(
          asDoc({ authorization_endpoint: huge, token_endpoint: `${ISSUER}/token` }),
          ISSUER,
          {},
          AS_URL,
        ),
      (e: unknown) =>
        isDiscoveryError(e, 'endpoint_too_long') &&
        e.message.includes('"authorization_endpoint"') &&
        e.message.length < 1000,
    );
  });
  test('an endpoint of exactly the limit is accepted', () => {
    const endpoint = `${ISSUER}/authorize?x=`;
    const atLimit = endpoint + 'a'.repeat(MAX_ENDPOINT_LENGTH - endpoint.length);
    const out = processAuthorizationServerMetadata(
      asDoc({ authorization_endpoint: atLimit, token_endpoint: `${ISSUER}/token` }),
      ISSUER,
      {},
      AS_URL,
    );
    assert.equal(out.metadata.authorization_endpoint.length, MAX_ENDPOINT_LENGTH);
  });
});
