import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  type Challenge,
  DiscoveryError,
  type DiscoveryErrorCode,
  parseBearerChallenge,
  parseWwwAuthenticate,
} from '../src/index.js';

/** A challenge as plain data, for deepEqual (params lose their null prototype). */
function plain(c: Challenge): { scheme: string; params: Record<string, string>; token68?: string } {
  return {
    scheme: c.scheme,
    params: { ...c.params },
    ...(c.token68 !== undefined && { token68: c.token68 }),
  };
}

function codeOf(input: Parameters<typeof parseWwwAuthenticate>[0]): DiscoveryErrorCode | undefined {
  try {
    parseWwwAuthenticate(input);
  } catch (error) {
    assert.ok(error instanceof DiscoveryError, String(error));
    return error.code;
  }
  return undefined;
}

const GITHUB_PRM = 'https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/';

/** Headers seen from real servers and the RFC examples, with the challenges they must give. */
const TABLE: { name: string; header: string | string[]; challenges: ReturnType<typeof plain>[] }[] = [
  {
    name: 'GitHub MCP: error, description and resource_metadata',
    header: `Bearer error="invalid_request", error_description="No access token was provided in this request", resource_metadata="${GITHUB_PRM}"`,
    challenges: [
      {
        scheme: 'Bearer',
        params: {
          error: 'invalid_request',
          error_description: 'No access token was provided in this request',
          resource_metadata: GITHUB_PRM,
        },
      },
    ],
  },
  {
    name: 'Cloudflare workers-oauth-provider style',
    header:
      'Bearer realm="OAuth", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", error="invalid_token", error_description="Missing or invalid access token"',
    challenges: [
      {
        scheme: 'Bearer',
        params: {
          realm: 'OAuth',
          resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource',
          error: 'invalid_token',
          error_description: 'Missing or invalid access token',
        },
      },
    ],
  },
  {
    name: 'Microsoft Graph: empty realm and vendor parameters',
    header:
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    challenges: [
      {
        scheme: 'Bearer',
        params: {
          realm: '',
          authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize',
          client_id: '00000003-0000-0000-c000-000000000000',
        },
      },
    ],
  },
  {
    name: 'Google: insufficient_scope with two scopes',
    header:
      'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send"',
    challenges: [
      {
        scheme: 'Bearer',
        params: {
          realm: 'https://accounts.google.com/',
          error: 'insufficient_scope',
          scope: 'https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send',
        },
      },
    ],
  },
  {
    name: 'RFC 9110 §11.6.1 example: two challenges, an escaped quote, a token value',
    header: 'Basic realm="simple", Newauth realm="apps", type=1, title="Login to \\"apps\\""',
    challenges: [
      { scheme: 'Basic', params: { realm: 'simple' } },
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    ],
  },
  {
    name: 'RFC 7616 Digest: a comma inside a quoted string, then Bearer',
    header:
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Bearer scope="openid"',
    challenges: [
      {
        scheme: 'Digest',
        params: {
          realm: 'http-auth@example.org',
          qop: 'auth, auth-int',
          algorithm: 'SHA-256',
          nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
        },
      },
      { scheme: 'Bearer', params: { scope: 'openid' } },
    ],
  },
  {
    name: 'Negotiate with a token68 ending in "=", then Bearer',
    header: 'Negotiate YIIFzQYGKwYBBQUCoIIFwTCCBb2gMDAuBgkqhkiC9xIBAgIG==, Bearer realm="api"',
    challenges: [
      { scheme: 'Negotiate', params: {}, token68: 'YIIFzQYGKwYBBQUCoIIFwTCCBb2gMDAuBgkqhkiC9xIBAgIG==' },
      { scheme: 'Bearer', params: { realm: 'api' } },
    ],
  },
  {
    name: 'RFC 9449 DPoP next to Bearer, a scheme without parameters',
    header: 'Negotiate, Bearer realm="api", DPoP algs="ES256 PS256"',
    challenges: [
      { scheme: 'Negotiate', params: {} },
      { scheme: 'Bearer', params: { realm: 'api' } },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256' } },
    ],
  },
  {
    name: 'upper-case scheme and parameter names',
    header: 'BEARER RESOURCE_METADATA="https://mcp.example.com/prm", Error="invalid_token"',
    challenges: [
      {
        scheme: 'BEARER',
        params: { resource_metadata: 'https://mcp.example.com/prm', error: 'invalid_token' },
      },
    ],
  },
  {
    name: 'whitespace around "=" and ",", tabs, empty list elements',
    header: ' , Bearer realm = "x" ,\tscope= "a b" ,, error =invalid_token ,',
    challenges: [{ scheme: 'Bearer', params: { realm: 'x', scope: 'a b', error: 'invalid_token' } }],
  },
  {
    name: 'a parameter right after a comma that follows the scheme',
    header: 'Bearer, error="invalid_token"',
    challenges: [{ scheme: 'Bearer', params: { error: 'invalid_token' } }],
  },
  {
    name: 'backslash escapes and a backslash kept literally',
    header: 'Bearer error_description="path C:\\\\temp, \\"quoted\\" \\x"',
    challenges: [{ scheme: 'Bearer', params: { error_description: 'path C:\\temp, "quoted" x' } }],
  },
  {
    name: 'repeated field lines',
    header: ['Basic realm="x"', 'Bearer resource_metadata="https://mcp.example.com/prm"'],
    challenges: [
      { scheme: 'Basic', params: { realm: 'x' } },
      { scheme: 'Bearer', params: { resource_metadata: 'https://mcp.example.com/prm' } },
    ],
  },
  {
    name: 'grammar edge: "realm=" alone is a token68 (a parameter value cannot be empty)',
    header: 'Bearer realm=',
    challenges: [{ scheme: 'Bearer', params: {}, token68: 'realm=' }],
  },
  {
    name: 'grammar edge: a lone token after a comma is a new scheme',
    header: 'Bearer realm="x", scope',
    challenges: [
      { scheme: 'Bearer', params: { realm: 'x' } },
      { scheme: 'scope', params: {} },
    ],
  },
  {
    name: 'a bare Bearer',
    header: 'Bearer',
    challenges: [{ scheme: 'Bearer', params: {} }],
  },
  {
    name: 'obs-text (Latin-1) inside a quoted string',
    header: 'Bearer error_description="caf\u00e9"',
    challenges: [{ scheme: 'Bearer', params: { error_description: 'caf\u00e9' } }],
  },
];

