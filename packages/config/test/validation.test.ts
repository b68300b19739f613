import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  type ConfigIssue,
  type HttpServerConfig,
  loadConfig,
  parseConfig,
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
  resolveServer,
} from '@mcp-oauth/config';

function configError(text: string, path = 'config.toml'): ConfigError {
  try {
    parseConfig(text, { path });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the config to be refused');
}

function onlyIssue(text: string): ConfigIssue {
  const error = configError(text);
  assert.equal(error.code, 'config_invalid');
  assert.equal(error.issues.length, 1, error.message);
  return error.issues[0] as ConfigIssue;
}

const http = (extra: string, oauth = '') =>
  `[mcp_servers.gmail]\nurl = "https://gmailmcp.googleapis.com/mcp/v1"\n${extra}\n${oauth === '' ? '' : `[mcp_servers.gmail.oauth]\n${oauth}\n`}`;

test('the message names file and dotted key path, as in the issue example', () => {
  const error = configError(http('', 'extra_authorize_params = { state = "abc" }'));
  assert.equal(error.issues.length, 1);
  assert.match(
    error.message,
    /^config\.toml: mcp_servers\.gmail\.oauth\.extra_authorize_params\.state: reserved /,
  );
  assert.deepEqual(error.issues[0], {
    path: 'mcp_servers.gmail.oauth.extra_authorize_params.state',
    message:
      'reserved parameter "state": the client sends a fresh random value per request and checks it on the callback, against CSRF; it cannot be configured',
    line: 5,
    column: 28,
  });
  assert.equal(error.file, 'config.toml');
  assert.equal(error.retryable, false);
});

test('every protocol-owned authorize parameter is refused, naming the key, why, and the field to use', () => {
  assert.deepEqual(Object.keys(RESERVED_AUTHORIZE_PARAMS).sort(), [
    'client_id',
    'code_challenge',
    'code_challenge_method',
    'redirect_uri',
    'resource',
    'response_type',
    'scope',
    'state',
  ]);
  const instead: Record<string, RegExp> = {
    client_id: /use mcp_servers\.gmail\.oauth\.client_id instead$/,
    redirect_uri: /use mcp_servers\.gmail\.oauth\.callback_port or mcp_oauth_callback_url instead$/,
    resource: /use mcp_servers\.gmail\.oauth\.resource instead$/,
    scope: /use mcp_servers\.gmail\.scopes instead$/,
    response_type: /it cannot be configured$/,
    state: /it cannot be configured$/,
    code_challenge: /PKCE.*it cannot be configured$/,
    code_challenge_method: /S256.*it cannot be configured$/,
  };
  for (const [key, reserved] of Object.entries(RESERVED_AUTHORIZE_PARAMS)) {
    const issue = onlyIssue(http('', `extra_authorize_params = { ${key} = "x" }`));
    assert.equal(issue.path, `mcp_servers.gmail.oauth.extra_authorize_params.${key}`);
    assert.ok(issue.message.startsWith(`reserved parameter "${key}": ${reserved.why}`), issue.message);
    assert.match(issue.message, instead[key] as RegExp);
  }
});

test('reserved names are refused in any case, as the authorize step refuses them', () => {
  const issue = onlyIssue(http('', 'extra_authorize_params = { Resource = "https://other.example" }'));
  assert.equal(issue.path, 'mcp_servers.gmail.oauth.extra_authorize_params.Resource');
  assert.match(issue.message, /^reserved parameter "resource": /);
  const token = onlyIssue(http('', 'extra_token_params = { GRANT_TYPE = "x" }'));
  assert.match(token.message, /^reserved parameter "grant_type": /);
});

test('every protocol-owned token parameter is refused', () => {
  assert.deepEqual(Object.keys(RESERVED_TOKEN_PARAMS).sort(), [
    'client_id',
    'client_secret',
    'code',
    'code_verifier',
    'grant_type',
    'redirect_uri',
    'refresh_token',
    'resource',
    'scope',
  ]);
  for (const key of Object.keys(RESERVED_TOKEN_PARAMS)) {
    const issue = onlyIssue(http('', `extra_token_params = { ${key} = "x" }`));
    assert.equal(issue.path, `mcp_servers.gmail.oauth.extra_token_params.${key}`);
    assert.match(issue.message, new RegExp(`^reserved parameter "${key}": `));
  }
  assert.match(
    onlyIssue(http('', 'extra_token_params = { client_secret = "x" }')).message,
    /use mcp_servers\.gmail\.oauth\.client_secret_env_var instead$/,
  );
});

test('parameter values must be strings', () => {
  const issue = onlyIssue(http('', 'extra_authorize_params = { max_age = 300 }'));
  assert.equal(issue.path, 'mcp_servers.gmail.oauth.extra_authorize_params.max_age');
  assert.equal(issue.message, 'must be a string (quote numbers and booleans) (found an integer)');
  const table = onlyIssue(http('', 'extra_token_params = "audience=x"'));
  assert.equal(table.message, 'must be a table of strings, e.g. { key = "value" } (found a string)');
});

test('URLs must be https unless loopback', () => {
  const issue = onlyIssue('[mcp_servers.s]\nurl = "http://mcp.example.com/mcp"\n');
  assert.equal(issue.path, 'mcp_servers.s.url');
  assert.match(issue.message, /^must use https \(plain http is allowed only for loopback hosts/);
  for (const url of ['http://127.0.0.1:3000/mcp', 'http://localhost:3000/mcp', 'http://[::1]:3000/mcp']) {
    const config = parseConfig(`[mcp_servers.s]\nurl = "${url}"\n`);
    assert.equal((config.servers[0] as HttpServerConfig).url, url);
  }
  assert.match(onlyIssue('[mcp_servers.s]\nurl = "ftp://x/mcp"\n').message, /^must be an https URL/);
  assert.match(onlyIssue('[mcp_servers.s]\nurl = "mcp.example.com"\n').message, /^must be an absolute URL/);
  const metadata = onlyIssue(http('', 'client_metadata_url = "http://cli.example.com/c.json"'));
  assert.equal(metadata.path, 'mcp_servers.gmail.oauth.client_metadata_url');
  const callback = onlyIssue('mcp_oauth_callback_url = "http://example.com/cb"\n');
  assert.equal(callback.path, 'mcp_oauth_callback_url');
});

test('resource must be "auto", false, or an absolute URI without fragment', () => {
  assert.match(
    onlyIssue(http('', 'resource = "mcp/v1"')).message,
    /^must be "auto", false, or an absolute URI/,
  );
  assert.match(
    onlyIssue(http('', 'resource = "https://gmailmcp.googleapis.com/mcp/v1#x"')).message,
    /^must not contain a fragment .*RFC 8707/,
  );
  assert.equal(onlyIssue(http('', 'resource = true')).message, 'must be "auto", an absolute URI, or false');
  assert.equal(
    onlyIssue(http('oauth_resource = "https://x.example/#f"')).path,
    'mcp_servers.gmail.oauth_resource',
  );
  const entra = parseConfig(http('', 'resource = "api://my-app-id"'));
  assert.deepEqual((entra.servers[0] as HttpServerConfig).oauth.resource, {
    kind: 'uri',
    uri: 'api://my-app-id',
  });
});

test('oauth_resource and oauth.resource set differently is an error', () => {
  const issue = onlyIssue(
    http('oauth_resource = "https://a.example/mcp"', 'resource = "https://b.example/mcp"'),
  );
  assert.equal(issue.path, 'mcp_servers.gmail.oauth.resource');
  assert.match(
    issue.message,
    /^conflicts with mcp_servers\.gmail\.oauth_resource = "https:\/\/a\.example\/mcp"/,
  );
  assert.equal(
    onlyIssue(http('oauth_resource = "https://a.example/mcp"', 'resource = false')).path,
    issue.path,
  );
});

test('server names are [A-Za-z0-9_-]+', () => {
  const issue = onlyIssue('[mcp_servers."my server"]\nurl = "https://x.example/mcp"\n');
  assert.equal(issue.path, 'mcp_servers."my server"');
  assert.equal(issue.message, 'server names may contain only letters, digits, "_" and "-", got "my server"');
});

test('an inline bearer token is refused with a pointer to the env var key', () => {
  const bearer = onlyIssue(http('bearer_token = "ghp_123"'));
  assert.equal(bearer.path, 'mcp_servers.gmail.bearer_token');
  assert.match(bearer.message, /not allowed .*set mcp_servers\.gmail\.bearer_token_env_var = "VAR_NAME"$/);
  assert.doesNotMatch(bearer.message, /ghp_123/);
});

test('an inline client secret is accepted (Codex writes it), but not with client_secret_env_var or without client_id', () => {
  const config = parseConfig(http('', 'client_id = "c"\nclient_secret = "fake-s3cr3t"'));
  assert.equal((config.servers[0] as HttpServerConfig).oauth.clientSecret, 'fake-s3cr3t');
  const both = onlyIssue(
    http('', 'client_id = "c"\nclient_secret = "fake-s3cr3t"\nclient_secret_env_var = "X"'),
  );
  assert.equal(both.path, 'mcp_servers.gmail.oauth.client_secret');
  assert.equal(
    both.message,
    'set either mcp_servers.gmail.oauth.client_secret (inline) or mcp_servers.gmail.oauth.client_secret_env_var, not both',
  );
  const alone = onlyIssue(http('', 'client_secret = "fake-s3cr3t"'));
  assert.match(alone.message, /^needs mcp_servers\.gmail\.oauth\.client_id/);
  assert.doesNotMatch(both.message + alone.message, /fake-s3cr3t/);
});

test('callback URLs must be http loopback URLs (port optional, as Codex writes them) without query, fragment or user', () => {
  for (const url of [
    'http://127.0.0.1:8976/oauth/cb',
    'http://localhost:1/',
    'http://[::1]:65535/x/y',
    'http://127.0.0.1/callback/9biCUt7SMRWF',
  ]) {
    const config = parseConfig(`mcp_oauth_callback_url = "${url}"\n${http('', `callback_url = "${url}"`)}`);
    assert.equal(config.callbackUrl, url);
    assert.equal((config.servers[0] as HttpServerConfig).oauth.callbackUrl, url);
  }
  const cases: [string, RegExp][] = [
    ['https://127.0.0.1:8976/cb', /^must use http /],
    ['http://127.0.0.2:8976/cb', /^host must be 127\.0\.0\.1, localhost or \[::1\]/],
    ['http://example.com:8976/cb', /^host must be/],
    ['http://127.0.0.1:80/cb', /^must not use port 80/],
    ['http://127.0.0.1:8976/cb?x=1', /^must not contain a query/],
    ['http://127.0.0.1:8976/cb#f', /^must not contain a fragment/],
    ['http://u:p@127.0.0.1:8976/cb', /^must not contain a user name or password$/],
    ['/cb', /^must be an absolute URL/],
  ];
  for (const [url, message] of cases) {
    const perServer = onlyIssue(http('', `callback_url = "${url}"`));
    assert.equal(perServer.path, 'mcp_servers.gmail.oauth.callback_url', url);
    assert.match(perServer.message, message, url);
    const top = onlyIssue(`mcp_oauth_callback_url = "${url}"\n`);
    assert.equal(top.path, 'mcp_oauth_callback_url', url);
  }
});

test('unknown keys in the oauth table are errors, with a suggestion', () => {
  const issue = onlyIssue(http('', 'extra_authorise_params = { access_type = "offline" }'));
  assert.equal(issue.path, 'mcp_servers.gmail.oauth.extra_authorise_params');
  assert.equal(issue.message, 'unknown key in the oauth table; did you mean "extra_authorize_params"?');
});

test('an oauth key written at server level is an error, not a silent no-op', () => {
  const issue = onlyIssue(http('extra_authorize_params = { access_type = "offline" }'));
  assert.equal(issue.path, 'mcp_servers.gmail.extra_authorize_params');
  assert.match(issue.message, /^belongs in the oauth table: write it under \[mcp_servers\.gmail\.oauth\]/);
});

test('transport rules follow Codex', () => {
  assert.equal(
    onlyIssue('[mcp_servers.s]\nurl = "https://x.example/mcp"\ncommand = "x"\n').message,
    'set either url (streamable HTTP server) or command (stdio server), not both',
  );
  assert.equal(
    onlyIssue('[mcp_servers.s]\nenabled = true\n').message,
    'needs url (streamable HTTP server) or command (stdio server)',
  );
  const args = onlyIssue('[mcp_servers.s]\nurl = "https://x.example/mcp"\nargs = ["a"]\n');
  assert.equal(args.path, 'mcp_servers.s.args');
  assert.match(args.message, /^not supported for a streamable HTTP server/);
  const oauth = onlyIssue('[mcp_servers.s]\ncommand = "x"\n[mcp_servers.s.oauth]\nclient_id = "c"\n');
  assert.equal(oauth.path, 'mcp_servers.s.oauth');
  assert.match(oauth.message, /^not supported for a stdio server/);
});

test('registration, client secret and port rules', () => {
  assert.equal(
    onlyIssue(http('', 'registration = "preregistered"')).message,
    '"preregistered" needs mcp_servers.gmail.oauth.client_id',
  );
  assert.equal(
    onlyIssue(http('', 'registration = "cimd"')).message,
    '"cimd" needs mcp_servers.gmail.oauth.client_metadata_url',
  );
  assert.equal(
    onlyIssue(http('', 'registration = "magic"')).message,
    'must be one of "auto", "preregistered", "cimd", "dcr"',
  );
  assert.match(
    onlyIssue(http('', 'client_secret_env_var = "X"')).message,
    /^needs mcp_servers\.gmail\.oauth\.client_id/,
  );
  assert.match(
    onlyIssue(http('', 'client_id = "c"\nclient_secret_env_var = "GOCSPX-abc/def"')).message,
    /^must be the name of an environment variable/,
  );
  assert.equal(onlyIssue(http('', 'callback_port = 70000')).message, 'must be between 1 and 65535');
  assert.equal(onlyIssue(http('', 'provider = "okta"')).path, 'mcp_servers.gmail.oauth.provider');
});

test('the keyv store needs a URL', () => {
  const issue = onlyIssue('mcp_oauth_credentials_store = "keyv"\n');
  assert.equal(issue.path, 'mcp_oauth_keyv_url');
  assert.match(issue.message, /^is required when mcp_oauth_credentials_store = "keyv"/);
  assert.equal(onlyIssue('mcp_oauth_credentials_store = "vault"\n').path, 'mcp_oauth_credentials_store');
});

test('a TOML syntax error reports file, line and column', () => {
  const error = configError('[mcp_servers.s]\nurl = "https://x.example/mcp"\nscopes = [\n', 'config.toml');
  assert.equal(error.code, 'config_syntax');
  assert.equal(error.issues.length, 1);
  const issue = error.issues[0] as ConfigIssue;
  assert.equal(issue.line, 4);
  assert.equal(typeof issue.column, 'number');
  assert.match(error.message, /^config\.toml:4:\d+: invalid TOML: /);
});

test('all errors of a file are reported together, in file order', () => {
  const error = configError(`
[mcp_servers.a]
url = "http://a.example/mcp"
bearer_token = "t"

[mcp_servers.b]
url = "https://b.example/mcp"

[mcp_servers.b.oauth]
extra_authorize_params = { scope = "x", access_type = "offline" }
extra_authorise_params = {}
callback_port = 0
`);
  assert.equal(error.code, 'config_invalid');
  assert.deepEqual(
    error.issues.map((issue) => [issue.path, issue.line]),
    [
      ['mcp_servers.a.url', 3],
      ['mcp_servers.a.bearer_token', 4],
      ['mcp_servers.b.oauth.extra_authorize_params.scope', 10],
      ['mcp_servers.b.oauth.extra_authorise_params', 11],
      ['mcp_servers.b.oauth.callback_port', 12],
    ],
  );
  assert.match(error.message, /^5 problems:\n {2}config\.toml: mcp_servers\.a\.url: /);
});

test('loadConfig reads a file, reports a missing one, or loads it as empty with missingOk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-config-'));
  try {
    const path = join(dir, 'config.toml');
    await assert.rejects(
      loadConfig(path),
      (error: unknown) => error instanceof ConfigError && error.code === 'config_not_found',
    );
    assert.deepEqual(await loadConfig(path, { missingOk: true }), { path, servers: [], warnings: [] });
    await writeFile(path, '[mcp_servers.s]\nurl = "https://x.example/mcp"\n');
    assert.equal((await loadConfig(path)).servers[0]?.name, 's');
    await writeFile(path, '[mcp_servers.s]\nurl = 1\n');
    await assert.rejects(loadConfig(path), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'config_invalid');
      assert.ok(error.message.startsWith(`${path}: mcp_servers.s.url: must be a string`), error.message);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('oauth.dpop: "auto", true or false; anything else is refused with the allowed values', () => {
  const issue = onlyIssue(http('', 'dpop = "yes"'));
  assert.equal(issue.message, 'must be "auto", true or false');
  for (const value of ['"auto"', 'true', 'false']) {
    const parsed = parseConfig(http('', `dpop = ${value}`));
    const server = parsed.servers[0] as HttpServerConfig;
    assert.equal(server.oauth.dpop, JSON.parse(value));
  }
  const resolved = resolveServer(parseConfig(http('')), 'gmail');
  assert.equal(resolved.oauth?.dpop.value, 'auto');
  assert.equal(resolved.oauth?.dpop.source, 'default');
});

test('Codex 0.171 rules: authorization_server_issuer and token_endpoint_auth_method need auth = "ema_auth"', () => {
  const issuer = onlyIssue(
    http('', 'client_id = "c"\nauthorization_server_issuer = "https://as.example.com"'),
  );
  assert.equal(issuer.path, 'mcp_servers.gmail.oauth.authorization_server_issuer');
  assert.match(
    issuer.message,
    /^requires mcp_servers\.gmail\.auth = "ema_auth" \(Codex refuses it otherwise\)/,
  );
  const method = configError(http('', 'client_id = "c"\ntoken_endpoint_auth_method = "client_secret_post"'));
  assert.deepEqual(
    method.issues.map((i) => i.message.slice(0, 40)),
    ['requires mcp_servers.gmail.auth = "ema_a', 'requires mcp_servers.gmail.oauth.client_'],
  );
  const ok = parseConfig(
    http(
      'auth = "ema_auth"',
      'client_id = "c"\nclient_secret = "fake-s3cr3t"\nauthorization_server_issuer = "https://as.example.com"\ntoken_endpoint_auth_method = "client_secret_basic"',
    ),
  );
  const server = ok.servers[0] as HttpServerConfig;
  assert.equal(server.auth, 'ema_auth');
  assert.equal(server.oauth.authorizationServerIssuer, 'https://as.example.com');
  assert.equal(server.oauth.tokenEndpointAuthMethod, 'client_secret_basic');
  assert.match(onlyIssue(http('auth = "sso"')).message, /^must be one of "oauth", "chatgpt", "ema_auth"/);
});

test('Codex 0.171 server keys: approval mode "writes", http_headers_helper, startup_readiness, environment_id', () => {
  const config = parseConfig(
    http(
      'default_tools_approval_mode = "writes"\nhttp_headers_helper = "helper --json"\nstartup_readiness = "connection"\nenvironment_id = "dev"\ntools.search.approval_mode = "writes"',
    ),
  );
  const server = config.servers[0] as HttpServerConfig;
  assert.equal(server.defaultToolsApprovalMode, 'writes');
  assert.equal(server.httpHeadersHelper, 'helper --json');
  assert.equal(server.startupReadiness, 'connection');
  assert.equal(server.environmentId, 'dev');
  assert.deepEqual(config.warnings, []);
  assert.match(
    onlyIssue(http('startup_readiness = "soon"')).message,
    /^must be one of "connection", "catalog"/,
  );
  const stdio = onlyIssue('[mcp_servers.x]\ncommand = "x"\nhttp_headers_helper = "y"\n');
  assert.equal(stdio.path, 'mcp_servers.x.http_headers_helper');
});

test('a callback_url port and a different callback_port are an error naming both', () => {
  const issue = onlyIssue(http('', 'callback_url = "http://127.0.0.1:8976/cb"\ncallback_port = 8977'));
  assert.equal(issue.path, 'mcp_servers.gmail.oauth.callback_port');
  assert.match(issue.message, /^is 8977 but mcp_servers\.gmail\.oauth\.callback_url names port 8976/);
});

test('Codex enterprise top-level keys: parsed with Codex rules, the IdP secret kept but only as a value', () => {
  const config = parseConfig(
    'mcp_optional_startup_grace_ms = 1500\n[features]\nuse_xaa = true\nother_flag = "ignored"\n[mcp_enterprise_managed_auth.idp]\nissuer = "https://idp.example.com"\nclient_id = "idp"\nclient_secret = "fake-s3cr3t"\ntoken_endpoint_auth_method = "client_secret_post"\n',
  );
  assert.equal(config.optionalStartupGraceMs, 1500);
  assert.equal(config.useXaa, true);
  assert.deepEqual(config.enterpriseIdp, {
    issuer: 'https://idp.example.com',
    clientId: 'idp',
    clientSecret: 'fake-s3cr3t',
    tokenEndpointAuthMethod: 'client_secret_post',
  });
  const noSecret = onlyIssue(
    '[mcp_enterprise_managed_auth.idp]\nissuer = "https://idp.example.com"\nclient_id = "idp"\ntoken_endpoint_auth_method = "client_secret_post"\n',
  );
  assert.equal(noSecret.path, 'mcp_enterprise_managed_auth.idp.token_endpoint_auth_method');
  const unknown = configError('[mcp_enterprise_managed_auth.idp]\nissuer = "https://idp.example.com"\n');
  assert.equal(unknown.code, 'config_invalid');
  assert.ok(unknown.issues.some((i) => i.path.startsWith('mcp_enterprise_managed_auth.idp')));
  assert.equal(onlyIssue('[features]\nuse_xaa = "yes"\n').path, 'features.use_xaa');
});

test('a near miss of an MCP top-level key or of [mcp_servers.X] is a warning with a suggestion', () => {
  const config = parseConfig(
    'mcp_oauth_calback_url = "http://127.0.0.1:1/cb"\nmcp_oauth_credential_store = "file"\n[mcp_server.docs]\nurl = "https://mcp.example.com/mcp"\n',
  );
  assert.deepEqual(
    config.warnings.map((w) => [w.path, w.message]),
    [
      ['mcp_oauth_calback_url', 'unknown key, ignored (did you mean "mcp_oauth_callback_url"?)'],
      ['mcp_oauth_credential_store', 'unknown key, ignored (did you mean "mcp_oauth_credentials_store"?)'],
      [
        'mcp_server',
        'unknown table, ignored: did you mean [mcp_servers.NAME]? (servers are read only from mcp_servers)',
      ],
    ],
  );
  assert.deepEqual(config.servers, []);
});

test("Codex 0.171's other top-level keys stay silent", () => {
  // The top-level keys of Codex 0.171.0's ConfigToml (from the binary), each with a value of some type.
  const codexKeys = `model review_model model_context_window model_auto_compact_token_limit approval_policy
    approvals_reviewer auto_review browser_use computer_use shell_environment_policy allow_login_shell sandbox_mode
    sandbox_workspace_write default_permissions permissions notify instructions developer_instructions
    compact_prompt forced_chatgpt_workspace_id forced_login_method cli_auth_credentials_store model_providers
    project_doc_max_bytes tool_output_token_limit history sqlite_home log_dir file_opener tui
    hide_agent_reasoning model_reasoning_effort model_verbosity personality service_tier apps_mcp_product_sku
    responses orchestrator cloud openai_base_url audio tools tool_suggest code_mode goals hooks plugins
    ghost_snapshot project_root_markers check_for_update_on_startup analytics desktop notice oss_provider
    profiles profile projects otel features`.split(/\s+/);
  const config = parseConfig(codexKeys.map((key, i) => `${key} = ${i}`).join('\n'));
  assert.deepEqual(config.warnings, []);
});
