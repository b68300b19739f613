import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  DEVICE_CODE_GRANT_TYPE,
  deviceAuthorizationRequest,
  deviceCodeGrantRequest,
  processDeviceAuthorizationResponse,
  processDeviceCodeResponse,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const META = {
  issuer: AS,
  token_endpoint: `${AS}/token`,
  device_authorization_endpoint: `${AS}/device/code`,
};
const NOW = Date.parse('2026-03-01T12:00:00Z');
const DEVICE_OK = {
  device_code: 'dc-1',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://as.example.com/device',
  verification_uri_complete: 'https://as.example.com/device?user_code=WDJB-MJHT',
  expires_in: 1800,
  interval: 5,
};

describe('device authorization request (RFC 8628 §3.1)', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('public client: client_id, scope, exactly one resource, then extension params sorted', async () => {
    const seen = m.reply('POST', '/device/code', 200, DEVICE_OK);
    await deviceAuthorizationRequest(
      m.http,
      META,
      { clientId: 'cid' },
      {
        scopes: ['mcp:tools', 'mcp:tools', 'offline_access'],
        resource: 'https://mcp.example.com/mcp',
        extraParams: { zz: '2', audience: 'x' },
      },
    );
    const req = seen[0];
    assert.ok(req);
    assert.equal(
      req.body,
      'client_id=cid&scope=mcp%3Atools+offline_access&resource=https%3A%2F%2Fmcp.example.com%2Fmcp&audience=x&zz=2',
    );
    assert.equal(new URLSearchParams(req.body).getAll('resource').length, 1);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('confidential client: client_id in the body and Basic authentication (RFC 8628 §3.1 → RFC 6749 §3.2.1)', async () => {
    const seen = m.reply('POST', '/device/code', 200, DEVICE_OK);
    await deviceAuthorizationRequest(m.http, META, { clientId: 'cid', clientSecret: 's3cret' }, {});
    const req = seen[0];
    assert.equal(new URLSearchParams(req?.body).get('client_id'), 'cid');
    assert.equal(new URLSearchParams(req?.body).has('client_secret'), false);
    assert.match(req?.headers.authorization ?? '', /^Basic /);
  });

  test('no device_authorization_endpoint: device_flow_unsupported before any request', async () => {
    const { device_authorization_endpoint: _, ...without } = META;
    await rejectsWith(
      deviceAuthorizationRequest(m.http, without, { clientId: 'cid' }),
      'device_flow_unsupported',
    );
  });

  test('a reserved extension parameter (resource, scope, client_id) is refused', async () => {
    for (const key of ['resource', 'Scope', 'client_id']) {
      await rejectsWith(
        deviceAuthorizationRequest(
          m.http,
          META,
          { clientId: 'cid' },
          { extraParams: { [key]: 'x' } as never },
        ),
        'reserved_param',
      );
    }
  });
});

describe('processDeviceAuthorizationResponse (RFC 8628 §3.2)', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());
  async function answer(status: number, body: unknown) {
    m.reply('POST', '/device/code', status, body);
    const res = await m.http.postForm(`${AS}/device/code`, new URLSearchParams());
    return res;
  }

  test('a full answer: absolute expiry, the interval, the complete URI kept', async () => {
    const res = await answer(200, DEVICE_OK);
    assert.deepEqual(processDeviceAuthorizationResponse(res, { now: () => NOW }), {
      device_code: 'dc-1',
      user_code: 'WDJB-MJHT',
      verification_uri: 'https://as.example.com/device',
      verification_uri_complete: 'https://as.example.com/device?user_code=WDJB-MJHT',
      expires_at: NOW + 1_800_000,
      interval: 5,
    });
  });

  test('no interval: 5 seconds (RFC 8628 §3.2 MUST); Google spelling verification_url accepted', async () => {
    const res = await answer(200, {
      device_code: 'd',
      user_code: 'u',
      verification_url: 'https://www.google.com/device',
      expires_in: '1800',
    });
    const got = processDeviceAuthorizationResponse(res, { now: () => NOW });
    assert.equal(got.interval, 5);
    assert.equal(got.verification_uri, 'https://www.google.com/device');
    assert.equal(got.verification_uri_complete, undefined);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['no device_code', { ...DEVICE_OK, device_code: undefined }],
    ['empty user_code', { ...DEVICE_OK, user_code: '' }],
    ['a javascript: verification_uri', { ...DEVICE_OK, verification_uri: 'javascript:alert(1)' }],
    ['a file: verification_uri_complete', { ...DEVICE_OK, verification_uri_complete: 'file:///etc/passwd' }],
    ['no expires_in', { ...DEVICE_OK, expires_in: undefined }],
    ['a negative interval', { ...DEVICE_OK, interval: -1 }],
    ['an absurd expires_in', { ...DEVICE_OK, expires_in: 1e12 }],
  ];
  for (const [label, body] of bad) {
    test(`${label}: invalid_device_authorization_response, never echoing the device code`, async () => {
      const res = await answer(200, body);
      const error = throwsWith(
        () => processDeviceAuthorizationResponse(res),
        'invalid_device_authorization_response',
      );
      assert.doesNotMatch(error.message, /dc-1/);
    });
  }

  test('an OAuth error body: oauth_error with the error kept', async () => {
    const res = await answer(400, { error: 'invalid_client' });
    const error = throwsWith(() => processDeviceAuthorizationResponse(res), 'oauth_error');
    assert.equal(error.error, 'invalid_client');
  });

  test('an HTML 503: unexpected_status, retryable', async () => {
    const res = await answer(503, '<html>down</html>');
    assert.equal(
      throwsWith(() => processDeviceAuthorizationResponse(res), 'unexpected_status').retryable,
      true,
    );
  });
});

