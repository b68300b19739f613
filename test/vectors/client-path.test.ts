// The same vectors through the shipped client instead of the single steps: McpOAuthClient.login (probe, discovery,
// pre-registered client, authorization URL, loopback callback, code exchange, store) and a refresh by its
// refresher, with the vector's metadata served by an undici MockAgent. Only the values a real login draws itself
// (the loopback redirect URI, state, PKCE challenge and verifier) differ from the vector; they are checked for shape
// and consistency instead. This guards against the client composing the steps differently from
// test/vectors/vectors.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { type LoginUserAgent, McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { createHttpClient } from '@mcp-oauth/http';
import { MemoryStore } from '@mcp-oauth/token-store';
import {
  assertHeaders,
  loadVectors,
  type Pairs,
  REFRESH_RESPONSE,
  tokenEndpointMock,
  type Vector,
} from './support/vector.js';

/** Parameters whose values a real login generates: compared for shape, not value. */
const DRAWN = new Set(['redirect_uri', 'state', 'code_challenge', 'code_verifier']);
const without = (pairs: Pairs | undefined) => (pairs ?? []).filter(([name]) => !DRAWN.has(name));
const valuesOf = (pairs: Pairs, name: string) => pairs.filter(([n]) => n === name).map(([, v]) => v);

async function runThroughClient(vector: Vector): Promise<void> {
  const { input, expected } = vector;
  const prm = input.protected_resource_metadata;
  const as = input.authorization_server_metadata;
  const login = input.login;
  assert.ok(prm && as && login && input.token_response);
  const config = parseConfig(input.config_toml, { path: 'config.toml' });
  const server = config.servers.find((s) => s.name === input.server_name);
  assert.ok(server?.transport === 'streamable_http');

  const { agent, requests } = tokenEndpointMock(as.token_endpoint, [input.token_response, REFRESH_RESPONSE]);
  // The MCP server answers 401 with resource_metadata (and the vector's scope), the PRM is served there, and the
  // AS metadata at whichever well-known URL of the issuer is asked for first.
  const serverUrl = new URL(server.url);
  const prmUrl = `${serverUrl.origin}/.well-known/oauth-protected-resource${serverUrl.pathname === '/' ? '' : serverUrl.pathname}`;
  const challenge =
    `Bearer resource_metadata="${prmUrl}"` +
    (input.challenge_scope ? `, scope="${input.challenge_scope}"` : '');
  const json = { headers: { 'content-type': 'application/json' } };
  agent
    .get(serverUrl.origin)
    .intercept({ path: serverUrl.pathname, method: 'POST' })
    .reply(401, 'unauthorized', { headers: { 'www-authenticate': challenge } })
    .persist();
  agent
    .get(serverUrl.origin)
    .intercept({ path: new URL(prmUrl).pathname, method: 'GET' })
    .reply(200, JSON.stringify(prm), json)
    .persist();
  agent
    .get(new URL(as.issuer).origin)
    .intercept({ path: (path: string) => path.includes('/.well-known/'), method: 'GET' })
    .reply(200, JSON.stringify(as), json)
    .persist();

  let authorizationUrl: URL | undefined;
  const userAgent: LoginUserAgent = async (url, context) => {
    authorizationUrl = url;
    const callback = new URL(context.redirectUri);
    callback.searchParams.set('code', login.code);
    callback.searchParams.set('state', url.searchParams.get('state') ?? '');
    if (as.authorization_response_iss_parameter_supported === true)
      callback.searchParams.set('iss', as.issuer);
    context.deliver(callback);
  };
  const client = new McpOAuthClient({
    config,
    store: new MemoryStore(),
    http: createHttpClient({ dispatcher: agent }),
    env: input.env ?? {},
  });
  try {
    const result = await client.login(input.server_name, { userAgent, timeoutMs: 10_000 });
    assert.equal(result.provider.id, expected.provider, 'provider profile');
    assert.equal(result.resource, expected.resource, 'resource recorded with the credential');

    // The authorization request: every parameter as in the vector, the drawn ones well formed and single.
    assert.ok(authorizationUrl && expected.authorization_request?.params);
    const sent: Pairs = [...authorizationUrl.searchParams];
    assert.equal(
      `${authorizationUrl.origin}${authorizationUrl.pathname}`,
      expected.authorization_request.endpoint,
    );
    assert.deepEqual(
      without(sent),
      without(expected.authorization_request.params),
      'authorization parameters',
    );
    const [redirectUri, ...moreRedirects] = valuesOf(sent, 'redirect_uri');
    assert.match(redirectUri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback\/[A-Za-z0-9_-]+$/);
    assert.deepEqual(moreRedirects, []);
    assert.equal(valuesOf(sent, 'state').length, 1);
    const [challengeSent, ...moreChallenges] = valuesOf(sent, 'code_challenge');
    assert.deepEqual(moreChallenges, []);

    // The code exchange: as in the vector, with this login's redirect URI and the verifier of its challenge.
    const exchange = requests[0];
    assert.ok(exchange && expected.token_request?.body);
    assert.equal(exchange.url, expected.token_request.endpoint);
    assert.deepEqual(without(exchange.body), without(expected.token_request.body), 'token request body');
    assert.deepEqual(valuesOf(exchange.body, 'redirect_uri'), [redirectUri]);
    const [verifier] = valuesOf(exchange.body, 'code_verifier');
    assert.equal(
      createHash('sha256')
        .update(verifier ?? '')
        .digest('base64url'),
      challengeSent,
      'PKCE S256',
    );
    assertHeaders(exchange.headers, expected.token_request.headers ?? {}, 'token request');

    // The refresh, by the client's refresher after a 401 to the stored token: exactly the vector's request.
    await client.refresher.handleUnauthorized(result.key, String(input.token_response.access_token));
    const refresh = requests[1];
    assert.ok(refresh && expected.refresh_request?.body);
    assert.equal(refresh.url, expected.refresh_request.endpoint);
    assert.deepEqual(refresh.body, expected.refresh_request.body, 'refresh request body');
    assertHeaders(refresh.headers, expected.refresh_request.headers ?? {}, 'refresh request');
    assert.equal(requests.length, 2, 'one code exchange, one refresh');
  } finally {
    await client.close();
    await agent.close();
  }
}

