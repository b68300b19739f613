import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerDetailsJson } from '@mcp-oauth/cli';
import { type Sandbox, sandbox } from './cli-sandbox.js';

let box: Sandbox;
before(async () => {
  box = await sandbox();
});
after(() => box.cleanup());

const COMMENTED = `# my MCP servers
model = "o3"   # Codex's own key, ignored

# Linear, dynamic registration
[mcp_servers.linear]
url = "https://mcp.linear.app/mcp"
http_headers = { "X-Api-Key" = "hdr-secret-value" }
future_key = true

[mcp_servers.docs]
command = "npx"
args = ["-y", "@acme/docs-mcp"]   # pinned
env = { DOCS_TOKEN = "env-secret-value" }
`;

async function writeConfig(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

test('list on a missing config is empty; list --json has the documented shape', async () => {
  const empty = await box.run(['list', '--json', '--config', join(box.dir, 'none', 'config.toml')]);
  assert.equal(empty.code, 3, 'an explicit --config must exist');
  assert.match(empty.stderr, /none\/config\.toml: file not found/);

  const missing = await box.run(['list', '--json']);
  assert.equal(missing.code, 0);
  assert.deepEqual(JSON.parse(missing.stdout), {
    schema_version: 1,
    config_path: box.configPath,
    servers: [],
    codex: { mcp_optional_startup_grace_ms: null, use_xaa: null, mcp_enterprise_managed_auth: null },
    warnings: [],
  });

  await writeConfig(box.configPath, COMMENTED);
  const result = await box.run(['list', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    schema_version: 1,
    config_path: box.configPath,
    servers: [
      {
        name: 'linear',
        transport: 'streamable_http',
        enabled: true,
        required: false,
        url: 'https://mcp.linear.app/mcp',
        command: null,
        args: [],
        auth: 'oauth',
        bearer_token_env_var: null,
        provider: null,
      },
      {
        name: 'docs',
        transport: 'stdio',
        enabled: true,
        required: false,
        url: null,
        command: 'npx',
        args: ['-y', '@acme/docs-mcp'],
        auth: 'none',
        bearer_token_env_var: null,
        provider: null,
      },
    ],
    codex: { mcp_optional_startup_grace_ms: null, use_xaa: null, mcp_enterprise_managed_auth: null },
    warnings: [
      { path: 'mcp_servers.linear.future_key', message: 'unknown key, ignored', line: 8, column: 1 },
    ],
  });
  assert.equal(
    result.stderr,
    `mcp-oauth: warning: ${box.configPath}: mcp_servers.linear.future_key: unknown key, ignored (line 8)\n`,
  );

  const human = await box.run(['list']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^NAME +TRANSPORT +ENABLED +AUTH +URL \/ COMMAND\n/);
  assert.match(human.stdout, /\nlinear +streamable_http +yes +oauth +https:\/\/mcp\.linear\.app\/mcp\n/);
  assert.match(human.stdout, /\ndocs +stdio +yes +- +npx -y @acme\/docs-mcp\n$/);
});

test('add and remove through the CLI keep the commented file intact', async () => {
  await writeConfig(box.configPath, COMMENTED);
  const added = await box.run([
    'add',
    'gmail',
    '--url',
    'https://gmailmcp.googleapis.com/mcp/v1',
    '--scopes',
    'https://www.googleapis.com/auth/gmail.readonly,openid',
    '--oauth-client-id',
    '1234.apps.googleusercontent.com',
    '--oauth-client-secret-env-var',
    'GMAIL_MCP_CLIENT_SECRET',
    '--provider',
    'google',
    '--oauth-resource',
    'https://gmailmcp.googleapis.com/mcp/v1',
    '--extra-authorize-param',
    'login_hint=me@example.com',
  ]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, `Added server gmail in ${box.configPath}.\n`);
  const text = await readFile(box.configPath, 'utf8');
  assert.equal(
    text,
    `${COMMENTED}
[mcp_servers.gmail]
url = "https://gmailmcp.googleapis.com/mcp/v1"
scopes = ["https://www.googleapis.com/auth/gmail.readonly", "openid"]

[mcp_servers.gmail.oauth]
client_id = "1234.apps.googleusercontent.com"
client_secret_env_var = "GMAIL_MCP_CLIENT_SECRET"
provider = "google"
resource = "https://gmailmcp.googleapis.com/mcp/v1"
extra_authorize_params = { login_hint = "me@example.com" }
`,
  );

  const stdio = await box.run(['add', 'fs', '--env', 'ROOT=/srv', '--', 'mcp-fs', '--read-only', '/srv']);
  assert.equal(stdio.code, 0, stdio.stderr);
  assert.ok(
    (await readFile(box.configPath, 'utf8')).endsWith(
      '\n[mcp_servers.fs]\ncommand = "mcp-fs"\nargs = ["--read-only", "/srv"]\nenv = { ROOT = "/srv" }\n',
    ),
  );

  const off = await box.run([
    'add',
    'entra',
    '--url',
    'https://mcp.contoso.com/mcp',
    '--no-oauth-resource',
    '--provider',
    'entra',
  ]);
  assert.equal(off.code, 0, off.stderr);
  assert.ok(
    (await readFile(box.configPath, 'utf8')).includes(
      '[mcp_servers.entra.oauth]\nprovider = "entra"\nresource = false\n',
    ),
  );

  for (const name of ['entra', 'fs', 'gmail']) assert.equal((await box.run(['remove', name])).code, 0);
  assert.equal(await readFile(box.configPath, 'utf8'), COMMENTED);
});

test('add refuses invalid values with exit 3, naming the key, and writes nothing', async () => {
  await writeConfig(box.configPath, COMMENTED);
  const reserved = await box.run([
    'add',
    'x',
    '--url',
    'https://x.example/mcp',
    '--extra-authorize-param',
    'state=abc',
    '--extra-authorize-param',
    'resource=https://x.example/mcp',
  ]);
  assert.equal(reserved.code, 3);
  assert.equal(reserved.stdout, '');
  assert.match(reserved.stderr, /^mcp-oauth: error: 2 problems:\n/);
  assert.ok(
    reserved.stderr.includes(
      `${box.configPath}: mcp_servers.x.oauth.extra_authorize_params.state: reserved parameter "state"`,
    ),
  );
  assert.ok(reserved.stderr.includes('use mcp_servers.x.oauth.resource instead\n'));

  const insecure = await box.run(['add', 'x', '--url', 'http://x.example/mcp']);
  assert.equal(insecure.code, 3);
  assert.match(insecure.stderr, /mcp_servers\.x\.url: must use https/);

  const exists = await box.run(['add', 'linear', '--url', 'https://x.example/mcp']);
  assert.equal(exists.code, 3);
  assert.match(exists.stderr, /mcp_servers\.linear: already configured; remove it first or use --replace/);

  const badName = await box.run(['add', 'my.server', '--url', 'https://x.example/mcp']);
  assert.equal(badName.code, 3);
  assert.match(badName.stderr, /mcp_servers\."my\.server": server names may contain only letters/);

  assert.equal(await readFile(box.configPath, 'utf8'), COMMENTED);

  const replaced = await box.run(['add', 'linear', '--url', 'https://mcp.linear.app/v2', '--replace']);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.ok(
    (await readFile(box.configPath, 'utf8')).startsWith(
      '# my MCP servers\nmodel = "o3"   # Codex\'s own key, ignored\n\n[mcp_servers.linear]\nurl = "https://mcp.linear.app/v2"\n\n[mcp_servers.docs]\n',
    ),
  );
});

test('remove of an unknown server exits 3', async () => {
  await writeConfig(box.configPath, COMMENTED);
  const result = await box.run(['remove', 'nope']);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /mcp_servers\.nope: no such server/);
  assert.equal(await readFile(box.configPath, 'utf8'), COMMENTED);
});

