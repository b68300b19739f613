// One test per spec MUST this package enforces, named after the rule. The detailed tables live next to each
// operation's own tests; these pin the rule itself.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  buildAuthorizationUrl,
  clientAuthentication,
  computeCodeChallenge,
  dynamicRegistrationMetadata,
  exchangeAuthorizationCode,
  memoryRegistrationCache,
  processTokenResponse,
  resolveClientRegistration,
  startAuthorization,
  validateAuthorizationResponse,
} from '../../src/index.js';
import { AS, type Mock, mock, throwsWith } from '../helpers/mock.js';

const META = {
  issuer: AS,
  authorization_endpoint: `${AS}/authorize?tenant=t1`,
  token_endpoint: `${AS}/token`,
  registration_endpoint: `${AS}/register`,
};
const REDIRECT = 'http://127.0.0.1:8765/callback/srv';
const RESOURCE = 'https://mcp.example.com';

describe('spec MUSTs', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('MCP authorization / RFC 7636: PKCE with S256 on every authorization request', () => {
    const { url, pending } = startAuthorization({ as: META, clientId: 'c', redirectUri: REDIRECT });
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('code_challenge'), computeCodeChallenge(pending.codeVerifier));
  });

  test('RFC 8707 §2 / MCP: resource on the authorization AND the token request, the same single value', async () => {
    const { url, pending } = startAuthorization({
      as: META,
      clientId: 'c',
      redirectUri: REDIRECT,
      resource: RESOURCE,
    });
    assert.deepEqual(url.searchParams.getAll('resource'), [RESOURCE]);
    const seen = m.reply('POST', '/token', 200, { access_token: 'a', token_type: 'Bearer' });
    await exchangeAuthorizationCode(
      m.http,
      META,
      { clientId: 'c' },
      pending,
      `${REDIRECT}?code=x&state=${pending.state}`,
    );
    assert.deepEqual(new URLSearchParams(seen[0]?.body).getAll('resource'), [RESOURCE]);
  });

  test('RFC 6749 §3.1: the endpoint query MUST be retained; parameters MUST NOT repeat', () => {
    const url = buildAuthorizationUrl({
      authorizationEndpoint: `${AS}/authorize?tenant=t1&state=old`,
      clientId: 'c',
      redirectUri: REDIRECT,
      codeChallenge: computeCodeChallenge('a'.repeat(43)),
      state: 'new',
    });
    assert.equal(url.searchParams.get('tenant'), 't1');
    assert.deepEqual(url.searchParams.getAll('state'), ['new']);
  });

  test('RFC 6749 §10.12: the callback state MUST match', () => {
    throwsWith(
      () => validateAuthorizationResponse('code=x&state=y', { state: 'z', issuer: AS }),
      'state_mismatch',
    );
  });

  test('RFC 9207 §2.4: an AS that promises iss MUST have it; a different iss MUST be rejected', () => {
    const expected = { state: 's', issuer: AS, issParameterSupported: true };
    throwsWith(() => validateAuthorizationResponse('code=x&state=s', expected), 'iss_missing');
    throwsWith(
      () => validateAuthorizationResponse(`code=x&state=s&iss=${encodeURIComponent(`${AS}/`)}`, expected),
      'iss_mismatch',
    );
  });

  test('RFC 6749 §2.3.1: Basic credentials MUST be form-urlencoded before base64', () => {
    const { headers } = clientAuthentication('client_secret_basic', { clientId: 'a:b', clientSecret: 'c d' });
    assert.equal(Buffer.from((headers.authorization ?? '').slice(6), 'base64').toString(), 'a%3Ab:c+d');
  });

  test('RFC 6749 §7.1: a token of a type the client does not understand MUST NOT be used', async () => {
    m.reply('POST', '/token', 200, { access_token: 'a', token_type: 'N_A' });
    const res = await m.http.request(`${AS}/token`, { method: 'POST' });
    throwsWith(() => processTokenResponse(META, res), 'invalid_token_response');
  });

  test('MCP client registration: DCR MUST send application_type (native for a loopback CLI)', () => {
    assert.equal(dynamicRegistrationMetadata({ redirectUris: [REDIRECT] }).application_type, 'native');
  });

  test('MCP client registration: registrations MUST be keyed by issuer and not reused with another AS', async () => {
    const cache = memoryRegistrationCache();
    m.reply('POST', '/register', 201, { client_id: 'one' });
    m.reply('POST', '/register', 201, { client_id: 'two' });
    const a = await resolveClientRegistration({ http: m.http, as: META, redirectUris: [REDIRECT], cache });
    const b = await resolveClientRegistration({
      http: m.http,
      as: { ...META, issuer: `${AS}/other` },
      redirectUris: [REDIRECT],
      cache,
    });
    assert.deepEqual([a.client_id, b.client_id], ['one', 'two']);
  });
});
