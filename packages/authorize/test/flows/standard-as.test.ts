// Registration, code exchange and callback validation against the testbed's standard AS (oidc-provider).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient } from '@mcp-oauth/http';
import { paramValues, type StandardAs, startStandardAs } from '@mcp-oauth/testbed';
import {
  type AuthorizationServerMetadata,
  exchangeAuthorizationCode,
  memoryRegistrationCache,
  processTokenResponse,
  registrationClient,
  resolveClientRegistration,
  shouldReregister,
  tokenEndpointRequest,
} from '../../src/index.js';
import { rejectsWith } from '../helpers/mock.js';
import { asMetadata, browserLogin, httpClient, REDIRECT_URI } from './support.js';

const RESOURCE = 'http://127.0.0.1:9/mcp';

describe('standard AS: DCR, code exchange, refresh plumbing', () => {
  let as: StandardAs;
  let http: HttpClient;
  let meta: AuthorizationServerMetadata;
  const cache = memoryRegistrationCache();

  before(async () => {
    as = await startStandardAs({ issuerPath: '/tenant1' });
    http = httpClient();
    meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
  });
  after(async () => {
    await http.close();
    await as.close();
  });

  const register = () => resolveClientRegistration({ http, as: meta, redirectUris: [REDIRECT_URI], cache });

  test('DCR registers a native public client the AS accepts (RFC 7591), bound to the issuer', async () => {
    const mark = as.log.mark();
    const reg = await register();
    assert.equal(reg.registration, 'dynamic');
    assert.equal(reg.issuer, as.issuer);
    assert.equal(reg.token_endpoint_auth_method, 'none');
    assert.equal(reg.client_secret, null);
    const [entry] = as.log.entries({ endpoint: 'register', after: mark });
    assert.ok(entry);
    assert.equal(entry.status, 201);
    assert.deepEqual(paramValues(entry, 'application_type'), ['native']);
    assert.deepEqual(paramValues(entry, 'grant_types'), ['authorization_code', 'refresh_token']);
    assert.deepEqual(paramValues(entry, 'token_endpoint_auth_method'), ['none']);
  });

  test('login and exchange: Bearer token, refresh token, absolute expiry, issuer and resource, RFC 9207 iss checked', async () => {
    const client = registrationClient(await register());
    const { pending, callback } = await browserLogin(meta, client, {
      scopes: ['mcp:tools'],
      resource: RESOURCE,
    });
    assert.equal(new URL(callback).searchParams.get('iss'), as.issuer);
    const before = Date.now();
    const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(
      tokens.refresh_token,
      'oidc-provider issues a refresh token to a client with the refresh grant',
    );
    assert.ok(tokens.expires_at !== null && tokens.expires_at >= before + 3_600_000);
    assert.ok(tokens.expires_at <= Date.now() + 3_600_000);
    assert.deepEqual(tokens.scopes, ['mcp:tools']);
    assert.equal(tokens.issuer, as.issuer);
    assert.equal(tokens.resource, RESOURCE);
  });

  test('a new loopback port reuses the registration and the AS accepts it (RFC 8252 §7.3)', async () => {
    const redirectUri = 'http://127.0.0.1:50123/callback/authorize-test';
    const mark = as.log.mark();
    const reg = await resolveClientRegistration({ http, as: meta, redirectUris: [redirectUri], cache });
    assert.equal(as.log.count({ endpoint: 'register', after: mark }), 0, 'no new registration');
    const client = registrationClient(reg);
    const { pending, callback } = await browserLogin(meta, client, { scopes: ['mcp:tools'], redirectUri });
    assert.ok(callback.startsWith(redirectUri), 'the AS redirected to the new port');
    const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
    assert.ok(tokens.access_token);
  });

  test('a forged iss in the callback is iss_mismatch, and no token request is made', async () => {
    const client = registrationClient(await register());
    const { pending, callback } = await browserLogin(meta, client, { scopes: ['mcp:tools'] });
    const forged = new URL(callback);
    forged.searchParams.set('iss', `${as.issuer}/`);
    const mark = as.log.mark();
    await rejectsWith(exchangeAuthorizationCode(http, meta, client, pending, forged), 'iss_mismatch');
    assert.equal(as.log.count({ endpoint: 'token', after: mark }), 0);
  });

  test('the user denies consent: authorization_denied, no token request', async () => {
    const client = registrationClient(await register());
    const { pending, callback } = await browserLogin(
      meta,
      client,
      { scopes: ['mcp:tools'] },
      { decision: 'deny' },
    );
    const mark = as.log.mark();
    const error = await rejectsWith(
      exchangeAuthorizationCode(http, meta, client, pending, callback),
      'authorization_denied',
    );
    assert.equal(error.error, 'access_denied');
    assert.equal(as.log.count({ endpoint: 'token', after: mark }), 0);
  });

  test('a code exchanged twice: the second answer is oauth_error invalid_grant', async () => {
    const client = registrationClient(await register());
    const { pending, callback } = await browserLogin(meta, client, { scopes: ['mcp:tools'] });
    await exchangeAuthorizationCode(http, meta, client, pending, callback);
    const error = await rejectsWith(
      exchangeAuthorizationCode(http, meta, client, pending, callback),
      'oauth_error',
    );
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
  });

  test('refresh through the same plumbing: tokenEndpointRequest + processTokenResponse, rotation, same resource', async () => {
    const client = registrationClient(await register());
    const { pending, callback } = await browserLogin(meta, client, {
      scopes: ['mcp:tools'],
      resource: RESOURCE,
    });
    const first = await exchangeAuthorizationCode(http, meta, client, pending, callback);
    const mark = as.log.mark();
    const response = await tokenEndpointRequest(
      http,
      meta,
      client,
      'refresh_token',
      { refresh_token: first.refresh_token ?? '' },
      { resource: RESOURCE },
    );
    const second = processTokenResponse(meta, response, {
      resource: RESOURCE,
      requestedScopes: first.scopes,
    });
    assert.ok(second.refresh_token && second.refresh_token !== first.refresh_token, 'rotated');
    const [entry] = as.log.entries({ endpoint: 'token', after: mark });
    assert.ok(entry);
    assert.deepEqual(paramValues(entry, 'resource'), [RESOURCE]);
    assert.deepEqual(paramValues(entry, 'grant_type'), ['refresh_token']);
  });

  test('invalid_client for a registration the AS forgot: shouldReregister, then a fresh registration works', async () => {
    const stale = { ...(await register()), client_id: 'forgotten-client' };
    await cache.set(as.issuer, stale);
    const response = await tokenEndpointRequest(http, meta, registrationClient(stale), 'refresh_token', {
      refresh_token: 'whatever',
    });
    let failure: unknown;
    try {
      processTokenResponse(meta, response);
    } catch (error) {
      failure = error;
    }
    assert.ok(shouldReregister(failure, stale), String(failure));
    await cache.delete(as.issuer);
    const fresh = await register();
    assert.notEqual(fresh.client_id, 'forgotten-client');
    const client = registrationClient(fresh);
    const { pending, callback } = await browserLogin(meta, client, { scopes: ['mcp:tools'] });
    assert.ok((await exchangeAuthorizationCode(http, meta, client, pending, callback)).access_token);
  });
});

