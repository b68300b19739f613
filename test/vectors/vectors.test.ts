// Feeds every vector of test/vectors/*.json through the library steps a login and a refresh are made of:
// config (parseConfig, resolveServer with the issuer) → resolveResource / selectScopes / extraAuthorizeParamsFor →
// buildAuthorizationUrl; the code exchange through authorizationCodeGrantRequest and the refresh through
// createRefreshGrant, both at the fetch boundary (undici MockAgent). Fixed inputs (client id, redirect URI, state,
// PKCE verifier, code) make every parameter comparable. test/vectors/client-path.test.ts runs the same vectors
// through McpOAuthClient.login instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authorizationCodeGrantRequest,
  buildAuthorizationUrl,
  computeCodeChallenge,
  processTokenResponse,
  resolveResource,
  selectScopes,
  splitScope,
} from '@mcp-oauth/authorize';
import {
  ConfigError,
  extraAuthorizeParamsFor,
  extraTokenParamsFor,
  parseConfig,
  resolveServer,
} from '@mcp-oauth/config';
import { createHttpClient } from '@mcp-oauth/http';
import { createRefreshGrant } from '@mcp-oauth/refresh';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import {
  assertRequest,
  loadVectors,
  REFRESH_RESPONSE,
  tokenEndpointMock,
  type Vector,
} from './support/vector.js';

const vectors = loadVectors();

test('the vector set covers every case docs/upstream names', () => {
  const names = vectors.map((v) => v.vector.name);
  for (const required of [
    'resource-auto-path',
    'resource-auto-origin-only',
    'resource-explicit',
    'resource-off',
    'codex-oauth-resource',
    'google-profile',
    'google-config-overrides-profile',
    'reserved-authorize-param-refused',
    'entra-profile',
  ]) {
    assert.ok(names.includes(required), `vector ${required}`);
  }
  for (const { file, vector } of vectors)
    assert.equal(`${vector.name}.json`, file, 'file named after the vector');
});

test('every vector uses only the members test/vectors/README.md documents', () => {
  const documented = {
    top: ['name', 'description', 'references', 'notes', 'input', 'expected'],
    input: [
      'config_toml',
      'server_name',
      'env',
      'challenge_scope',
      'protected_resource_metadata',
      'authorization_server_metadata',
      'login',
      'token_response',
    ],
    login: ['redirect_uri', 'state', 'code_verifier', 'code'],
    expected: [
      'error',
      'provider',
      'resource',
      'scopes',
      'authorization_request',
      'token_request',
      'refresh_request',
    ],
    request: ['endpoint', 'params', 'headers', 'body'],
  };
  const unknown = (object: object, allowed: string[]) =>
    Object.keys(object).filter((k) => !allowed.includes(k));
  for (const { vector } of vectors) {
    assert.deepEqual(unknown(vector, documented.top), [], vector.name);
    assert.deepEqual(unknown(vector.input, documented.input), [], `${vector.name}.input`);
    assert.deepEqual(unknown(vector.input.login ?? {}, documented.login), [], `${vector.name}.input.login`);
    assert.deepEqual(unknown(vector.expected, documented.expected), [], `${vector.name}.expected`);
    for (const request of ['authorization_request', 'token_request', 'refresh_request'] as const) {
      assert.deepEqual(
        unknown(vector.expected[request] ?? {}, documented.request),
        [],
        `${vector.name}.${request}`,
      );
    }
    assert.ok(vector.description.length > 0 && vector.references.length > 0, `${vector.name}: described`);
  }
});

function expectConfigError(vector: Vector): void {
  const expected = vector.expected.error;
  assert.ok(expected, 'an error vector');
  assert.throws(
    () => parseConfig(vector.input.config_toml, { path: 'config.toml' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `ConfigError expected, got ${String(error)}`);
      assert.equal(error.code, expected.code);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        [expected.path],
        'exactly one issue, at the expected key path',
      );
      assert.match(error.message, /reserved parameter/);
      return true;
    },
  );
}

