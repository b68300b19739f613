import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConfigError,
  detectProvider,
  deviceAuthorizeParamsFor,
  extraAuthorizeParamsFor,
  extraTokenParamsFor,
  PROVIDER_IDS,
  PROVIDER_PROFILES,
  parseConfig,
  type ResolvedOAuth,
  resolveServer,
} from '@mcp-oauth/config';

const server = (oauth = '', extra = '', top = '') =>
  parseConfig(
    `${top}\n[mcp_servers.s]\nurl = "https://mcp.example.com/mcp"\n${extra}\n[mcp_servers.s.oauth]\n${oauth}\n`,
  );

function oauthOf(oauth: string, issuer?: string, extra = '', top = ''): ResolvedOAuth {
  const resolved = resolveServer(server(oauth, extra, top), 's', issuer === undefined ? {} : { issuer });
  assert.ok(resolved.oauth);
  return resolved.oauth;
}

test('profiles are detected from the issuer', () => {
  const cases: [string, string | undefined][] = [
    ['https://accounts.google.com', 'google'],
    ['https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', 'entra'],
    ['https://acme.us.auth0.com/', 'auth0'],
    ['https://auth.atlassian.com', 'atlassian'],
    ['https://github.com/login/oauth', 'github'],
    ['https://sso.example.com/realms/engineering', 'keycloak'],
    ['https://as.example.com', undefined],
    ['https://accounts.google.com.evil.example', undefined],
    ['https://notauth0.com', undefined],
    ['not a url', undefined],
  ];
  for (const [issuer, expected] of cases) assert.equal(detectProvider(issuer)?.provider, expected, issuer);
  assert.equal(
    detectProvider('https://accounts.google.com')?.reason,
    'issuer "https://accounts.google.com" has origin https://accounts.google.com',
  );
});

test('profiles hold the documented data, each behaviour with a source', () => {
  assert.deepEqual(PROVIDER_IDS, ['google', 'entra', 'auth0', 'atlassian', 'github', 'keycloak', 'generic']);
  const p = PROVIDER_PROFILES;
  assert.deepEqual(p.google.extraAuthorizeParams, { access_type: 'offline', prompt: 'consent' });
  assert.deepEqual(p.google.resource, { kind: 'auto' });
  assert.equal(p.auth0.audienceFromResource, true);
  assert.deepEqual(p.auth0.scopeHints, ['offline_access']);
  assert.deepEqual(p.atlassian.extraAuthorizeParams, { audience: 'api.atlassian.com', prompt: 'consent' });
  assert.deepEqual(p.atlassian.scopeHints, ['offline_access']);
  assert.deepEqual(p.entra.resource, { kind: 'off' });
  assert.deepEqual(p.entra.scopeHints, ['offline_access']);
  assert.equal(p.entra.sendScopeOnRefresh, true);
  assert.equal(p.entra.allowMissingPkceMetadata, true);
  assert.deepEqual(p.github.tokenEndpointHeaders, { Accept: 'application/json' });
  assert.deepEqual(p.keycloak.resource, { kind: 'off' });
  assert.deepEqual(
    { ...p.generic, title: '' },
    {
      id: 'generic',
      title: '',
      detect: [],
      extraAuthorizeParams: {},
      audienceFromResource: false,
      extraTokenParams: {},
      tokenEndpointHeaders: {},
      scopeHints: [],
      sendScopeOnRefresh: false,
      browserOnlyAuthorizeParams: ['prompt'],
      allowMissingPkceMetadata: false,
      sources: [],
    },
  );
  for (const id of PROVIDER_IDS.filter((x) => x !== 'generic')) {
    assert.ok(PROVIDER_PROFILES[id].sources.length > 0, id);
  }
  assert.ok(Object.isFrozen(p.google.extraAuthorizeParams));
});

test('without a configured provider or issuer, the generic defaults apply, each marked default', () => {
  const oauth = oauthOf('');
  assert.deepEqual(oauth.provider, {
    id: 'generic',
    source: 'default',
    reason:
      'no provider configured and no issuer known yet (detected from the authorization server issuer at login)',
  });
  assert.deepEqual(oauth.resource.value, { kind: 'auto' });
  assert.equal(oauth.resource.source, 'default');
  assert.deepEqual(oauth.extraAuthorizeParams, {});
  assert.equal(oauth.registration.value, 'auto');
  assert.equal(oauth.allowMissingPkceMetadata.value, false);
  assert.equal(oauth.callbackPort.value, undefined);
});