test('an invalid config exits 3 with every problem on stderr', async () => {
  await writeConfig(
    box.configPath,
    '[mcp_servers.a]\nurl = "https://a.example/mcp"\nbearer_token = "tok-secret"\n[mcp_servers.a.oauth]\nextra_authorise_params = {}\n',
  );
  for (const args of [['list'], ['get', 'a'], ['add', 'b', '--url', 'https://b.example/mcp']]) {
    const result = await box.run(args);
    assert.equal(result.code, 3, args.join(' '));
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.includes('mcp_servers.a.bearer_token: inline bearer tokens are not allowed'));
    assert.ok(
      result.stderr.includes(
        'mcp_servers.a.oauth.extra_authorise_params: unknown key in the oauth table; did you mean "extra_authorize_params"?',
      ),
    );
    assert.ok(!result.stderr.includes('tok-secret'));
  }
  await writeConfig(box.configPath, '[mcp_servers.a]\nurl = "https://a.example/mcp\n');
  const syntax = await box.run(['list']);
  assert.equal(syntax.code, 3);
  assert.match(syntax.stderr, new RegExp(`^mcp-oauth: error: ${box.configPath}:2:\\d+: invalid TOML: `));
});

test('get --json shows effective values with sources and never a secret', async () => {
  await writeConfig(
    box.configPath,
    `${COMMENTED}
[mcp_servers.gmail]
url = "https://gmailmcp.googleapis.com/mcp/v1"
scopes = ["https://www.googleapis.com/auth/gmail.readonly"]

[mcp_servers.gmail.oauth]
client_id = "1234.apps.googleusercontent.com"
client_secret_env_var = "GMAIL_MCP_CLIENT_SECRET"
extra_authorize_params = { prompt = "select_account consent" }
`,
  );
  const result = await box.run(['get', 'gmail', '--json', '--issuer', 'https://accounts.google.com'], {
    GMAIL_MCP_CLIENT_SECRET: 'GOCSPX-super-secret',
  });
  assert.equal(result.code, 0, result.stderr);
  const details = JSON.parse(result.stdout) as ServerDetailsJson;
  const google =
    'profile google (detected: issuer "https://accounts.google.com" has origin https://accounts.google.com)';
  assert.deepEqual(details, {
    schema_version: 1,
    config_path: box.configPath,
    name: 'gmail',
    transport: 'streamable_http',
    enabled: true,
    required: false,
    url: 'https://gmailmcp.googleapis.com/mcp/v1',
    bearer_token_env_var: null,
    http_headers: null,
    env_http_headers: null,
    command: null,
    args: [],
    env: null,
    env_vars: [],
    cwd: null,
    supports_parallel_tool_calls: false,
    default_tools_approval_mode: null,
    tools: null,
    experimental_environment: null,
    auth: null,
    http_headers_helper: null,
    startup_readiness: null,
    environment_id: null,
    startup_timeout_ms: null,
    tool_timeout_ms: null,
    enabled_tools: null,
    disabled_tools: null,
    credentials_store: { value: 'auto', source: 'default', detail: 'auto: OS keyring, file fallback' },
    oauth: {
      provider: {
        value: 'google',
        source: 'issuer',
        detail: 'issuer "https://accounts.google.com" has origin https://accounts.google.com',
      },
      grant: {
        value: 'authorization_code',
        source: 'default',
        detail: 'authorization_code: a browser login (or paste-back); device login on request',
      },
      private_key_file: { value: null, source: 'default', detail: 'none' },
      private_key_env_var: { value: null, source: 'default', detail: 'none' },
      client_assertion_alg: {
        value: null,
        source: 'default',
        detail: "the key's own (its JWK alg, else from its type)",
      },
      client_assertion_kid: { value: null, source: 'default', detail: "the JWK's kid, else none" },
      token_endpoint_auth_method: {
        value: null,
        source: 'default',
        detail:
          'a key: private_key_jwt; a secret: client_secret_basic when the AS lists it, else client_secret_post',
      },
      client_id: {
        value: '1234.apps.googleusercontent.com',
        source: 'config',
        detail: 'mcp_servers.gmail.oauth.client_id',
      },
      client_secret_env_var: {
        value: 'GMAIL_MCP_CLIENT_SECRET',
        source: 'config',
        detail: 'mcp_servers.gmail.oauth.client_secret_env_var',
      },
      client_secret: { value: null, source: 'default', detail: 'none' },
      authorization_server_issuer: {
        value: null,
        source: 'default',
        detail: 'none: discovered from the server',
      },
      registration: {
        value: 'auto',
        source: 'default',
        detail:
          'auto: pre-registered when client_id is set, else CIMD when supported and configured, else DCR',
      },
      client_metadata_url: { value: null, source: 'default', detail: 'none' },
      callback_port: { value: null, source: 'default', detail: 'chosen by the OS at login' },
      callback_url: { value: null, source: 'default', detail: 'http://127.0.0.1:PORT/callback/ID' },
      resource: { value: 'auto', source: 'profile', detail: google },
      scopes: {
        value: ['https://www.googleapis.com/auth/gmail.readonly'],
        source: 'config',
        detail: 'mcp_servers.gmail.scopes',
      },
      scope_hints: { value: [], source: 'default', detail: 'none' },
      extra_authorize_params: {
        access_type: { value: 'offline', source: 'profile', detail: google },
        prompt: {
          value: 'select_account consent',
          source: 'config',
          detail: 'mcp_servers.gmail.oauth.extra_authorize_params.prompt',
        },
      },
      audience_from_resource: { value: false, source: 'default', detail: 'off' },
      extra_token_params: {},
      token_endpoint_headers: {},
      send_scope_on_refresh: { value: false, source: 'default', detail: 'off' },
      allow_missing_pkce_metadata: {
        value: false,
        source: 'default',
        detail: 'off: refuse an AS whose metadata omits code_challenge_methods_supported',
      },
      allow_issuer_mismatch: {
        value: false,
        source: 'default',
        detail: 'off: the metadata issuer must equal the discovery issuer',
      },
      allow_endpoint_downgrade: {
        value: false,
        source: 'default',
        detail: 'off: a remote https server may not name http or loopback endpoints',
      },
      dpop: {
        value: 'auto',
        source: 'default',
        detail: 'auto: DPoP when the authorization server lists dpop_signing_alg_values_supported',
      },
    },
    warnings: [],
  });
  assert.ok(!result.stdout.includes('GOCSPX-super-secret'));
  assert.ok(!result.stderr.includes('GOCSPX-super-secret'));

  const noIssuer = JSON.parse((await box.run(['get', 'gmail', '--json'])).stdout) as ServerDetailsJson;
  assert.equal(noIssuer.oauth?.provider.value, 'generic');
  assert.equal(noIssuer.oauth?.provider.source, 'default');
  assert.deepEqual(Object.keys(noIssuer.oauth?.extra_authorize_params ?? {}), ['prompt']);
});

