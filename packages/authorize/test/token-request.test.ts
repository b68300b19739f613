import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHttpError } from '@mcp-oauth/http';
import {
  authorizationCodeGrantRequest,
  clientAuthentication,
  RESERVED_TOKEN_PARAMS,
  selectClientAuthMethod,
  tokenEndpointRequest,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const META = { issuer: AS, token_endpoint: `${AS}/token` };
const VERIFIER = 'v'.repeat(43);
const GRANT = { code: 'the-code', codeVerifier: VERIFIER, redirectUri: 'http://127.0.0.1:8765/callback/x' };
const OK = { access_token: 'at', token_type: 'Bearer' };

describe('tokenEndpointRequest at the fetch boundary', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('public client (none): the body in its documented order, client_id in the body, no Authorization', async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    const res = await authorizationCodeGrantRequest(m.http, META, { clientId: 'id-1' }, GRANT, {
      resource: 'https://mcp.example.com',
      extraParams: { zz: '2', aa: '1' },
    });
    assert.equal(res.status, 200);
    const [req] = seen;
    assert.ok(req);
    assert.equal(
      req.body,
      'grant_type=authorization_code&code=the-code&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback%2Fx' +
        `&code_verifier=${VERIFIER}&resource=https%3A%2F%2Fmcp.example.com&client_id=id-1&aa=1&zz=2`,
    );
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers.accept, 'application/json');
    assert.equal(req.headers.authorization, undefined);
  });

  test('no resource: no resource parameter', async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    await authorizationCodeGrantRequest(m.http, META, { clientId: 'id-1' }, GRANT);
    assert.equal(new URLSearchParams(seen[0]?.body).has('resource'), false);
  });

  test('client_secret_post: client_id and client_secret in the body', async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    await tokenEndpointRequest(
      m.http,
      { ...META, token_endpoint_auth_methods_supported: ['client_secret_post'] },
      { clientId: 'id-1', clientSecret: 's3cret' },
      'refresh_token',
      { refresh_token: 'rt' },
    );
    const body = new URLSearchParams(seen[0]?.body);
    assert.deepEqual(
      [...body],
      [
        ['grant_type', 'refresh_token'],
        ['refresh_token', 'rt'],
        ['client_id', 'id-1'],
        ['client_secret', 's3cret'],
      ],
    );
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  test('client_secret_basic: form-urlencoded id and secret in HTTP Basic (RFC 6749 §2.3.1), nothing in the body', async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    const client = { clientId: 'app id:1', clientSecret: 'p@ss w%rd:é+' };
    await tokenEndpointRequest(
      m.http,
      META,
      client,
      'refresh_token',
      { refresh_token: 'rt' },
      {
        headers: { authorization: 'Bearer must-be-replaced', accept: 'application/json' },
      },
    );
    const header = seen[0]?.headers.authorization ?? '';
    assert.match(header, /^Basic /);
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    assert.equal(decoded, 'app+id%3A1:p%40ss+w%25rd%3A%C3%A9%2B');
    const [id, secret] = decoded.split(':').map((part) => new URLSearchParams(`v=${part}`).get('v'));
    assert.deepEqual([id, secret], [client.clientId, client.clientSecret]);
    assert.deepEqual(
      [...new URLSearchParams(seen[0]?.body)].map(([k]) => k),
      ['grant_type', 'refresh_token'],
    );
  });

  test("extra headers (a profile's Accept) are sent", async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    await tokenEndpointRequest(
      m.http,
      META,
      { clientId: 'c' },
      'refresh_token',
      { refresh_token: 'r' },
      {
        headers: { 'x-extra': '1' },
      },
    );
    assert.equal(seen[0]?.headers['x-extra'], '1');
  });

  for (const key of RESERVED_TOKEN_PARAMS) {
    test(`extra token parameter ${key} is reserved_param; nothing is sent`, async () => {
      const error = await rejectsWith(
        tokenEndpointRequest(
          m.http,
          META,
          { clientId: 'c' },
          'refresh_token',
          { refresh_token: 'r' },
          {
            extraParams: { [key]: 'x' } as Record<string, string>,
          },
        ),
        'reserved_param',
      );
      assert.equal(error.param, key);
    });
  }

  test('a grant parameter that would repeat a name is invalid_parameter', async () => {
    await rejectsWith(
      tokenEndpointRequest(m.http, META, { clientId: 'c' }, 'refresh_token', { client_id: 'other' }),
      'invalid_parameter',
    );
  });

  test('a malformed verifier is refused before sending', async () => {
    await rejectsWith(
      authorizationCodeGrantRequest(m.http, META, { clientId: 'c' }, { ...GRANT, codeVerifier: 'short' }),
      'invalid_parameter',
    );
  });

  test('an empty code is code_missing', async () => {
    await rejectsWith(
      authorizationCodeGrantRequest(m.http, META, { clientId: 'c' }, { ...GRANT, code: '' }),
      'code_missing',
    );
  });

  test('transport failures stay HttpErrors: a redirect from the token endpoint is never followed', async () => {
    m.reply('POST', '/token', 307, '', { location: `${AS}/elsewhere` });
    await assert.rejects(
      tokenEndpointRequest(m.http, META, { clientId: 'c' }, 'refresh_token', { refresh_token: 'r' }),
      (e: unknown) => isHttpError(e, 'redirect_not_allowed'),
    );
  });
});

describe('selectClientAuthMethod', () => {
  const cases: {
    name: string;
    supported?: string[];
    secret?: string;
    explicit?: 'none' | 'client_secret_post' | 'client_secret_basic';
    expected: string;
  }[] = [
    { name: 'no secret: none', supported: ['client_secret_basic'], expected: 'none' },
    {
      name: 'secret, AS lists nothing: basic (RFC 8414 default)',
      secret: 's',
      expected: 'client_secret_basic',
    },
    {
      name: 'secret, AS lists post and basic: basic',
      supported: ['client_secret_post', 'client_secret_basic'],
      secret: 's',
      expected: 'client_secret_basic',
    },
    {
      name: 'secret, AS lists post only: post',
      supported: ['client_secret_post', 'none'],
      secret: 's',
      expected: 'client_secret_post',
    },
    {
      name: 'an explicit method wins',
      supported: ['client_secret_basic'],
      secret: 's',
      explicit: 'client_secret_post',
      expected: 'client_secret_post',
    },
  ];
  for (const { name, supported, secret, explicit, expected } of cases) {
    test(name, () => {
      assert.equal(
        selectClientAuthMethod(
          { issuer: AS, token_endpoint_auth_methods_supported: supported },
          { clientId: 'c', clientSecret: secret, authMethod: explicit },
        ),
        expected,
      );
    });
  }

  test('secret, AS lists only private_key_jwt: unsupported_auth_method', () => {
    throwsWith(
      () =>
        selectClientAuthMethod(
          { issuer: AS, token_endpoint_auth_methods_supported: ['private_key_jwt'] },
          { clientId: 'c', clientSecret: 's' },
        ),
      'unsupported_auth_method',
    );
  });

  test('a secret method without a secret is invalid_parameter', () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      assert.equal(
        throwsWith(() => clientAuthentication(method, { clientId: 'c' }), 'invalid_parameter').param,
        'clientSecret',
      );
    }
  });
});