test('a detected profile supplies values, with the reason it was chosen', () => {
  const oauth = oauthOf('', 'https://accounts.google.com');
  assert.equal(oauth.provider.id, 'google');
  assert.equal(oauth.provider.source, 'issuer');
  assert.deepEqual(oauth.extraAuthorizeParams.access_type, {
    value: 'offline',
    source: 'profile',
    detail:
      'profile google (detected: issuer "https://accounts.google.com" has origin https://accounts.google.com)',
  });
  assert.equal(oauth.extraAuthorizeParams.prompt?.value, 'consent');
  assert.deepEqual(extraAuthorizeParamsFor(oauth), { access_type: 'offline', prompt: 'consent' });
});

test('explicit config wins over the profile, key by key; the profile wins over defaults', () => {
  const oauth = oauthOf(
    'provider = "entra"\nresource = "api://my-app"\nextra_authorize_params = { prompt = "select_account" }\nallow_missing_pkce_metadata = false',
    'https://login.microsoftonline.com/common/v2.0',
  );
  assert.deepEqual(oauth.provider, { id: 'entra', source: 'config', reason: 'mcp_servers.s.oauth.provider' });
  assert.deepEqual(oauth.resource, {
    value: { kind: 'uri', uri: 'api://my-app' },
    source: 'config',
    detail: 'mcp_servers.s.oauth.resource',
  });
  assert.deepEqual(oauth.allowMissingPkceMetadata, {
    value: false,
    source: 'config',
    detail: 'mcp_servers.s.oauth.allow_missing_pkce_metadata',
  });
  assert.deepEqual(oauth.sendScopeOnRefresh, {
    value: true,
    source: 'profile',
    detail: 'profile entra (set by mcp_servers.s.oauth.provider)',
  });
  assert.deepEqual(oauth.scopeHints.value, ['offline_access']);
  assert.equal(oauth.extraAuthorizeParams.prompt?.source, 'config');

  const google = oauthOf('extra_authorize_params = { prompt = "none" }', 'https://accounts.google.com');
  assert.deepEqual(extraAuthorizeParamsFor(google), { access_type: 'offline', prompt: 'none' });
  assert.equal(
    google.extraAuthorizeParams.prompt?.detail,
    'mcp_servers.s.oauth.extra_authorize_params.prompt',
  );
});

test('a configured provider wins over detection, and the disagreement is shown', () => {
  const oauth = oauthOf('provider = "generic"', 'https://accounts.google.com');
  assert.deepEqual(oauth.provider, {
    id: 'generic',
    source: 'config',
    reason: 'mcp_servers.s.oauth.provider (the issuer suggests google)',
  });
  assert.deepEqual(oauth.extraAuthorizeParams, {});
});

test('profile resource policies: entra and keycloak off; Codex oauth_resource still wins', () => {
  assert.deepEqual(oauthOf('', 'https://sso.example.com/realms/x').resource.value, { kind: 'off' });
  const codex = oauthOf('', 'https://login.microsoftonline.com/t/v2.0', 'oauth_resource = "api://x"');
  assert.deepEqual(codex.resource, {
    value: { kind: 'uri', uri: 'api://x' },
    source: 'config',
    detail: 'mcp_servers.s.oauth_resource',
  });
});

test('auth0 derives audience from the resource unless audience is configured', () => {
  const auth0 = oauthOf('', 'https://acme.auth0.com/');
  assert.equal(auth0.audienceFromResource.value, true);
  assert.deepEqual(extraAuthorizeParamsFor(auth0, { resource: 'https://mcp.example.com/mcp' }), {
    audience: 'https://mcp.example.com/mcp',
  });
  assert.deepEqual(extraAuthorizeParamsFor(auth0), {});
  const explicit = oauthOf(
    'extra_authorize_params = { audience = "https://api.acme" }',
    'https://acme.auth0.com/',
  );
  assert.equal(explicit.audienceFromResource.value, false);
  assert.equal(explicit.audienceFromResource.source, 'config');
  assert.deepEqual(extraAuthorizeParamsFor(explicit, { resource: 'https://mcp.example.com/mcp' }), {
    audience: 'https://api.acme',
  });
});

