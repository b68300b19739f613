import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import {
  checkAssertion,
  ID_JAG_TYP,
  JWT_BEARER_GRANT_TYPE,
  jwtBearerGrantRequest,
  processTokenResponse,
} from '../src/index.js';
import { AS, type Mock, mock, rejectsWith, throwsWith } from './helpers/mock.js';

const META = {
  issuer: AS,
  token_endpoint: `${AS}/token`,
  token_endpoint_auth_methods_supported: ['client_secret_basic'],
};
const KEY = new TextEncoder().encode('k'.repeat(32));
const NOW = 1_800_000_000_000;

async function jwt(
  claims: Record<string, unknown>,
  typ = ID_JAG_TYP,
  exp = NOW / 1000 + 300,
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ }).setExpirationTime(exp).sign(KEY);
}

describe('JWT bearer grant (RFC 7523) at the fetch boundary', () => {
  let m: Mock;
  beforeEach(() => {
    m = mock();
  });
  afterEach(() => m.close());

  test('grant_type, assertion, scope, resource and client_secret_basic; the answer is a token response', async () => {
    const seen = m.reply('POST', '/token', 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 });
    const assertion = await jwt({ aud: AS });
    const response = await jwtBearerGrantRequest(
      m.http,
      META,
      { clientId: 'mcp-client', clientSecret: 's' },
      { assertion, scopes: ['read'] },
      { resource: 'https://mcp.example.com/mcp' },
    );
    const [req] = seen;
    const body = new URLSearchParams(req?.body);
    assert.equal(body.get('grant_type'), JWT_BEARER_GRANT_TYPE);
    assert.equal(body.get('assertion'), assertion);
    assert.equal(body.get('scope'), 'read');
    assert.equal(body.get('resource'), 'https://mcp.example.com/mcp');
    assert.equal(body.has('client_secret'), false);
    assert.match(req?.headers.authorization ?? '', /^Basic /);
    const tokens = processTokenResponse(META, response, {
      resource: 'https://mcp.example.com/mcp',
      now: () => 0,
    });
    assert.equal(tokens.access_token, 'at');
    assert.equal(tokens.expires_at, 60_000);
  });

  test('an assertion that is not one JWT is refused before any request', async () => {
    await rejectsWith(
      jwtBearerGrantRequest(m.http, META, { clientId: 'c' }, { assertion: 'not a jwt' }),
      'invalid_assertion',
    );
  });
});

describe('checkAssertion', () => {
  const expect = {
    audiences: [AS],
    resource: 'https://mcp.example.com/mcp',
    typ: ID_JAG_TYP,
    now: () => NOW,
    what: 'ID-JAG',
  };

  test('a good ID-JAG passes, with or without a trailing slash on aud', async () => {
    for (const aud of [AS, `${AS}/`]) {
      const checked = checkAssertion(
        await jwt({ aud, iss: 'https://idp', sub: 'u', resource: expect.resource }),
        expect,
      );
      assert.equal(checked.iss, 'https://idp');
    }
  });

  test('wrong audience, wrong resource, wrong typ, expired, not a JWT: invalid_assertion', async () => {
    const bad = [
      await jwt({ aud: 'https://other-as.example.com', resource: expect.resource }),
      await jwt({ aud: AS, resource: 'https://other.example.com/mcp' }),
      await jwt({ aud: AS, resource: expect.resource }, 'JWT'),
      await jwt({ aud: AS, resource: expect.resource }, ID_JAG_TYP, NOW / 1000 - 60),
      'abc',
    ];
    for (const assertion of bad) {
      const e = throwsWith(() => checkAssertion(assertion, expect), 'invalid_assertion');
      assert.equal(e.message.includes(assertion), false);
    }
  });
});
