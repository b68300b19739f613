import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AuthorizationUrlInput,
  buildAuthorizationUrl,
  computeCodeChallenge,
  MAX_AUTHORIZATION_URL_LENGTH,
  RESERVED_AUTHORIZE_PARAMS,
  resolveResource,
  startAuthorization,
} from '../src/index.js';
import { fixedRandom, throwsWith } from './helpers/mock.js';

const CHALLENGE = computeCodeChallenge('a'.repeat(43));
const BASE: AuthorizationUrlInput = {
  authorizationEndpoint: 'https://as.example.com/authorize',
  clientId: 'client-1',
  redirectUri: 'http://127.0.0.1:8765/callback/gmail',
  codeChallenge: CHALLENGE,
  state: 'state-1',
};
const PROTOCOL: [string, string][] = [
  ['response_type', 'code'],
  ['client_id', 'client-1'],
  ['redirect_uri', 'http://127.0.0.1:8765/callback/gmail'],
  ['code_challenge', CHALLENGE],
  ['code_challenge_method', 'S256'],
  ['state', 'state-1'],
];

const pairs = (url: URL) => [...url.searchParams];

describe('buildAuthorizationUrl: each parameter', () => {
  test('the minimal request: the six protocol parameters in their fixed order, nothing else', () => {
    const url = buildAuthorizationUrl(BASE);
    assert.equal(url.origin + url.pathname, 'https://as.example.com/authorize');
    assert.deepEqual(pairs(url), PROTOCOL);
  });

  const cases: { name: string; input: Partial<AuthorizationUrlInput>; tail: [string, string][] }[] = [
    { name: 'one scope', input: { scopes: ['mcp:tools'] }, tail: [['scope', 'mcp:tools']] },
    {
      name: 'several scopes, space-separated, repeats removed',
      input: { scopes: ['mcp:tools', 'offline_access', 'mcp:tools'] },
      tail: [['scope', 'mcp:tools offline_access']],
    },
    { name: 'an empty scope list omits scope', input: { scopes: [] }, tail: [] },
    {
      name: 'a resource',
      input: { resource: 'https://mcp.example.com/mcp' },
      tail: [['resource', 'https://mcp.example.com/mcp']],
    },
    {
      name: 'extra parameters, sorted by name',
      input: { extraParams: { prompt: 'consent', access_type: 'offline', Zeta: 'z' } },
      tail: [
        ['Zeta', 'z'],
        ['access_type', 'offline'],
        ['prompt', 'consent'],
      ],
    },
    {
      name: 'scope, resource and extras together',
      input: {
        scopes: ['a', 'b'],
        resource: 'https://mcp.example.com',
        extraParams: { prompt: 'consent', access_type: 'offline' },
      },
      tail: [
        ['scope', 'a b'],
        ['resource', 'https://mcp.example.com'],
        ['access_type', 'offline'],
        ['prompt', 'consent'],
      ],
    },
  ];
  for (const { name, input, tail } of cases) {
    test(name, () => {
      assert.deepEqual(pairs(buildAuthorizationUrl({ ...BASE, ...input })), [...PROTOCOL, ...tail]);
    });
  }

  test('the query string is form-encoded exactly (pinned serialisation)', () => {
    const url = buildAuthorizationUrl({
      ...BASE,
      scopes: ['mcp:tools', 'mcp:admin'],
      resource: 'https://mcp.example.com',
    });
    assert.equal(
      url.search,
      `?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback%2Fgmail` +
        `&code_challenge=${CHALLENGE}&code_challenge_method=S256&state=state-1` +
        '&scope=mcp%3Atools+mcp%3Aadmin&resource=https%3A%2F%2Fmcp.example.com',
    );
  });

  test('pure: the same input gives the same URL', () => {
    const input = { ...BASE, scopes: ['x'], extraParams: { b: '2', a: '1' } };
    assert.equal(buildAuthorizationUrl(input).href, buildAuthorizationUrl(input).href);
  });
});

describe('buildAuthorizationUrl: unusual characters round-trip exactly', () => {
  const odd = {
    clientId: 'id with space&=+%/?#é',
    redirectUri: 'http://127.0.0.1:8765/callback/x?a=1&b=2',
    state: 'st&te=+/%',
    resource: 'https://mcp.example.com/mcp?tenant=a&b=c%20d',
    extra: { 'login hint': 'ü & = + % "quoted" \u2603', domain_hint: 'contoso.com' },
  };

  test('values with &, =, +, %, ?, #, spaces and non-ASCII come back unchanged and unsplit', () => {
    const url = buildAuthorizationUrl({
      ...BASE,
      clientId: odd.clientId,
      redirectUri: odd.redirectUri,
      state: odd.state,
      resource: odd.resource,
      extraParams: odd.extra,
    });
    const q = url.searchParams;
    assert.equal(q.get('client_id'), odd.clientId);
    assert.equal(q.get('redirect_uri'), odd.redirectUri);
    assert.equal(q.get('state'), odd.state);
    assert.deepEqual(q.getAll('resource'), [odd.resource]);
    assert.equal(q.get('login hint'), odd.extra['login hint']);
    assert.equal(q.get('domain_hint'), 'contoso.com');
    assert.equal(q.getAll('a').length + q.getAll('b').length, 0, 'the redirect URI query did not leak');
    assert.equal(url.hash, '');
  });
});