test('github adds Accept: application/json to token requests; extra token params resolve', () => {
  const github = oauthOf('extra_token_params = { foo = "bar" }', 'https://github.com/login/oauth');
  assert.equal(github.tokenEndpointHeaders.Accept?.value, 'application/json');
  assert.deepEqual(extraTokenParamsFor(github), { foo: 'bar' });
});

test('callback port: server > top level > OS-chosen; store: config > auto', () => {
  const both = resolveServer(
    server(
      'callback_port = 9000',
      '',
      'mcp_oauth_callback_port = 8000\nmcp_oauth_credentials_store = "file"',
    ),
    's',
  );
  assert.deepEqual(both.oauth?.callbackPort, {
    value: 9000,
    source: 'config',
    detail: 'mcp_servers.s.oauth.callback_port',
  });
  assert.deepEqual(both.credentialsStore, {
    value: 'file',
    source: 'config',
    detail: 'mcp_oauth_credentials_store',
  });
  const top = resolveServer(server('', '', 'mcp_oauth_callback_port = 8000'), 's');
  assert.deepEqual(top.oauth?.callbackPort, {
    value: 8000,
    source: 'config',
    detail: 'mcp_oauth_callback_port',
  });
  assert.equal(top.credentialsStore.value, 'auto');
});

test('stdio servers resolve without oauth; unknown names fail with server_not_found', () => {
  const config = parseConfig('[mcp_servers.local]\ncommand = "x"\n', { path: 'c.toml' });
  const resolved = resolveServer(config, 'local');
  assert.equal(resolved.oauth, undefined);
  assert.equal(resolved.server.transport, 'stdio');
  assert.throws(
    () => resolveServer(config, 'nope'),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.code === 'server_not_found' &&
      error.message === 'c.toml: mcp_servers.nope: no such server; configured: local',
  );
});

test('the resolved view is frozen', () => {
  const resolved = resolveServer(server(''), 's', { issuer: 'https://accounts.google.com' });
  assert.ok(Object.isFrozen(resolved.oauth?.extraAuthorizeParams));
});

test('oauth.grant: device_code from the config, else authorization_code by default; other values refused', () => {
  assert.deepEqual(oauthOf('grant = "device_code"').grant, {
    value: 'device_code',
    source: 'config',
    detail: 'mcp_servers.s.oauth.grant',
  });
  assert.equal(oauthOf('').grant.value, 'authorization_code');
  assert.equal(oauthOf('').grant.source, 'default');
  assert.throws(
    () => server('grant = "implicit"'),
    (error: unknown) =>
      error instanceof ConfigError && error.issues.some((i) => i.path === 'mcp_servers.s.oauth.grant'),
  );
});

test('device requests leave off the browser-only params: prompt everywhere, Google access_type too', () => {
  const google = oauthOf('', 'https://accounts.google.com');
  assert.deepEqual(extraAuthorizeParamsFor(google), { access_type: 'offline', prompt: 'consent' });
  assert.deepEqual(deviceAuthorizeParamsFor(google), {});
  // Explicitly configured keys are dropped too: the device endpoint has no page for them.
  const configured = oauthOf(
    'provider = "google"\nextra_authorize_params = { access_type = "offline", login_hint = "a@b.c" }',
  );
  assert.deepEqual(deviceAuthorizeParamsFor(configured), { login_hint: 'a@b.c' });
  const generic = oauthOf('extra_authorize_params = { prompt = "consent", audience = "api" }');
  assert.deepEqual(deviceAuthorizeParamsFor(generic), { audience: 'api' });
  // Auth0 keeps its audience (its device flow documents it).
  const auth0 = oauthOf('', 'https://acme.us.auth0.com/');
  assert.deepEqual(deviceAuthorizeParamsFor(auth0, { resource: 'https://mcp.example.com/mcp' }), {
    audience: 'https://mcp.example.com/mcp',
  });
});
