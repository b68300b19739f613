// Provider-profile outcomes, end to end through the pure functions. The profile values are written here (they
// live in @mcp-oauth/config, which this package does not import): what matters is that the merge rules produce the
// right authorization request for each provider, and that explicit config always wins.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildAuthorizationUrl,
  computeCodeChallenge,
  mergeAuthorizeParams,
  type ResourcePolicy,
  resolveResource,
  selectScopes,
} from '../src/index.js';
import { throwsWith } from './helpers/mock.js';

interface Profile {
  extraAuthorizeParams: Record<string, string>;
  audienceFromResource: boolean;
  resource?: ResourcePolicy;
  scopeHints: string[];
}
const PROFILES: Record<'generic' | 'google' | 'auth0' | 'atlassian' | 'entra', Profile> = {
  generic: { extraAuthorizeParams: {}, audienceFromResource: false, scopeHints: [] },
  google: {
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    audienceFromResource: false,
    resource: { kind: 'auto' },
    scopeHints: [],
  },
  auth0: { extraAuthorizeParams: {}, audienceFromResource: true, scopeHints: ['offline_access'] },
  atlassian: {
    extraAuthorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    audienceFromResource: false,
    scopeHints: ['offline_access'],
  },
  entra: {
    extraAuthorizeParams: {},
    audienceFromResource: false,
    resource: { kind: 'off' },
    scopeHints: ['offline_access'],
  },
};

interface Config {
  extraAuthorizeParams?: Record<string, string>;
  resource?: ResourcePolicy;
  scopes?: string[];
}

const PRM_RESOURCE = 'https://mcp.example.com';

/** What the client package will do: config > profile > default for each input, then the builder. */
function authorizeQuery(profile: Profile, config: Config, prmScopes: string[] = ['read']) {
  const policy = config.resource ?? profile.resource ?? { kind: 'auto' };
  const resource = resolveResource(policy, PRM_RESOURCE);
  const extraParams = mergeAuthorizeParams({
    profileParams: profile.extraAuthorizeParams,
    configParams: config.extraAuthorizeParams,
    audienceFromResource: profile.audienceFromResource,
    resource,
  });
  const scopes = selectScopes({
    configured: config.scopes,
    prmScopesSupported: prmScopes,
    scopeHints: profile.scopeHints,
  });
  const url = buildAuthorizationUrl({
    authorizationEndpoint: 'https://as.example.com/authorize',
    clientId: 'c',
    redirectUri: 'http://127.0.0.1:1/callback/x',
    codeChallenge: computeCodeChallenge('v'.repeat(43)),
    state: 's',
    scopes,
    resource,
    extraParams,
  });
  const q = url.searchParams;
  const fixed = new Set([
    'response_type',
    'client_id',
    'redirect_uri',
    'code_challenge',
    'code_challenge_method',
    'state',
  ]);
  return [...q].filter(([name]) => !fixed.has(name));
}

describe('provider profiles: the authorization request each produces', () => {
  const cases: {
    name: string;
    profile: keyof typeof PROFILES;
    config: Config;
    expected: [string, string][];
  }[] = [
    {
      name: 'generic: the PRM resource, the PRM scopes, nothing else',
      profile: 'generic',
      config: {},
      expected: [
        ['scope', 'read'],
        ['resource', PRM_RESOURCE],
      ],
    },
    {
      name: 'google: access_type=offline and prompt=consent, resource kept',
      profile: 'google',
      config: { scopes: ['https://www.googleapis.com/auth/gmail.readonly'] },
      expected: [
        ['scope', 'https://www.googleapis.com/auth/gmail.readonly'],
        ['resource', PRM_RESOURCE],
        ['access_type', 'offline'],
        ['prompt', 'consent'],
      ],
    },
    {
      name: 'google: config prompt=select_account wins over the profile; access_type stays',
      profile: 'google',
      config: { extraAuthorizeParams: { prompt: 'select_account' } },
      expected: [
        ['scope', 'read'],
        ['resource', PRM_RESOURCE],
        ['access_type', 'offline'],
        ['prompt', 'select_account'],
      ],
    },
    {
      name: 'google: config resource off wins over the profile',
      profile: 'google',
      config: { resource: { kind: 'off' } },
      expected: [
        ['scope', 'read'],
        ['access_type', 'offline'],
        ['prompt', 'consent'],
      ],
    },
    {
      name: 'auth0: audience = the resource, offline_access',
      profile: 'auth0',
      config: {},
      expected: [
        ['scope', 'read offline_access'],
        ['resource', PRM_RESOURCE],
        ['audience', PRM_RESOURCE],
      ],
    },
    {
      name: 'auth0: a configured audience wins',
      profile: 'auth0',
      config: { extraAuthorizeParams: { audience: 'https://api.example.com' } },
      expected: [
        ['scope', 'read offline_access'],
        ['resource', PRM_RESOURCE],
        ['audience', 'https://api.example.com'],
      ],
    },
    {
      name: 'auth0: with resource off there is no resource, so no audience from it',
      profile: 'auth0',
      config: { resource: { kind: 'off' } },
      expected: [['scope', 'read offline_access']],
    },
    {
      name: 'atlassian: audience=api.atlassian.com, prompt=consent, offline_access',
      profile: 'atlassian',
      config: { scopes: ['read:jira-work'] },
      expected: [
        ['scope', 'read:jira-work offline_access'],
        ['resource', PRM_RESOURCE],
        ['audience', 'api.atlassian.com'],
        ['prompt', 'consent'],
      ],
    },
    {
      name: 'entra: no resource, fully-qualified scopes plus offline_access',
      profile: 'entra',
      config: { scopes: ['api://mcp-app/.default'] },
      expected: [['scope', 'api://mcp-app/.default offline_access']],
    },
    {
      name: 'entra: an explicit resource URI in the config wins over the profile',
      profile: 'entra',
      config: { scopes: ['api://mcp-app/.default'], resource: { kind: 'uri', uri: 'api://mcp-app' } },
      expected: [
        ['scope', 'api://mcp-app/.default offline_access'],
        ['resource', 'api://mcp-app'],
      ],
    },
  ];
  for (const { name, profile, config, expected } of cases) {
    test(name, () => assert.deepEqual(authorizeQuery(PROFILES[profile], config), expected));
  }
});

describe('mergeAuthorizeParams', () => {
  test('config wins key by key; keys of both are kept', () => {
    assert.deepEqual(
      mergeAuthorizeParams({
        profileParams: { access_type: 'offline', prompt: 'consent' },
        configParams: { prompt: 'none', login_hint: 'a@example.com' },
      }),
      { access_type: 'offline', prompt: 'none', login_hint: 'a@example.com' },
    );
  });

  test('nothing given: an empty table', () => {
    assert.deepEqual(mergeAuthorizeParams({}), {});
  });

  test('audienceFromResource without a resource adds nothing', () => {
    assert.deepEqual(mergeAuthorizeParams({ audienceFromResource: true }), {});
  });

  test('a key such as __proto__ stays a plain parameter, never a prototype', () => {
    const configParams = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const merged = mergeAuthorizeParams({ configParams });
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.deepEqual(Object.entries(merged), [['__proto__', 'x']]);
  });

  for (const side of ['profileParams', 'configParams'] as const) {
    test(`a reserved key in ${side} is reserved_param naming the table`, () => {
      const error = throwsWith(() => mergeAuthorizeParams({ [side]: { state: 'x' } }), 'reserved_param');
      assert.equal(error.param, 'state');
      assert.match(error.message, new RegExp(`^${side}\\.state is reserved`));
    });
  }
});