for (const { vector } of loadVectors()) {
  if (vector.expected.error) continue; // config errors stop before any request: vectors.test.ts covers them
  test(`vector ${vector.name} through McpOAuthClient`, () => runThroughClient(vector));
}

// The Entra profile detected from the issuer (no `provider` in the config) applies during the discovery that finds
// that issuer: its metadata lacks code_challenge_methods_supported and is accepted, as with provider = "entra".
test('entra-profile without provider in the config: the profile detected from the issuer applies', async () => {
  const entra = loadVectors().find((v) => v.vector.name === 'entra-profile')?.vector;
  assert.ok(entra);
  const detected: Vector = {
    ...entra,
    input: { ...entra.input, config_toml: entra.input.config_toml.replace('provider = "entra"\n', '') },
  };
  assert.doesNotMatch(detected.input.config_toml, /provider/);
  await runThroughClient(detected);
});

test('entra-profile with allow_missing_pkce_metadata = false in the config: explicit config beats the profile', async () => {
  const entra = loadVectors().find((v) => v.vector.name === 'entra-profile')?.vector;
  assert.ok(entra);
  const refused: Vector = {
    ...entra,
    input: {
      ...entra.input,
      config_toml: entra.input.config_toml.replace(
        'provider = "entra"\n',
        'allow_missing_pkce_metadata = false\n',
      ),
    },
  };
  assert.match(refused.input.config_toml, /allow_missing_pkce_metadata = false/);
  await assert.rejects(runThroughClient(refused), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'pkce_s256_not_supported');
    assert.match(error.message, /allow_missing_pkce_metadata/);
    return true;
  });
});
