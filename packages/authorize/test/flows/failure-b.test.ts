// Reported failure B, reproduced and fixed: the MCP server checks the token's audience (RFC 8707). A client that
// sends the protected-resource `resource` (exactly once) on the authorization and token requests gets a token the
// server accepts; with the resource policy off, the AS issues a token without that audience and the server rejects it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient } from '@mcp-oauth/http';
import {
  type McpServer,
  paramValues,
  RequestLog,
  type StandardAs,
  startMcpServer,
  startStandardAs,
} from '@mcp-oauth/testbed';
import {
  type AuthorizationServerMetadata,
  exchangeAuthorizationCode,
  memoryRegistrationCache,
  type ResourcePolicy,
  registrationClient,
  resolveClientRegistration,
  resolveResource,
  selectScopes,
} from '../../src/index.js';
import {
  asMetadata,
  browserLogin,
  httpClient,
  mcpInitialize,
  protectedResource,
  REDIRECT_URI,
} from './support.js';

describe('reported failure B: the token audience must be the MCP server', () => {
  const log = new RequestLog();
  let as: StandardAs;
  let mcp: McpServer;
  let http: HttpClient;
  let meta: AuthorizationServerMetadata;
  let prm: Awaited<ReturnType<typeof protectedResource>>;
  const cache = memoryRegistrationCache();

  before(async () => {
    as = await startStandardAs({ log, issuerPath: '/tenant1' });
    mcp = await startMcpServer({ log, authServer: as, audience: 'strict' });
    http = httpClient();
    prm = await protectedResource(http, mcp.resourceMetadataUrl);
    meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
  });
  after(async () => {
    await http.close();
    await mcp.close();
    await as.close();
  });

  /** The whole login with a given resource policy; returns the access token and what the AS received. */
  async function login(policy: ResourcePolicy) {
    const registration = await resolveClientRegistration({
      http,
      as: meta,
      redirectUris: [REDIRECT_URI],
      cache,
    });
    const client = registrationClient(registration);
    const resource = resolveResource(policy, prm.resource);
    const scopes = selectScopes({
      prmScopesSupported: prm.scopes_supported,
      asScopesSupported: meta.scopes_supported,
    });
    const mark = log.mark();
    const { pending, callback } = await browserLogin(meta, client, { scopes, resource });
    const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
    const authorize = log.entries({ server: 'as', endpoint: 'authorize', after: mark });
    const token = log.entries({ server: 'as', endpoint: 'token', after: mark });
    assert.equal(authorize.length, 1);
    assert.equal(token.length, 1);
    return { tokens, authorize: authorize[0], token: token[0], resource };
  }

  test('resource auto: one resource = the PRM resource on authorize and token; the server accepts the token', async () => {
    assert.equal(prm.resource, mcp.url, 'the testbed PRM names the server');
    const { tokens, authorize, token } = await login({ kind: 'auto' });
    assert.ok(authorize && token);
    assert.deepEqual(paramValues(authorize, 'resource'), [prm.resource]);
    assert.deepEqual(paramValues(token, 'resource'), [prm.resource]);
    assert.equal(tokens.resource, prm.resource);
    assert.equal(tokens.issuer, as.issuer);
    const verdict = await as.verifier.verify(tokens.access_token);
    assert.deepEqual(verdict.ok && verdict.claims.aud, [prm.resource]);
    assert.equal((await mcpInitialize(mcp.url, tokens.access_token)).status, 200);
  });

  test('resource off: no resource is sent, and the strict server rejects the token (the reported failure)', async () => {
    const { tokens, authorize, token } = await login({ kind: 'off' });
    assert.ok(authorize && token);
    assert.deepEqual(paramValues(authorize, 'resource'), []);
    assert.deepEqual(paramValues(token, 'resource'), []);
    assert.equal('resource' in tokens, false);
    const answer = await mcpInitialize(mcp.url, tokens.access_token);
    assert.equal(answer.status, 401);
    assert.match(answer.challenge ?? '', /error="invalid_token"/);
  });

  test('an explicit resource URI for another server gives a token this server rejects', async () => {
    const other = 'http://127.0.0.1:9/other-mcp';
    const { tokens, authorize } = await login({ kind: 'uri', uri: other });
    assert.ok(authorize);
    assert.deepEqual(paramValues(authorize, 'resource'), [other]);
    assert.equal((await mcpInitialize(mcp.url, tokens.access_token)).status, 401);
  });

  test('the DCR registration was made once and reused by every login above', () => {
    assert.equal(log.count({ server: 'as', endpoint: 'register' }), 1);
  });
});
