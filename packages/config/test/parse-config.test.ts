import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  ConfigError,
  type HttpServerConfig,
  parseConfig,
  type StdioServerConfig,
  validateConfig,
} from '@mcp-oauth/config';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('a Codex config using every Codex key loads with Codex meaning', async () => {
  const config = parseConfig(await fixture('codex-every-key.toml'), { path: 'config.toml' });
  assert.equal(config.path, 'config.toml');
  assert.equal(config.credentialsStore, 'file');
  assert.equal(config.callbackPort, 4321);
  assert.equal(config.callbackUrl, 'http://localhost:4321/callback');
  assert.deepEqual(config.warnings, []);
  assert.deepEqual(
    config.servers.map((s) => s.name),
    ['docs', 'linear'],
  );

  const docs = config.servers[0] as StdioServerConfig;
  assert.deepEqual(docs, {
    name: 'docs',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@acme/docs-mcp'],
    env: { DOCS_LANG: 'en' },
    envVars: [{ name: 'HOME' }, { name: 'ACME_TOKEN', source: 'local' }],
    cwd: '/srv/docs',
    enabled: true,
    required: true,
    startupTimeoutMs: 20000,
    toolTimeoutMs: 45500,
    enabledTools: ['search', 'fetch'],
    disabledTools: ['fetch'],
    supportsParallelToolCalls: true,
    defaultToolsApprovalMode: 'prompt',
    tools: { search: { approvalMode: 'approve' } },
    experimentalEnvironment: 'local',
    unknownKeys: [],
  });

  const linear = config.servers[1] as HttpServerConfig;
  assert.deepEqual(linear, {
    name: 'linear',
    transport: 'streamable_http',
    url: 'https://mcp.linear.app/mcp',
    bearerTokenEnvVar: 'LINEAR_TOKEN',
    httpHeaders: { 'X-Team': 'core' },
    envHttpHeaders: { 'X-Api-Key': 'LINEAR_API_KEY' },
    scopes: ['read', 'write'],
    enabled: false,
    required: false,
    // Codex: startup_timeout_sec wins over startup_timeout_ms.
    startupTimeoutMs: 12500,
    supportsParallelToolCalls: false,
    unknownKeys: [],
    oauth: {
      clientId: 'linear-cli',
      callbackPort: 5555,
      // Codex's oauth_resource maps to resource = "<uri>".
      resource: { kind: 'uri', uri: 'https://mcp.linear.app/mcp' },
      resourceKey: 'oauth_resource',
    },
  });
});

test('the result is deeply frozen', async () => {
  const config = parseConfig(await fixture('codex-every-key.toml'));
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.servers));
  const linear = config.servers[1] as HttpServerConfig;
  assert.ok(Object.isFrozen(linear.oauth));
  assert.throws(() => {
    (linear.scopes as string[]).push('admin');
  }, TypeError);
});

test('every new oauth key parses into typed values', () => {
  const config = parseConfig(`
mcp_oauth_credentials_store = "keyv"
mcp_oauth_keyv_url = "redis://127.0.0.1:6379"

[mcp_servers.gmail]
url = "https://gmailmcp.googleapis.com/mcp/v1"

[mcp_servers.gmail.oauth]
client_id = "1234.apps.googleusercontent.com"
client_secret_env_var = "GMAIL_MCP_CLIENT_SECRET"
callback_port = 8765
registration = "preregistered"
client_metadata_url = "https://cli.example.com/client.json"
provider = "google"
resource = false
extra_authorize_params = { access_type = "offline", prompt = "consent" }
extra_token_params = { audience = "gmail" }
allow_missing_pkce_metadata = true
allow_issuer_mismatch = true
`);
  assert.equal(config.credentialsStore, 'keyv');
  assert.equal(config.keyvUrl, 'redis://127.0.0.1:6379');
  const gmail = config.servers[0] as HttpServerConfig;
  assert.deepEqual(gmail.oauth, {
    clientId: '1234.apps.googleusercontent.com',
    clientSecretEnvVar: 'GMAIL_MCP_CLIENT_SECRET',
    callbackPort: 8765,
    registration: 'preregistered',
    clientMetadataUrl: 'https://cli.example.com/client.json',
    provider: 'google',
    resource: { kind: 'off' },
    resourceKey: 'oauth.resource',
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    extraTokenParams: { audience: 'gmail' },
    allowMissingPkceMetadata: true,
    allowIssuerMismatch: true,
  });
});

test('resource = "auto" and an explicit URI parse; oauth_resource equal to resource is accepted', () => {
  const config = parseConfig(`
[mcp_servers.a]
url = "https://a.example.com/mcp"
oauth = { resource = "auto" }

[mcp_servers.b]
url = "https://b.example.com/mcp"
oauth_resource = "https://b.example.com/mcp"
oauth = { resource = "https://b.example.com/mcp" }
`);
  const [a, b] = config.servers as HttpServerConfig[];
  assert.deepEqual(a?.oauth.resource, { kind: 'auto' });
  assert.deepEqual(b?.oauth.resource, { kind: 'uri', uri: 'https://b.example.com/mcp' });
});

test('other top-level Codex keys are ignored silently; unknown server keys warn by name', () => {
  const config = parseConfig(
    `
model = "o3"
notify = ["say", "done"]
[tui]
notifications = true

[mcp_servers.s]
url = "https://s.example.com/mcp"
future_codex_key = 1
bearer_token_env = "X"
`,
    { path: 'config.toml' },
  );
  assert.deepEqual(config.warnings, [
    { path: 'mcp_servers.s.future_codex_key', message: 'unknown key, ignored', line: 9, column: 1 },
    {
      path: 'mcp_servers.s.bearer_token_env',
      message: 'unknown key, ignored (did you mean "bearer_token_env_var"?)',
      line: 10,
      column: 1,
    },
  ]);
  assert.deepEqual(config.servers[0]?.unknownKeys, ['future_codex_key', 'bearer_token_env']);
});

test('an empty file is an empty config', () => {
  assert.deepEqual(parseConfig(''), { servers: [], warnings: [] });
});

test('validateConfig takes an already-parsed object (embedders without files)', () => {
  const config = validateConfig({ mcp_servers: { s: { url: 'http://127.0.0.1:3000/mcp' } } });
  assert.equal((config.servers[0] as HttpServerConfig).url, 'http://127.0.0.1:3000/mcp');
  assert.throws(
    () => validateConfig({ mcp_servers: { s: { url: 3 } } }),
    (error: unknown) => error instanceof ConfigError && error.code === 'config_invalid',
  );
});
