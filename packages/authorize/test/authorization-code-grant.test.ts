import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { exchangeAuthorizationCode, startAuthorization } from '../src/index.js';
import { AS, type Mock, mock, rejectsWith } from './helpers/mock.js';

const META = {
  issuer: AS,
  authorization_endpoint: `${AS}/authorize`,
  token_endpoint: `${AS}/token`,
  authorization_response_iss_parameter_supported: true,
};
const REDIRECT = 'http://127.0.0.1:8765/callback/srv';
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('exchangeAuthorizationCode', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  const start = () =>
    startAuthorization({
      as: META,
      clientId: 'c1',
      redirectUri: REDIRECT,
      scopes: ['mcp:tools'],
      resource: 'https://mcp.example.com',
    }).pending;
  const callback = (state: string, extra = '') =>
    `${REDIRECT}?code=the-code&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(AS)}${extra}`;

  test("sends the code with the login's verifier, redirect URI and resource; records the clock at sending", async () => {
    const pending = start();
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 });
    const set = await exchangeAuthorizationCode(
      m.http,
      META,
      { clientId: 'c1' },
      pending,
      callback(pending.state),
      {
        now: () => NOW,
        extraParams: { audience: 'x' },
      },
    );
    const body = new URLSearchParams(seen[0]?.body);
    assert.equal(body.get('code'), 'the-code');
    assert.equal(body.get('code_verifier'), pending.codeVerifier);
    assert.equal(body.get('redirect_uri'), REDIRECT);
    assert.deepEqual(body.getAll('resource'), ['https://mcp.example.com']);
    assert.equal(body.get('audience'), 'x');
    assert.equal(set.expires_at, NOW + 60_000);
    assert.deepEqual(set.scopes, ['mcp:tools']);
    assert.equal(set.resource, 'https://mcp.example.com');
    assert.equal(set.issuer, AS);
  });

  test('a callback that fails validation sends no token request', async () => {
    const pending = start();
    await rejectsWith(
      exchangeAuthorizationCode(m.http, META, { clientId: 'c1' }, pending, callback('forged')),
      'state_mismatch',
    );
    await rejectsWith(
      exchangeAuthorizationCode(
        m.http,
        META,
        { clientId: 'c1' },
        pending,
        `${REDIRECT}?code=x&state=${pending.state}`,
      ),
      'iss_missing',
    );
  });

  test('completing at another AS is issuer_mismatch; with another client, invalid_parameter', async () => {
    const pending = start();
    await rejectsWith(
      exchangeAuthorizationCode(
        m.http,
        { ...META, issuer: `${AS}/other` },
        { clientId: 'c1' },
        pending,
        callback(pending.state),
      ),
      'issuer_mismatch',
    );
    await rejectsWith(
      exchangeAuthorizationCode(m.http, META, { clientId: 'c2' }, pending, callback(pending.state)),
      'invalid_parameter',
    );
  });
});