test('get redacts header and env values, and shows where each value comes from in text', async () => {
  await writeConfig(box.configPath, COMMENTED);
  const linear = await box.run(['get', 'linear', '--json']);
  assert.equal(linear.code, 0, linear.stderr);
  assert.deepEqual((JSON.parse(linear.stdout) as ServerDetailsJson).http_headers, {
    'X-Api-Key': '<redacted>',
  });
  assert.deepEqual((JSON.parse(linear.stdout) as ServerDetailsJson).warnings, [
    { path: 'mcp_servers.linear.future_key', message: 'unknown key, ignored', line: 8, column: 1 },
  ]);
  const docs = await box.run(['get', 'docs', '--json']);
  const docsJson = JSON.parse(docs.stdout) as ServerDetailsJson;
  assert.deepEqual(docsJson.env, { DOCS_TOKEN: '<redacted>' });
  assert.equal(docsJson.oauth, null);
  assert.equal(docsJson.transport, 'stdio');
  for (const output of [
    linear.stdout,
    docs.stdout,
    (await box.run(['get', 'linear'])).stdout,
    (await box.run(['get', 'docs'])).stdout,
  ]) {
    assert.ok(!output.includes('hdr-secret-value'));
    assert.ok(!output.includes('env-secret-value'));
  }
  const text = await box.run(['get', 'linear', '--issuer', 'https://login.microsoftonline.com/t/v2.0']);
  assert.match(text.stdout, /^linear \(streamable_http\)\nconfig: /);
  assert.match(
    text.stdout,
    /\n {2}provider +entra +detected: issuer "https:\/\/login\.microsoftonline\.com\/t\/v2\.0" has host login\.microsoftonline\.com\n/,
  );
  assert.match(text.stdout, /\n {2}resource +false +profile entra \(detected: /);
  assert.match(text.stdout, /\n {2}scope hints +offline_access +profile entra/);
});

test('--codex-home and CODEX_HOME read a Codex config in place; --config wins', async () => {
  const codex = join(box.dir, 'codex');
  await writeConfig(
    join(codex, 'config.toml'),
    'model = "o3"\n[mcp_servers.codexsrv]\nurl = "https://c.example/mcp"\n',
  );
  const names = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const result = await box.run(['list', '--json', ...args], env);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { config_path: string; servers: { name: string }[] };
    return [json.config_path, json.servers.map((s) => s.name)];
  };
  await writeConfig(box.configPath, COMMENTED);
  assert.deepEqual(await names(['--codex-home', codex]), [join(codex, 'config.toml'), ['codexsrv']]);
  assert.deepEqual(await names([], { CODEX_HOME: codex, MCP_OAUTH_HOME: undefined }), [
    join(codex, 'config.toml'),
    ['codexsrv'],
  ]);
  assert.deepEqual(await names([], { CODEX_HOME: codex }), [box.configPath, ['linear', 'docs']]);
  assert.deepEqual(await names(['--config', join(codex, 'config.toml')]), [
    join(codex, 'config.toml'),
    ['codexsrv'],
  ]);

  const added = await box.run(['--codex-home', codex, 'add', 'more', '--url', 'https://m.example/mcp']);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(
    await readFile(join(codex, 'config.toml'), 'utf8'),
    'model = "o3"\n[mcp_servers.codexsrv]\nurl = "https://c.example/mcp"\n\n[mcp_servers.more]\nurl = "https://m.example/mcp"\n',
  );
});
