// A policy that depends on the issuer (a provider profile detected from it): applied to each issuer's metadata
// during the discovery that finds the issuer, recorded in the result, and matched by the caches.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createDiscovery,
  type IssuerPolicy,
  isDiscoveryError,
  memoryDiscoveryCache,
} from '@mcp-oauth/discovery';
import { fakeHttp } from './support/fake-http.js';

const MCP = 'https://mcp.example.com/mcp';
const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ENTRA = 'https://login.microsoftonline.com/tenant/v2.0';
const OTHER = 'https://auth.example.com';
/** Entra-like metadata: no code_challenge_methods_supported. */
const entraMetadata = {
  json: {
    issuer: ENTRA,
    authorization_endpoint: `${ENTRA}/authorize`,
    token_endpoint: `${ENTRA}/token`,
    response_types_supported: ['code'],
  },
};
const table = {
  [MCP]: { status: 401, headers: { 'www-authenticate': 'Bearer realm="mcp"' } },
  [PRM]: { json: { resource: MCP, authorization_servers: [ENTRA] } },
  'https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration': entraMetadata,
};
const seen: string[] = [];
const profilePolicy: IssuerPolicy = (issuer) => {
  seen.push(issuer);
  return {
    allowMissingPkceMetadata: new URL(issuer).host === 'login.microsoftonline.com',
    allowIssuerMismatch: false,
  };
};

describe('policyForIssuer', () => {
  test('the policy of the issuer applies to its metadata; the result records it', async () => {
    const { http } = fakeHttp(table);
    seen.length = 0;
    const result = await createDiscovery({ http }).discover({
      resourceUrl: MCP,
      policyForIssuer: profilePolicy,
    });
    assert.equal(result.issuer, ENTRA);
    assert.deepEqual(result.policy, {
      allowMissingPkceMetadata: true,
      allowIssuerMismatch: false,
      allowEndpointDowngrade: false,
    });
    assert.ok(result.warnings.some((w) => w.code === 'pkce_metadata_missing_allowed'));
    assert.ok(seen.includes(ENTRA), 'asked for the issuer it validated');
  });

  test('the policy of another issuer does not: the same metadata under a policy that refuses it fails', async () => {
    const { http } = fakeHttp(table);
    const strictElsewhere: IssuerPolicy = (issuer) => ({
      allowMissingPkceMetadata: issuer === OTHER,
      allowIssuerMismatch: false,
    });
    await assert.rejects(
      createDiscovery({ http }).discover({ resourceUrl: MCP, policyForIssuer: strictElsewhere }),
      (e: unknown) => isDiscoveryError(e, 'pkce_s256_not_supported'),
    );
  });

  test('caches: a result is reused by a caller whose policy gives the same for its issuer, not by another', async () => {
    const { http, requested } = fakeHttp(table);
    const cache = memoryDiscoveryCache();
    const discovery = createDiscovery({ http, cache });
    await discovery.discover({ resourceUrl: MCP, policyForIssuer: profilePolicy });
    const afterFirst = requested.length;
    // The same effective policy, as booleans: a hit.
    const same = await discovery.discover({ resourceUrl: MCP, allowMissingPkceMetadata: true });
    assert.equal(same.sources.cache, 'memory');
    // A fresh Discovery on the same persistent cache, with another function giving the same answer: a hit.
    const again = await createDiscovery({ http, cache }).discover({
      resourceUrl: MCP,
      policyForIssuer: (issuer) => ({
        allowMissingPkceMetadata: issuer === ENTRA,
        allowIssuerMismatch: false,
      }),
    });
    assert.equal(again.sources.cache, 'persistent');
    assert.equal(requested.length, afterFirst, 'no request for the hits');
    // Booleans that refuse the metadata: no hit, a new run, which fails as it must.
    await assert.rejects(discovery.discover({ resourceUrl: MCP }), (e: unknown) =>
      isDiscoveryError(e, 'pkce_s256_not_supported'),
    );
    assert.ok(requested.length > afterFirst, 'the refusing policy ran on the network');
  });
});
