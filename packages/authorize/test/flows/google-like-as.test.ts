// Against the Google-like AS: a pre-registered Desktop client with a secret (basic and post), no DCR, and a refresh
// token only when the google profile's access_type=offline (and prompt=consent on a repeat login) is sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient } from '@mcp-oauth/http';
import {
  DEFAULT_GOOGLE_CLIENT,
  GMAIL_READONLY_SCOPE,
  type GoogleLikeAs,
  paramValues,
  startGoogleLikeAs,
} from '@mcp-oauth/testbed';
import {
  type AuthorizationServerMetadata,
  exchangeAuthorizationCode,
  mergeAuthorizeParams,
  registrationClient,
  resolveClientRegistration,
} from '../../src/index.js';
import { rejectsWith } from '../helpers/mock.js';
import { asMetadata, browserLogin, httpClient, REDIRECT_URI } from './support.js';

/** The google profile's parameters, as @mcp-oauth/config defines them. */
const GOOGLE_PROFILE = { access_type: 'offline', prompt: 'consent' };
const { client_id: CLIENT_ID, client_secret: CLIENT_SECRET } = DEFAULT_GOOGLE_CLIENT;

describe('Google-like AS', () => {
  let as: GoogleLikeAs;
  let http: HttpClient;
  let meta: AuthorizationServerMetadata;

  before(async () => {
    as = await startGoogleLikeAs();
    http = httpClient();
    meta = await asMetadata(http, `${as.issuer}/.well-known/openid-configuration`);
  });
  after(async () => {
    await http.close();
    await as.close();
  });

  const preRegistered = (authMethod?: 'client_secret_basic' | 'client_secret_post') =>
    resolveClientRegistration({
      http,
      as: meta,
      redirectUris: [REDIRECT_URI],
      preRegistered: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, authMethod },
    });

  test('no DCR and no CIMD: without a client id, registration_unavailable names the config to add', async () => {
    const error = await rejectsWith(
      resolveClientRegistration({ http, as: meta, redirectUris: [REDIRECT_URI] }),
      'registration_unavailable',
    );
    assert.match(error.message, /oauth\.client_id/);
    assert.equal(as.log.count({ endpoint: 'register' }), 0);
  });

  test('the AS lists post and basic: a pre-registered secret uses client_secret_basic', async () => {
    assert.equal((await preRegistered()).token_endpoint_auth_method, 'client_secret_basic');
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    test(`${method} with the google profile params: a refresh token is issued`, async () => {
      const client = registrationClient(await preRegistered(method));
      const extraParams = mergeAuthorizeParams({ profileParams: GOOGLE_PROFILE });
      const { url, pending, callback } = await browserLogin(
        meta,
        client,
        { scopes: [GMAIL_READONLY_SCOPE], extraParams },
        { login: `${method}@example.test` },
      );
      assert.equal(url.searchParams.get('access_type'), 'offline');
      assert.equal(url.searchParams.get('prompt'), 'consent');
      const mark = as.log.mark();
      const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
      assert.ok(tokens.refresh_token, 'access_type=offline gives a refresh token');
      assert.deepEqual(tokens.scopes, [GMAIL_READONLY_SCOPE]);
      const [entry] = as.log.entries({ endpoint: 'token', after: mark });
      assert.ok(entry);
      assert.equal(entry.status, 200);
      if (method === 'client_secret_basic') {
        assert.match(entry.headers.authorization ?? '', /^Basic /);
        assert.deepEqual(paramValues(entry, 'client_secret'), []);
      } else {
        assert.deepEqual(paramValues(entry, 'client_secret'), [CLIENT_SECRET]);
        assert.deepEqual(paramValues(entry, 'client_id'), [CLIENT_ID]);
      }
    });
  }

  test('without the profile params there is no refresh token (why Google sessions died after an hour)', async () => {
    const client = registrationClient(await preRegistered());
    const { pending, callback } = await browserLogin(
      meta,
      client,
      { scopes: [GMAIL_READONLY_SCOPE] },
      { login: 'no-profile@example.test' },
    );
    const tokens = await exchangeAuthorizationCode(http, meta, client, pending, callback);
    assert.equal(tokens.refresh_token, undefined);
    assert.ok(tokens.expires_at !== null);
  });

  test('a repeat login: config prompt=select_account overriding the profile loses the refresh token; the profile keeps it', async () => {
    const client = registrationClient(await preRegistered());
    const login = { login: 'repeat@example.test' };
    const exchange = async (configParams?: Record<string, string>) => {
      const extraParams = mergeAuthorizeParams({ profileParams: GOOGLE_PROFILE, configParams });
      const { pending, callback } = await browserLogin(
        meta,
        client,
        { scopes: [GMAIL_READONLY_SCOPE], extraParams },
        login,
      );
      return exchangeAuthorizationCode(http, meta, client, pending, callback);
    };
    assert.ok((await exchange()).refresh_token, 'first consent');
    assert.equal(
      (await exchange({ prompt: 'select_account' })).refresh_token,
      undefined,
      'repeat without consent',
    );
    assert.ok((await exchange()).refresh_token, 'repeat with prompt=consent');
  });

  test('a wrong client secret at the code exchange is oauth_error invalid_client (401)', async () => {
    const reg = await resolveClientRegistration({
      http,
      as: meta,
      redirectUris: [REDIRECT_URI],
      preRegistered: { clientId: CLIENT_ID, clientSecret: 'not-the-secret' },
    });
    const client = registrationClient(reg);
    const { pending, callback } = await browserLogin(meta, client, { scopes: [GMAIL_READONLY_SCOPE] });
    const error = await rejectsWith(
      exchangeAuthorizationCode(http, meta, client, pending, callback),
      'oauth_error',
    );
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.status, 401);
    assert.ok(!error.message.includes('not-the-secret'));
  });
});
