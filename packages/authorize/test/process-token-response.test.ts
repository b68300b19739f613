import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { HttpResponse } from '@mcp-oauth/http';
import {
  type AuthorizeErrorCode,
  expiresInSeconds,
  MAX_EXPIRES_IN_SECONDS,
  MAX_TOKEN_LENGTH,
  processTokenResponse,
} from '../src/index.js';
import { AS, JSON_HEADERS, type Mock, mock, throwsWith } from './helpers/mock.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const ACCESS = 'AT-very-secret-access-token';
const REFRESH = 'RT-very-secret-refresh-token';

describe('processTokenResponse', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  async function answer(status: number, body: unknown, headers: Record<string, string> = JSON_HEADERS) {
    m.reply('POST', '/token', status, body, headers);
    return m.http.request(`${AS}/token`, { method: 'POST' });
  }
  const process = (res: HttpResponse, requestedScopes?: string[]) =>
    processTokenResponse({ issuer: AS }, res, {
      now: () => NOW,
      resource: 'https://mcp.example.com',
      requestedScopes,
    });

  test('a complete JSON answer: absolute expires_at, granted scopes, issuer, resource', async () => {
    const res = await answer(200, {
      access_token: ACCESS,
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: REFRESH,
      scope: 'mcp:tools offline_access',
      id_token: 'h.p.s',
    });
    assert.deepEqual(process(res, ['ignored']), {
      access_token: ACCESS,
      token_type: 'Bearer',
      expires_at: NOW + 3_600_000,
      refresh_token: REFRESH,
      scopes: ['mcp:tools', 'offline_access'],
      issuer: AS,
      resource: 'https://mcp.example.com',
      id_token: 'h.p.s',
    });
  });

  test('minimal answer: no expiry (null), no refresh token, scopes = the requested ones', async () => {
    const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer' });
    const set = process(res, ['a', 'b']);
    assert.equal(set.expires_at, null);
    assert.equal('refresh_token' in set, false);
    assert.deepEqual(set.scopes, ['a', 'b']);
  });

  test('no resource sent: none recorded', async () => {
    const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer' });
    assert.equal('resource' in processTokenResponse({ issuer: AS }, res), false);
  });

  test('GitHub: a form-encoded success answer', async () => {
    const res = await answer(
      200,
      `access_token=${ACCESS}&expires_in=28800&refresh_token=${REFRESH}&refresh_token_expires_in=15897600&scope=&token_type=bearer`,
      FORM,
    );
    const set = process(res);
    assert.equal(set.access_token, ACCESS);
    assert.equal(set.refresh_token, REFRESH);
    assert.equal(set.expires_at, NOW + 28_800_000);
    assert.deepEqual(set.scopes, []);
  });

  test('GitHub: HTTP 200 carrying an error (form-encoded) is oauth_error', async () => {
    const res = await answer(
      200,
      'error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com',
      FORM,
    );
    const error = throwsWith(() => process(res), 'oauth_error');
    assert.equal(error.error, 'bad_verification_code');
    assert.equal(error.error_description, 'The code passed is incorrect or expired.');
    assert.equal(error.error_uri, 'https://docs.github.com');
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
  });

  for (const tokenType of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
    test(`token_type ${JSON.stringify(tokenType)} is accepted and normalised to Bearer`, async () => {
      const res = await answer(200, { access_token: ACCESS, token_type: tokenType });
      assert.equal(process(res).token_type, 'Bearer');
    });
  }

  const expiries: [unknown, number | null][] = [
    [3600, 3_600_000],
    ['3600', 3_600_000],
    [' 120 ', 120_000],
    [59.5, 59_500],
    ['3599.5', 3_599_500],
    [undefined, null],
    [null, null],
    ['never', null],
    ['1h', null],
    ['', null],
    ['-5', null],
    [0, null],
    [-5, null],
    [true, null],
    [{}, null],
  ];
  for (const [value, delta] of expiries) {
    test(`expires_in ${JSON.stringify(value)} → ${delta === null ? 'expiry unknown' : `now + ${delta} ms`}`, async () => {
      const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer', expires_in: value });
      assert.equal(process(res).expires_at, delta === null ? null : NOW + delta);
    });
  }

  test('expiresInSeconds: a huge value stays finite, Infinity does not', () => {
    assert.equal(expiresInSeconds(Number.POSITIVE_INFINITY), null);
    assert.equal(expiresInSeconds('1e3'), null, 'exponent notation is not a plain numeric string');
  });

  // Issue 17 defect 4: a 1e300 expires_in was stored and every later status died with "Invalid time value".
  for (const value of [1e300, `1${'0'.repeat(400)}`, MAX_EXPIRES_IN_SECONDS + 1]) {
    test(`expires_in above the 10-year cap (${String(value).slice(0, 12)}) is invalid_token_response naming it`, async () => {
      const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer', expires_in: value });
      const error = throwsWith(() => process(res), 'invalid_token_response');
      assert.match(error.message, /expires_in "[^"]*" is above the cap of 315360000 seconds/);
      assert.ok(error.message.length < 200, 'the untrusted value is cut short');
    });
  }

  test('expires_in exactly at the 10-year cap is accepted', async () => {
    const res = await answer(200, {
      access_token: ACCESS,
      token_type: 'Bearer',
      expires_in: MAX_EXPIRES_IN_SECONDS,
    });
    assert.equal(process(res).expires_at, NOW + MAX_EXPIRES_IN_SECONDS * 1000);
  });

  // Issue 17 defect 4: a token with CR/LF was stored and then every request's Authorization header threw.
  for (const [field, value] of [
    ['access_token', 'AT-secret\r\nX-Injected: 1'],
    ['access_token', 'AT secret'],
    ['access_token', 'AT-sécret'],
    ['access_token', '=AT'],
    ['refresh_token', 'RT-secret\nnext'],
    ['refresh_token', 'RT secret'],
  ] as const) {
    test(`${field} ${JSON.stringify(value).replace('secret', '…')} outside RFC 6750 b64token is invalid_token_response`, async () => {
      const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer', [field]: value });
      const error = throwsWith(() => process(res), 'invalid_token_response');
      assert.match(error.message, new RegExp(`${field} has characters outside RFC 6750 b64token`));
      assert.doesNotMatch(error.message, /secret/, 'the token value is never in the message');
    });
  }

  // Issue 17: a 900 KB access token was stored, then every MCP request failed with an empty 431.
  for (const [field, length] of [
    ['access_token', MAX_TOKEN_LENGTH + 1],
    ['access_token', 900 * 1024],
    ['refresh_token', MAX_TOKEN_LENGTH + 1],
  ] as const) {
    test(`a ${field} of ${length} characters is token_too_long, its length named, its value not`, async () => {
      const token = `secret${'a'.repeat(length - 6)}`;
      const res = await answer(200, { access_token: ACCESS, token_type: 'Bearer', [field]: token });
      const error = throwsWith(() => process(res), 'token_too_long');
      assert.equal(
        error.message,
        `The token endpoint issued ${field === 'access_token' ? 'an' : 'a'} ${field} of ${length} characters, above the cap of 16384 (16 KiB): no server ` +
          'accepts an HTTP header that large, so every request with it would fail. Nothing was stored. Tell the ' +
          "authorization server's operator (such a token usually carries too many claims, e.g. group memberships), " +
          'or request fewer scopes.',
      );
      assert.doesNotMatch(error.message, /secret/, 'the token value is never in the message');
    });
  }

  test('tokens of exactly MAX_TOKEN_LENGTH (16384) characters are accepted', async () => {
    assert.equal(MAX_TOKEN_LENGTH, 16384);
    const token = 'a'.repeat(MAX_TOKEN_LENGTH);
    const set = process(
      await answer(200, { access_token: token, token_type: 'Bearer', refresh_token: token }),
    );
    assert.equal(set.access_token.length, MAX_TOKEN_LENGTH);
    assert.equal(set.refresh_token?.length, MAX_TOKEN_LENGTH);
  });

  test('b64token edge cases are accepted: all allowed characters and trailing =', async () => {
    const token = 'Az09-._~+/abc==';
    const res = await answer(200, { access_token: token, token_type: 'Bearer', refresh_token: token });
    const set = process(res);
    assert.equal(set.access_token, token);
    assert.equal(set.refresh_token, token);
  });

  test('scope as a JSON array is accepted; an empty refresh_token counts as none', async () => {
    const res = await answer(200, {
      access_token: ACCESS,
      token_type: 'Bearer',
      scope: ['a', 'b a'],
      refresh_token: '',
    });
    const set = process(res);
    assert.deepEqual(set.scopes, ['a', 'b']);
    assert.equal('refresh_token' in set, false);
  });

  const oauthErrors: {
    status: number;
    body: object;
    headers?: Record<string, string>;
    retryable: boolean;
    after?: number;
  }[] = [
    {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'grant request is invalid' },
      retryable: false,
    },
    { status: 401, body: { error: 'invalid_client' }, retryable: false },
    { status: 400, body: { error: 'invalid_target' }, retryable: false },
    {
      status: 503,
      body: { error: 'temporarily_unavailable' },
      headers: { ...JSON_HEADERS, 'retry-after': '2' },
      retryable: true,
      after: 2000,
    },
    { status: 500, body: { error: 'server_error' }, retryable: true },
    { status: 429, body: { error: 'slow_down' }, retryable: true },
  ];
  for (const { status, body, headers, retryable, after } of oauthErrors) {
    test(`HTTP ${status} ${JSON.stringify(body)} is oauth_error (retryable: ${retryable})`, async () => {
      const res = await answer(status, body, headers);
      const error = throwsWith(() => process(res), 'oauth_error');
      assert.equal(error.status, status);
      assert.equal(error.error, (body as { error: string }).error);
      assert.equal(error.error_description, (body as { error_description?: string }).error_description);
      assert.equal(error.retryable, retryable);
      assert.equal(error.retryAfterMs, after);
      assert.match(error.message, new RegExp(`"${(body as { error: string }).error}"`));
    });
  }

  const unusable: {
    name: string;
    status: number;
    body: unknown;
    headers?: Record<string, string>;
    code: AuthorizeErrorCode;
    retryable?: boolean;
  }[] = [
    {
      name: '503 HTML page',
      status: 503,
      body: '<html>down</html>',
      headers: { 'content-type': 'text/html' },
      code: 'unexpected_status',
      retryable: true,
    },
    { name: '500 empty', status: 500, body: '', headers: {}, code: 'unexpected_status', retryable: true },
    {
      name: '404 text',
      status: 404,
      body: 'nope',
      headers: { 'content-type': 'text/plain' },
      code: 'unexpected_status',
      retryable: false,
    },
    {
      name: '400 JSON without error',
      status: 400,
      body: { message: 'bad' },
      code: 'unexpected_status',
      retryable: false,
    },
    {
      name: '200 HTML',
      status: 200,
      body: '<html></html>',
      headers: { 'content-type': 'text/html' },
      code: 'invalid_token_response',
    },
    { name: '200 JSON array', status: 200, body: [ACCESS], code: 'invalid_token_response' },
    { name: '200 invalid JSON', status: 200, body: '{"access_token":', code: 'invalid_token_response' },
    {
      name: '200 no access_token',
      status: 200,
      body: { token_type: 'Bearer' },
      code: 'invalid_token_response',
    },
    {
      name: '200 empty access_token',
      status: 200,
      body: { access_token: '', token_type: 'Bearer' },
      code: 'invalid_token_response',
    },
    {
      name: '200 no token_type',
      status: 200,
      body: { access_token: ACCESS },
      code: 'invalid_token_response',
    },
    {
      name: '200 token_type DPoP',
      status: 200,
      body: { access_token: ACCESS, token_type: 'DPoP' },
      code: 'invalid_token_response',
    },
    {
      name: '200 token_type mac',
      status: 200,
      body: { access_token: ACCESS, token_type: 'mac', refresh_token: REFRESH },
      code: 'invalid_token_response',
    },
    {
      name: '200 refresh_token a number',
      status: 200,
      body: { access_token: ACCESS, token_type: 'Bearer', refresh_token: 5 },
      code: 'invalid_token_response',
    },
    {
      name: '200 scope a number',
      status: 200,
      body: { access_token: ACCESS, token_type: 'Bearer', scope: 1 },
      code: 'invalid_token_response',
    },
  ];
  for (const { name, status, body, headers, code, retryable } of unusable) {
    test(`${name} is ${code}, and no token appears in the error`, async () => {
      const res = await answer(status, body, headers);
      const error = throwsWith(() => process(res), code);
      if (retryable !== undefined) assert.equal(error.retryable, retryable);
      const shown = `${error.message} ${JSON.stringify(error)}`;
      assert.ok(!shown.includes(ACCESS) && !shown.includes(REFRESH), shown);
    });
  }
});