describe('buildAuthorizationUrl: an endpoint with its own query (RFC 6749 §3.1)', () => {
  test('its parameters are kept first, as written', () => {
    const url = buildAuthorizationUrl({
      ...BASE,
      authorizationEndpoint: 'https://login.example.com/tenant/authorize?p=B2C_1_signin&x=%20a',
    });
    assert.ok(url.search.startsWith('?p=B2C_1_signin&x=%20a&response_type=code&'), url.search);
    assert.deepEqual(pairs(url), [['p', 'B2C_1_signin'], ['x', ' a'], ...PROTOCOL]);
  });

  test('a parameter the request sets is not duplicated: the endpoint copy is dropped', () => {
    const url = buildAuthorizationUrl({
      ...BASE,
      authorizationEndpoint:
        'https://as.example.com/authorize?resource=https%3A%2F%2Fother&prompt=login&keep=1&client_id=x&scope=y',
      scopes: ['mcp:tools'],
      resource: 'https://mcp.example.com/mcp',
      extraParams: { prompt: 'consent' },
    });
    const q = url.searchParams;
    for (const name of ['resource', 'prompt', 'client_id', 'scope', 'response_type', 'state']) {
      assert.equal(q.getAll(name).length, 1, name);
    }
    assert.equal(q.get('resource'), 'https://mcp.example.com/mcp');
    assert.equal(q.get('prompt'), 'consent');
    assert.equal(q.get('client_id'), 'client-1');
    assert.equal(q.get('scope'), 'mcp:tools');
    assert.deepEqual(pairs(url)[0], ['keep', '1']);
  });

  test('an endpoint ending in "?" or with empty segments gains no empty parameters', () => {
    for (const endpoint of ['https://as.example.com/authorize?', 'https://as.example.com/authorize?&&a=1&']) {
      const url = buildAuthorizationUrl({ ...BASE, authorizationEndpoint: endpoint });
      assert.ok(!url.search.includes('&&') && !url.search.startsWith('?&'), url.search);
      assert.ok(pairs(url).every(([name]) => name !== ''));
    }
  });
});

describe('buildAuthorizationUrl: resource policies give exactly one resource, or none', () => {
  const PRM = 'https://mcp.example.com';
  const cases = [
    { policy: { kind: 'auto' } as const, expected: ['https://mcp.example.com'] },
    {
      policy: { kind: 'uri', uri: 'https://api.example.com/v1/' } as const,
      expected: ['https://api.example.com/v1/'],
    },
    { policy: { kind: 'off' } as const, expected: [] },
  ];
  for (const { policy, expected } of cases) {
    test(`${policy.kind}: ${JSON.stringify(expected)}`, () => {
      const resource = resolveResource(policy, PRM);
      const url = buildAuthorizationUrl({ ...BASE, resource });
      assert.deepEqual(url.searchParams.getAll('resource'), expected);
    });
  }

  test('auto sends an origin-only resource verbatim: no trailing slash is added', () => {
    const url = buildAuthorizationUrl({ ...BASE, resource: resolveResource({ kind: 'auto' }, PRM) });
    assert.ok(url.search.endsWith('&resource=https%3A%2F%2Fmcp.example.com'), url.search);
  });
});

describe('buildAuthorizationUrl: reserved keys cannot get in', () => {
  for (const key of RESERVED_AUTHORIZE_PARAMS) {
    for (const spelled of [key, key.toUpperCase()]) {
      test(`extraParams.${spelled} is reserved_param`, () => {
        const extraParams = { [spelled]: 'x' } as Record<string, string>;
        const error = throwsWith(() => buildAuthorizationUrl({ ...BASE, extraParams }), 'reserved_param');
        assert.equal(error.param, spelled);
        assert.match(error.message, new RegExp(`extraParams\\.${spelled} is reserved`));
      });
    }
  }

  test('the type refuses a reserved key in an object literal', () => {
    assert.throws(() =>
      buildAuthorizationUrl({
        ...BASE,
        // @ts-expect-error `resource` is reserved: the builder sets it from `resource`
        extraParams: { resource: 'https://other.example.com' },
      }),
    );
  });
});