describe('device access token request and its errors (RFC 8628 §3.4, §3.5)', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('the grant type, the device code and the same resource go through the token request', async () => {
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'Bearer' });
    await deviceCodeGrantRequest(m.http, META, { clientId: 'cid' }, 'dc-1', {
      resource: 'https://mcp.example.com/mcp',
    });
    assert.equal(
      seen[0]?.body,
      `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT_TYPE)}&device_code=dc-1` +
        '&resource=https%3A%2F%2Fmcp.example.com%2Fmcp&client_id=cid',
    );
  });

  test('an empty device code is refused before any request', async () => {
    await rejectsWith(deviceCodeGrantRequest(m.http, META, { clientId: 'cid' }, ''), 'invalid_parameter');
  });

  const polling: [string, boolean][] = [
    ['authorization_pending', true],
    ['slow_down', true],
    ['access_denied', false],
    ['expired_token', false],
  ];
  for (const [error, retryable] of polling) {
    test(`${error}: its own code (retryable ${retryable}), the AS's error kept`, async () => {
      m.reply('POST', '/token', 400, { error, error_description: 'd' });
      const res = await deviceCodeGrantRequest(m.http, META, { clientId: 'cid' }, 'dc-1');
      const thrown = throwsWith(() => processDeviceCodeResponse(META, res), error as never);
      assert.equal(thrown.error, error);
      assert.equal(thrown.retryable, retryable);
    });
  }

  test('another error stays oauth_error; a success is a TokenSet with the resource', async () => {
    m.reply('POST', '/token', 400, { error: 'invalid_grant' });
    const res = await deviceCodeGrantRequest(m.http, META, { clientId: 'cid' }, 'dc-1');
    throwsWith(() => processDeviceCodeResponse(META, res), 'oauth_error');
    m.reply('POST', '/token', 200, {
      access_token: 'at',
      token_type: 'bearer',
      expires_in: 60,
      refresh_token: 'rt',
    });
    const ok = await deviceCodeGrantRequest(m.http, META, { clientId: 'cid' }, 'dc-1');
    const tokens = processDeviceCodeResponse(META, ok, { resource: 'https://r.example', now: () => NOW });
    assert.equal(tokens.refresh_token, 'rt');
    assert.equal(tokens.expires_at, NOW + 60_000);
    assert.equal(tokens.resource, 'https://r.example');
  });
});