async function runVector(vector: Vector): Promise<void> {
  const { input, expected } = vector;
  const prm = input.protected_resource_metadata;
  const as = input.authorization_server_metadata;
  const login = input.login;
  assert.ok(
    prm && as && login && input.token_response,
    'a request vector has metadata, login and token response',
  );

  // Config, resolved for the discovered issuer (the provider profile is detected from it when not configured).
  const config = parseConfig(input.config_toml, { path: 'config.toml' });
  const resolved = resolveServer(config, input.server_name, { issuer: as.issuer });
  const { oauth, server } = resolved;
  assert.ok(oauth && server.transport === 'streamable_http', 'a streamable HTTP server');
  const serverUrl = server.url;
  assert.equal(oauth.provider.id, expected.provider, 'provider profile');

  // The authorization request.
  const resource = resolveResource(oauth.resource.value, prm.resource);
  assert.equal(resource ?? null, expected.resource, 'resource');
  const scopes = selectScopes({
    configured: oauth.scopes.value,
    challenged: splitScope(input.challenge_scope ?? undefined),
    prmScopesSupported: prm.scopes_supported,
    asScopesSupported: as.scopes_supported,
    scopeHints: oauth.scopeHints.value,
  });
  assert.deepEqual(scopes, expected.scopes, 'scopes');
  const clientId = oauth.clientId.value;
  assert.ok(clientId, 'vectors use a pre-registered client_id');
  const url = buildAuthorizationUrl({
    authorizationEndpoint: as.authorization_endpoint,
    clientId,
    redirectUri: login.redirect_uri,
    codeChallenge: computeCodeChallenge(login.code_verifier),
    state: login.state,
    scopes,
    resource,
    extraParams: extraAuthorizeParamsFor(oauth, resource === undefined ? {} : { resource }),
  });
  const authorize = expected.authorization_request;
  assert.ok(authorize);
  assert.equal(`${url.origin}${url.pathname}`, authorize.endpoint, 'authorization endpoint');
  assert.deepEqual([...url.searchParams], authorize.params, 'authorization request parameters, in order');

  // The code exchange and the refresh, as sent on the wire.
  const secretVar = oauth.clientSecretEnvVar.value;
  const clientSecret = secretVar === undefined ? undefined : input.env?.[secretVar];
  const headers = Object.fromEntries(
    Object.entries(oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
  );
  const { agent, requests } = tokenEndpointMock(as.token_endpoint, [input.token_response, REFRESH_RESPONSE]);
  const http = createHttpClient({ dispatcher: agent });
  try {
    const sentAt = Date.now();
    const response = await authorizationCodeGrantRequest(
      http,
      as,
      { clientId, clientSecret },
      { code: login.code, codeVerifier: login.code_verifier, redirectUri: login.redirect_uri },
      { resource, extraParams: extraTokenParamsFor(oauth), headers },
    );
    assert.ok(expected.token_request);
    assertRequest(requests[0], expected.token_request, 'token request');
    const tokens = processTokenResponse(as, response, {
      resource,
      requestedScopes: scopes,
      now: () => sentAt,
    });

    const record: CredentialRecord = {
      version: 1,
      server_name: input.server_name,
      server_url: serverUrl,
      issuer: as.issuer,
      resource: tokens.resource ?? null,
      access_token: tokens.access_token,
      token_type: tokens.token_type,
      expires_at: tokens.expires_at,
      refresh_token: tokens.refresh_token ?? null,
      scopes: tokens.scopes,
      client: {
        client_id: clientId,
        registration: 'pre_registered',
        client_secret: null,
        client_secret_expires_at: null,
      },
      reacquire: null,
      needs_login: null,
      updated_at: sentAt,
    };
    const grant = createRefreshGrant({
      http,
      authorizationServer: as,
      clientSecret,
      sendScope: oauth.sendScopeOnRefresh.value,
      extraTokenParams: extraTokenParamsFor(oauth),
      headers,
    });
    await grant(record, AbortSignal.timeout(10_000));
    assert.ok(expected.refresh_request);
    assertRequest(requests[1], expected.refresh_request, 'refresh request');
    assert.equal(requests.length, 2, 'one code exchange, one refresh');
  } finally {
    await agent.close();
  }
}

for (const { vector } of vectors) {
  test(`vector ${vector.name}`, async () => {
    if (vector.expected.error) expectConfigError(vector);
    else await runVector(vector);
  });
}