describe('parseWwwAuthenticate: real-world and RFC headers', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      assert.deepEqual(parseWwwAuthenticate(row.header).map(plain), row.challenges);
    });
  }

  it('reads a Headers object with the field repeated', () => {
    const headers = new Headers([
      ['www-authenticate', 'Basic realm="x"'],
      ['www-authenticate', 'Bearer scope="a"'],
    ]);
    assert.deepEqual(
      parseWwwAuthenticate(headers).map((c) => c.schemeLower),
      ['basic', 'bearer'],
    );
  });

  it('gives params without a prototype, so an unsent name is undefined', () => {
    const [challenge] = parseWwwAuthenticate('Bearer realm="x"');
    assert.equal(challenge?.params.constructor, undefined);
    assert.equal(challenge?.params.toString, undefined);
  });
});

describe('parseWwwAuthenticate: absent, empty and garbage fields', () => {
  it('gives [] when the field is absent (the caller probes the well-known URLs)', () => {
    assert.deepEqual(parseWwwAuthenticate(undefined), []);
    assert.deepEqual(parseWwwAuthenticate(null), []);
    assert.deepEqual(parseWwwAuthenticate([]), []);
    assert.deepEqual(parseWwwAuthenticate(new Headers()), []);
  });

  it('refuses a present field with no challenge as www_authenticate_empty', () => {
    for (const header of ['', '   ', ', ,', '\t,', ['', ' ']]) {
      assert.equal(codeOf(header), 'www_authenticate_empty', JSON.stringify(header));
    }
  });

  const GARBAGE: [string, string][] = [
    ['"Bearer"', 'a quoted string where a scheme belongs'],
    ['Bearer realm="unterminated', 'an unterminated quoted string'],
    ['Bearer realm="x\\', 'a backslash at the very end'],
    ['Bearer realm="x" scope="y"', 'a missing comma between parameters'],
    ['=foo', 'an "=" with no name'],
    ['realm="x"', 'a parameter before any scheme'],
    ['Bearer realm="a", realm="b"', 'a repeated parameter'],
    ['Bearer realm="a", REALM="b"', 'a parameter repeated in another case'],
    ['<html><body>401 Unauthorized</body></html>', 'an HTML page'],
    ['{"error":"invalid_token"}', 'a JSON body'],
    [
      'Bearer resource_metadata=https://mcp.example.com/prm',
      'an unquoted URL (":" is not a token character)',
    ],
    ['Bearer realm="a\u0001b"', 'a control character in a quoted string'],
    ['Bearer realm="a\\\u0000"', 'an escaped NUL'],
    ['Bearer;realm="x"', 'no space after the scheme'],
    ['Bearer realm=, scope="x"', 'a parameter after a token68'],
    ['Bearer realm ="x" =', 'a stray "="'],
    ['Bearer a=b=c', 'two "=" in one parameter'],
  ];
  for (const [header, what] of GARBAGE) {
    it(`refuses ${what}: ${JSON.stringify(header)}`, () => {
      assert.equal(codeOf(header), 'www_authenticate_malformed');
    });
  }

  it('names the offset and JSON-encodes the field in the message', () => {
    try {
      parseWwwAuthenticate('Bearer realm="x" scope="y"');
      assert.fail('expected a rejection');
    } catch (error) {
      assert.ok(error instanceof DiscoveryError);
      assert.equal(error.retryable, false);
      assert.match(
        error.message,
        /at offset 17 \(found "s"\): expected "," or the end after a parameter value/,
      );
      assert.match(error.message, /field value "Bearer realm=\\"x\\" scope=\\"y\\""/);
    }
  });

  it('truncates a long field in the message', () => {
    const header = `Bearer realm="${'x'.repeat(5000)}`;
    try {
      parseWwwAuthenticate(header);
      assert.fail('expected a rejection');
    } catch (error) {
      assert.ok(error instanceof DiscoveryError);
      assert.equal(error.code, 'www_authenticate_malformed');
      assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
    }
  });
});

