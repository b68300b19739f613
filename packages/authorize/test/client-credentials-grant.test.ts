// The client-credentials grant (RFC 6749 §4.4) and private_key_jwt client assertions (RFC 7523 §2.2) at the fetch
// boundary: what goes on the wire, what the assertion says (verified with jose against the public key), and each
// refusal with its code.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import {
  authenticateClient,
  buildClientAssertion,
  clientCredentialsGrantRequest,
  JWT_BEARER_ASSERTION_TYPE,
  processClientCredentialsResponse,
  requestClientCredentialsToken,
  selectClientAuthMethod,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const META = { issuer: AS, token_endpoint: `${AS}/token` };
const RESOURCE = 'https://mcp.example.com/mcp';
const NOW = Date.UTC(2026, 11, 3, 12);

async function es256() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { publicKey, key: { key: privateKey, alg: 'ES256', kid: 'k1' } };
}

describe('client-credentials grant', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('client_secret_basic: grant_type, scope, one resource in the body; the secret only in Authorization', async () => {
    const seen = m.reply('POST', '/token', 200, {
      access_token: 'at-1',
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: 'should-be-dropped',
    });
    const tokens = await requestClientCredentialsToken(
      m.http,
      META,
      { clientId: 'svc', clientSecret: 's3cret' },
      { scopes: ['mcp:tools', 'mcp:tools'], resource: RESOURCE, now: () => NOW },
    );
    const [req] = seen;
    assert.ok(req);
    assert.equal(
      req.body,
      `grant_type=client_credentials&scope=mcp%3Atools&resource=${encodeURIComponent(RESOURCE)}`,
    );
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('svc:s3cret').toString('base64')}`);
    assert.equal(tokens.access_token, 'at-1');
    assert.equal(tokens.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token is kept');
    assert.equal(tokens.expires_at, NOW + 600_000);
    assert.deepEqual(tokens.scopes, ['mcp:tools']);
    assert.equal(tokens.resource, RESOURCE);
  });

  test('client_secret_post when the AS lists only it; no scope parameter without scopes', async () => {
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'bearer' });
    await clientCredentialsGrantRequest(
      m.http,
      { ...META, token_endpoint_auth_methods_supported: ['client_secret_post'] },
      { clientId: 'svc', clientSecret: 's3cret' },
    );
    const body = new URLSearchParams(seen[0]?.body);
    assert.deepEqual([...body.keys()], ['grant_type', 'client_id', 'client_secret']);
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  test('private_key_jwt: a fresh assertion per request, iss = sub = client_id, aud = issuer, jti, exp ≤ 5 min', async () => {
    const { publicKey, key } = await es256();
    const as = {
      ...META,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256'],
    };
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'Bearer' });
    const seen2 = m.reply('POST', '/token', 200, { access_token: 'at2', token_type: 'Bearer' });
    await requestClientCredentialsToken(
      m.http,
      as,
      { clientId: 'svc', assertionKey: key },
      { resource: RESOURCE },
    );
    await requestClientCredentialsToken(
      m.http,
      as,
      { clientId: 'svc', assertionKey: key },
      { resource: RESOURCE },
    );
    const bodies = [seen[0], seen2[0]].map((r) => new URLSearchParams(r?.body));
    const jtis = new Set<unknown>();
    for (const body of bodies) {
      assert.equal(body.get('client_assertion_type'), JWT_BEARER_ASSERTION_TYPE);
      assert.equal(body.get('client_id'), 'svc');
      assert.equal(body.has('client_secret'), false);
      const assertion = body.get('client_assertion') ?? '';
      const { payload } = await jwtVerify(assertion, publicKey, {
        audience: AS,
        issuer: 'svc',
        subject: 'svc',
      });
      assert.equal(decodeProtectedHeader(assertion).kid, 'k1');
      assert.ok(typeof payload.jti === 'string' && payload.jti.length >= 32);
      assert.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 300);
      jtis.add(payload.jti);
    }
    assert.equal(jtis.size, 2, 'each assertion has its own jti');
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  test('invalid_client and unauthorized_client answers are oauth_error with the AS error kept', async () => {
    m.reply('POST', '/token', 401, { error: 'invalid_client', error_description: 'bad secret' });
    const e = await rejectsWith(
      requestClientCredentialsToken(m.http, META, { clientId: 'svc', clientSecret: 'wrong' }),
      'oauth_error',
    );
    assert.equal(e.error, 'invalid_client');
    assert.ok(!e.message.includes('wrong'));
    m.reply('POST', '/token', 400, { error: 'unauthorized_client' });
    const u = await rejectsWith(
      requestClientCredentialsToken(m.http, META, { clientId: 'svc', clientSecret: 'x' }),
      'oauth_error',
    );
    assert.equal(u.error, 'unauthorized_client');
  });

  test('a scope that is not a scope-token is refused before sending', async () => {
    await rejectsWith(
      clientCredentialsGrantRequest(
        m.http,
        META,
        { clientId: 'svc', clientSecret: 'x' },
        { scopes: ['a b'] },
      ),
      'invalid_parameter',
    );
  });

  test('processClientCredentialsResponse keeps the usual validation (no access_token: invalid_token_response)', async () => {
    m.reply('POST', '/token', 200, { token_type: 'Bearer' });
    const res = await clientCredentialsGrantRequest(m.http, META, { clientId: 'svc', clientSecret: 'x' });
    throwsWith(() => processClientCredentialsResponse(META, res), 'invalid_token_response');
  });
});

describe('client assertions', () => {
  test('a key whose algorithm the AS does not list: unsupported_signing_alg, nothing signed', async () => {
    const { key } = await es256();
    const e = await rejectsWith(
      buildClientAssertion(
        { issuer: AS, token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256'] },
        'svc',
        key,
      ),
      'unsupported_signing_alg',
    );
    assert.match(e.message, /RS256/);
  });

  test('none and HS256 are refused; a lifetime over 5 minutes too', async () => {
    const { key } = await es256();
    await rejectsWith(
      buildClientAssertion({ issuer: AS }, 'svc', { ...key, alg: 'none' }),
      'unsupported_signing_alg',
    );
    await rejectsWith(
      buildClientAssertion({ issuer: AS }, 'svc', { ...key, alg: 'HS256' }),
      'unsupported_signing_alg',
    );
    await rejectsWith(
      buildClientAssertion({ issuer: AS }, 'svc', key, { lifetimeSeconds: 301 }),
      'invalid_parameter',
    );
  });

  test('a key that cannot sign with the configured algorithm: invalid_parameter naming the setting', async () => {
    const { key } = await es256();
    const e = await rejectsWith(
      buildClientAssertion({ issuer: AS }, 'svc', { ...key, alg: 'RS256' }),
      'invalid_parameter',
    );
    assert.match(e.message, /client_assertion_alg/);
  });

  test('selectClientAuthMethod: a key means private_key_jwt, unless the AS lists other methods only', async () => {
    const { key } = await es256();
    assert.equal(
      selectClientAuthMethod({ issuer: AS }, { clientId: 'svc', assertionKey: key }),
      'private_key_jwt',
    );
    throwsWith(
      () =>
        selectClientAuthMethod(
          { issuer: AS, token_endpoint_auth_methods_supported: ['client_secret_basic'] },
          { clientId: 'svc', assertionKey: key },
        ),
      'unsupported_auth_method',
    );
  });

  test('authenticateClient signs with the AS clock given', async () => {
    const { publicKey, key } = await es256();
    const auth = await authenticateClient(
      { issuer: AS },
      { clientId: 'svc', assertionKey: key },
      { now: () => NOW },
    );
    const { payload } = await jwtVerify(auth.params.client_assertion ?? '', publicKey, {
      currentDate: new Date(NOW + 1000),
    });
    assert.equal(payload.iat, NOW / 1000);
    assert.equal(payload.exp, NOW / 1000 + 60);
    // exported JWKs of the key never appear in what is sent
    const jwk = await exportJWK(key.key);
    assert.ok(!Object.values(auth.params).some((v) => v.includes(String(jwk.d))));
  });
});