describe('buildAuthorizationUrl: malformed inputs are invalid_parameter', () => {
  const cases: { name: string; input: Partial<AuthorizationUrlInput>; param: string }[] = [
    {
      name: 'javascript: endpoint',
      input: { authorizationEndpoint: 'javascript:alert(1)' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'data: endpoint',
      input: { authorizationEndpoint: 'data:text/html,x' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'file: endpoint',
      input: { authorizationEndpoint: 'file:///etc/passwd' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'relative endpoint',
      input: { authorizationEndpoint: '/authorize' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'http endpoint off loopback',
      input: { authorizationEndpoint: 'http://as.example.com/a' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'endpoint with a fragment',
      input: { authorizationEndpoint: 'https://as.example.com/a#f' },
      param: 'authorizationEndpoint',
    },
    {
      name: 'endpoint with credentials',
      input: { authorizationEndpoint: 'https://u:p@as.example.com/a' },
      param: 'authorizationEndpoint',
    },
    { name: 'empty client id', input: { clientId: '' }, param: 'clientId' },
    { name: 'empty redirect URI', input: { redirectUri: '' }, param: 'redirectUri' },
    { name: 'empty state', input: { state: '' }, param: 'state' },
    {
      name: 'a plain (non-S256) challenge',
      input: { codeChallenge: 'a'.repeat(43 + 1) },
      param: 'codeChallenge',
    },
    { name: 'a scope with a space', input: { scopes: ['a b'] }, param: 'scope' },
    { name: 'an empty scope', input: { scopes: [''] }, param: 'scope' },
    { name: 'a scope with a double quote', input: { scopes: ['a"b'] }, param: 'scope' },
    { name: 'a relative resource', input: { resource: '/mcp' }, param: 'resource' },
    {
      name: 'a resource with a fragment',
      input: { resource: 'https://mcp.example.com/#x' },
      param: 'resource',
    },
    {
      name: 'a non-string extra value',
      input: { extraParams: { prompt: 1 as unknown as string } },
      param: 'prompt',
    },
  ];
  for (const { name, input, param } of cases) {
    test(name, () => {
      const error = throwsWith(() => buildAuthorizationUrl({ ...BASE, ...input }), 'invalid_parameter');
      assert.equal(error.param, param);
    });
  }

  test('an http endpoint on loopback is allowed by default and refused with allowInsecureLoopback: false', () => {
    const input = { ...BASE, authorizationEndpoint: 'http://127.0.0.1:9/authorize' };
    assert.equal(buildAuthorizationUrl(input).host, '127.0.0.1:9');
    throwsWith(() => buildAuthorizationUrl({ ...input, allowInsecureLoopback: false }), 'invalid_parameter');
  });
});

describe('startAuthorization', () => {
  test('fresh PKCE and state from the injected source, recorded with the issuer, resource and scopes', () => {
    const as = {
      issuer: 'https://as.example.com',
      authorization_endpoint: 'https://as.example.com/authorize',
      authorization_response_iss_parameter_supported: true,
    };
    const { url, pending } = startAuthorization({
      as,
      clientId: 'client-1',
      redirectUri: BASE.redirectUri,
      scopes: ['mcp:tools', 'mcp:tools'],
      resource: 'https://mcp.example.com',
      randomBytes: fixedRandom(),
    });
    assert.equal(pending.issuer, as.issuer);
    assert.equal(pending.issParameterSupported, true);
    assert.equal(pending.codeVerifier.length, 43);
    assert.equal(pending.state.length, 43);
    assert.notEqual(pending.state, pending.codeVerifier);
    assert.deepEqual(pending.scopes, ['mcp:tools']);
    assert.equal(pending.resource, 'https://mcp.example.com');
    assert.equal(url.searchParams.get('state'), pending.state);
    assert.equal(url.searchParams.get('code_challenge'), computeCodeChallenge(pending.codeVerifier));
    assert.equal(url.searchParams.get('code_verifier'), null, 'the verifier never leaves');
  });
});

describe('length cap (issue 17: an authorization URL of hundreds of KB)', () => {
  test(`a URL over ${MAX_AUTHORIZATION_URL_LENGTH} characters: authorization_url_too_long, the message short`, () => {
    const scopes = Array.from({ length: 2000 }, (_, i) => `scope-${i}-${'x'.repeat(90)}`);
    const error = throwsWith(() => buildAuthorizationUrl({ ...BASE, scopes }), 'authorization_url_too_long');
    assert.match(error.message, /more than the 16384/);
    assert.ok(error.message.length < 400, error.message);
  });
  test('a URL of exactly the limit is built', () => {
    const short = buildAuthorizationUrl(BASE).href.length;
    const extra = 'y'.repeat(MAX_AUTHORIZATION_URL_LENGTH - short - '&z='.length);
    const url = buildAuthorizationUrl({ ...BASE, extraParams: { z: extra } });
    assert.equal(url.href.length, MAX_AUTHORIZATION_URL_LENGTH);
  });
});
