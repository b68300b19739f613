import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  ID_JAG_TOKEN_TYPE,
  ID_TOKEN_TYPE,
  processTokenExchangeResponse,
  tokenExchangeGrantRequest,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const META = { issuer: AS, token_endpoint: `${AS}/token` };
const GRANT = {
  subjectToken: 'id.token.value',
  subjectTokenType: ID_TOKEN_TYPE,
  requestedTokenType: ID_JAG_TOKEN_TYPE,
  audience: 'https://mcp-as.example.com',
  scopes: ['a', 'b'],
};
const OK = {
  access_token: 'jag.jwt.value',
  issued_token_type: ID_JAG_TOKEN_TYPE,
  token_type: 'N_A',
  expires_in: 300,
};

describe('token exchange (RFC 8693) at the fetch boundary', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('the request carries every ID-JAG parameter, resource once, the client id', async () => {
    const seen = m.reply('POST', '/token', 200, OK);
    const response = await tokenExchangeGrantRequest(m.http, META, { clientId: 'idp-client' }, GRANT, {
      resource: 'https://mcp.example.com/mcp',
    });
    const body = new URLSearchParams(seen[0]?.body);
    assert.equal(body.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(body.get('requested_token_type'), ID_JAG_TOKEN_TYPE);
    assert.equal(body.get('audience'), 'https://mcp-as.example.com');
    assert.deepEqual(body.getAll('resource'), ['https://mcp.example.com/mcp']);
    assert.equal(body.get('scope'), 'a b');
    assert.equal(body.get('subject_token'), 'id.token.value');
    assert.equal(body.get('subject_token_type'), ID_TOKEN_TYPE);
    assert.equal(body.get('client_id'), 'idp-client');
    const result = processTokenExchangeResponse(response, {
      requestedTokenType: ID_JAG_TOKEN_TYPE,
      requestedScopes: ['a', 'b'],
      now: () => 1000,
    });
    assert.deepEqual(result, {
      token: 'jag.jwt.value',
      issued_token_type: ID_JAG_TOKEN_TYPE,
      token_type: 'N_A',
      expires_at: 301_000,
      scopes: ['a', 'b'],
    });
  });

  test('invalid_target and access_denied keep their OAuth error', async () => {
    for (const error of ['invalid_target', 'access_denied']) {
      m.reply('POST', '/token', 400, { error, error_description: 'policy says no' });
      const response = await tokenExchangeGrantRequest(m.http, META, { clientId: 'c' }, GRANT);
      const e = await rejectsWith(
        () => processTokenExchangeResponse(response, { requestedTokenType: ID_JAG_TOKEN_TYPE }),
        'oauth_error',
      );
      assert.equal(e.error, error);
      assert.equal(e.status, 400);
    }
  });

  test('an empty subject token is refused before any request', async () => {
    await rejectsWith(
      tokenExchangeGrantRequest(m.http, META, { clientId: 'c' }, { ...GRANT, subjectToken: '' }),
      'invalid_parameter',
    );
  });
});

describe('processTokenExchangeResponse validation', () => {
  const answer = (status: number, value: unknown) =>
    ({
      status,
      headers: new Headers(),
      mediaType: 'application/json',
      body: { format: 'json', value },
    }) as never;
  const process = (value: unknown) =>
    processTokenExchangeResponse(answer(200, value), { requestedTokenType: ID_JAG_TOKEN_TYPE });

  test('missing issued_token_type, another type, missing token_type, missing access_token', () => {
    const { issued_token_type: _i, ...noIssued } = OK;
    const { token_type: _t, ...noType } = OK;
    const { access_token: _a, ...noToken } = OK;
    for (const body of [
      noIssued,
      { ...OK, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' },
      noType,
      noToken,
    ]) {
      const e = throwsWith(() => process(body), 'invalid_token_exchange_response');
      assert.doesNotMatch(e.message, /jag\.jwt\.value/);
    }
  });

  test('a 500 without an OAuth body is unexpected_status and retryable', () => {
    const e = throwsWith(
      () => processTokenExchangeResponse(answer(503, null), { requestedTokenType: ID_JAG_TOKEN_TYPE }),
      'unexpected_status',
    );
    assert.equal(e.retryable, true);
  });

  test('no expires_in: expiry unknown; scope from the answer wins', () => {
    const { expires_in: _e, ...rest } = OK;
    const result = process({ ...rest, scope: 'x' });
    assert.equal(result.expires_at, null);
    assert.deepEqual(result.scopes, ['x']);
  });
});