describe('standard AS: pre-registered confidential clients', () => {
  let as: StandardAs;
  let http: HttpClient;
  let meta: AuthorizationServerMetadata;
  const secret = 'standard-as-test-secret';

  before(async () => {
    as = await startStandardAs({
      clients: (['client_secret_basic', 'client_secret_post'] as const).map((method) => ({
        client_id: `pre-${method}`,
        client_secret: secret,
        token_endpoint_auth_method: method,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      })),
    });
    http = httpClient();
    meta = await asMetadata(http, as.metadataUrl('oauth-path-inserted'));
  });
  after(async () => {
    await http.close();
    await as.close();
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    test(`${method}: the exchange authenticates as the AS expects`, async () => {
      const reg = await resolveClientRegistration({
        http,
        as: meta,
        redirectUris: [REDIRECT_URI],
        preRegistered: { clientId: `pre-${method}`, clientSecret: secret, authMethod: method },
      });
      const client = registrationClient(reg);
      const { pending, callback } = await browserLogin(meta, client, {
        scopes: ['mcp:tools'],
        resource: RESOURCE,
      });
      const mark = as.log.mark();
      const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
      assert.ok(tokens.access_token);
      const [entry] = as.log.entries({ endpoint: 'token', after: mark });
      assert.ok(entry);
      if (method === 'client_secret_basic') {
        assert.match(entry.headers.authorization ?? '', /^Basic /);
        assert.deepEqual(paramValues(entry, 'client_secret'), []);
      } else {
        assert.equal(entry.headers.authorization, undefined);
        assert.deepEqual(paramValues(entry, 'client_secret'), [secret]);
      }
    });
  }

  test('a wrong secret is oauth_error invalid_client, and the secret is not in the error', async () => {
    const client = {
      clientId: 'pre-client_secret_post',
      clientSecret: 'wrong-secret-value',
      authMethod: 'client_secret_post' as const,
    };
    const response = await tokenEndpointRequest(http, meta, client, 'refresh_token', { refresh_token: 'x' });
    const error = await rejectsWith(async () => processTokenResponse(meta, response), 'oauth_error');
    assert.equal(error.error, 'invalid_client');
    assert.ok(!`${error.message}${JSON.stringify(error)}`.includes('wrong-secret-value'));
  });
});