describe('parseBearerChallenge', () => {
  it('exposes resource_metadata, scope, scopes, error and error_description', () => {
    const bearer = parseBearerChallenge(
      'Basic realm="x", Bearer error="insufficient_scope", scope="files:read  files:write", error_description="Need write", resource_metadata="https://mcp.example.com/prm", error_uri="https://docs.example.com/e"',
    );
    assert.deepEqual(
      { ...bearer, params: undefined },
      {
        scheme: 'Bearer',
        error: 'insufficient_scope',
        scope: 'files:read  files:write',
        scopes: ['files:read', 'files:write'],
        error_description: 'Need write',
        resource_metadata: 'https://mcp.example.com/prm',
        error_uri: 'https://docs.example.com/e',
        params: undefined,
      },
    );
  });

  it('finds a lower-case bearer and takes the first of several', () => {
    const bearer = parseBearerChallenge('bearer realm="first", Bearer realm="second"');
    assert.equal(bearer?.realm, 'first');
    assert.deepEqual(bearer?.scopes, []);
  });

  it('RFC 9449 §7.1: without a Bearer challenge, the DPoP challenge is read (resource_metadata, error)', () => {
    const dpop = parseBearerChallenge(
      'Basic realm="x", DPoP algs="ES256", resource_metadata="https://r.example/prm"',
    );
    assert.equal(dpop?.scheme, 'DPoP');
    assert.equal(dpop?.resource_metadata, 'https://r.example/prm');
    const both = parseBearerChallenge('DPoP error="use_dpop_nonce", Bearer scope="a b"');
    assert.equal(both?.scheme, 'Bearer', 'a Bearer challenge wins');
  });

  it('gives undefined when there is no Bearer or DPoP challenge or no field', () => {
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
    assert.equal(parseBearerChallenge(undefined), undefined);
  });

  it('gives a Bearer with only its scheme when it has a token68 instead of parameters', () => {
    assert.deepEqual(
      { ...parseBearerChallenge('Bearer abc'), params: undefined },
      { scheme: 'Bearer', scopes: [], params: undefined },
    );
  });

  it('propagates the parse errors', () => {
    assert.throws(() => parseBearerChallenge('Bearer realm="x'), { code: 'www_authenticate_malformed' });
    assert.throws(() => parseBearerChallenge(' '), { code: 'www_authenticate_empty' });
  });
});
