import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ServerDetailsJson } from '@mcp-oauth/cli';
import { type Sandbox, sandbox } from './cli-sandbox.js';

// Config files of Codex CLI 0.171.0 (issue 16): mcp-add-*.toml written by the real `codex mcp add` (generate.sh),
// codex-accepts.toml hand-written with every MCP key Codex 0.171.0 accepts (and loads, checked by generate.sh).
const DIR = new URL('../../config/test/fixtures/codex-0.171/', import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(name, DIR));
const SECRETS =
  /fake-secret-not-real|fake-client-secret-0171|fake-mcp-secret-0171|fake-idp-secret-0171|fake-key-not-real/;

let box: Sandbox;
before(async () => {
  box = await sandbox();
});
after(() => box.cleanup());

const run = (file: string, args: readonly string[]) => box.run(['--config', fixture(file), ...args]);

test('every fixture Codex 0.171 wrote loads with no error and no warning, and never shows a secret', async () => {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.toml')).sort();
  assert.deepEqual(files, [
    'codex-accepts.toml',
    'mcp-add-bearer-env.toml',
    'mcp-add-callback-url-override.toml',
    'mcp-add-oauth-client-id.toml',
    'mcp-add-oauth-client-secret.toml',
    'mcp-add-oauth-resource.toml',
    'mcp-add-stdio.toml',
    'mcp-add-url-only.toml',
  ]);
  for (const file of files) {
    const list = await run(file, ['list', '--json']);
    assert.equal(list.code, 0, `${file}: ${list.stderr}`);
    const json = JSON.parse(list.stdout) as { servers: unknown[]; warnings: unknown[] };
    assert.ok(json.servers.length > 0, file);
    assert.deepEqual(json.warnings, [], file);
    assert.doesNotMatch(list.stdout + list.stderr, SECRETS, file);
  }
});

test('codex mcp add --oauth-client-secret: get --json shows client id, port-less callback URL and the secret only as set', async () => {
  const result = await run('mcp-add-oauth-client-secret.toml', ['get', 'docs', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, SECRETS);
  const oauth = (JSON.parse(result.stdout) as ServerDetailsJson).oauth;
  assert.ok(oauth);
  assert.deepEqual(oauth.client_id, {
    value: 'my-client-id',
    source: 'config',
    detail: 'mcp_servers.docs.oauth.client_id',
  });
  assert.deepEqual(oauth.client_secret, {
    value: '(inline, hidden)',
    source: 'config',
    detail: 'mcp_servers.docs.oauth.client_secret',
  });
  assert.deepEqual(oauth.callback_url, {
    value: 'http://127.0.0.1/callback/9biCUt7SMRWF',
    source: 'config',
    detail: 'mcp_servers.docs.oauth.callback_url',
  });
});

test('the other codex mcp add variants: callback override, resource, bearer env var, stdio env', async () => {
  const override = JSON.parse(
    (await run('mcp-add-callback-url-override.toml', ['get', 'docs', '--json'])).stdout,
  ) as ServerDetailsJson;
  assert.equal(override.oauth?.callback_url.value, 'http://127.0.0.1:8765/oauth/done/9biCUt7SMRWF');
  const resource = JSON.parse(
    (await run('mcp-add-oauth-resource.toml', ['get', 'docs', '--json'])).stdout,
  ) as ServerDetailsJson;
  assert.deepEqual(resource.oauth?.resource, {
    value: 'https://mcp.example.com/',
    source: 'config',
    detail: 'mcp_servers.docs.oauth_resource',
  });
  const bearer = JSON.parse(
    (await run('mcp-add-bearer-env.toml', ['get', 'api', '--json'])).stdout,
  ) as ServerDetailsJson;
  assert.equal(bearer.bearer_token_env_var, 'EXAMPLE_MCP_TOKEN');
  const stdio = await run('mcp-add-stdio.toml', ['get', 'files', '--json']);
  assert.doesNotMatch(stdio.stdout, SECRETS);
  const files = JSON.parse(stdio.stdout) as ServerDetailsJson;
  assert.equal(files.command, 'npx');
  assert.deepEqual(Object.keys(files.env ?? {}), ['API_KEY', 'LOG_LEVEL']);
});

test('codex-accepts: get --json shows every Codex server key with its value', async () => {
  const result = await run('codex-accepts.toml', ['get', 'notion', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const details = JSON.parse(result.stdout) as ServerDetailsJson;
  assert.equal(details.required, true);
  assert.equal(details.startup_timeout_ms, 20000);
  assert.equal(details.supports_parallel_tool_calls, true);
  assert.equal(details.default_tools_approval_mode, 'prompt');
  assert.deepEqual(details.tools, { search: { approval_mode: 'writes' } });
  assert.deepEqual(details.enabled_tools, ['search', 'fetch']);
  assert.deepEqual(details.disabled_tools, ['fetch']);
  assert.equal(details.startup_readiness, 'catalog');
  assert.equal(details.environment_id, 'local');
  assert.deepEqual(details.oauth?.callback_port, {
    value: 8976,
    source: 'config',
    detail: 'mcp_servers.notion.oauth.callback_port',
  });
  const corp = JSON.parse(
    (await run('codex-accepts.toml', ['get', 'corp', '--json'])).stdout,
  ) as ServerDetailsJson;
  assert.equal(corp.auth, 'ema_auth');
  assert.equal(corp.http_headers_helper, '(set)');
  assert.equal(corp.oauth?.authorization_server_issuer.value, 'https://as.corp.example.com');
  assert.equal(corp.oauth?.token_endpoint_auth_method.value, 'client_secret_basic');
  const local = JSON.parse(
    (await run('codex-accepts.toml', ['get', 'local', '--json'])).stdout,
  ) as ServerDetailsJson;
  assert.equal(local.cwd, '/srv/local');
  assert.equal(local.experimental_environment, 'local');
  assert.deepEqual(local.env_vars, [
    { name: 'HOME', source: null },
    { name: 'ACME_TOKEN', source: 'local' },
  ]);
});

test('codex-accepts: list --json shows the enterprise keys with the IdP secret hidden', async () => {
  const list = await run('codex-accepts.toml', ['list', '--json']);
  const json = JSON.parse(list.stdout) as { codex: unknown };
  assert.deepEqual(json.codex, {
    mcp_optional_startup_grace_ms: 1500,
    use_xaa: true,
    mcp_enterprise_managed_auth: {
      idp: {
        issuer: 'https://idp.example.com',
        client_id: 'fake-idp-client',
        client_secret: '(inline, hidden)',
        token_endpoint_auth_method: 'client_secret_post',
      },
    },
  });
});

test('get (human) hides the inline secret and says how to move it to client_secret_env_var', async () => {
  const result = await run('mcp-add-oauth-client-secret.toml', ['get', 'docs']);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, SECRETS);
  assert.match(result.stdout, /client_secret +\(inline, hidden\)/);
  assert.match(
    result.stdout,
    /note: mcp_servers\.docs\.oauth\.client_secret sits in plain text in the config file: move it to an environment variable, set mcp_servers\.docs\.oauth\.client_secret_env_var = "VAR_NAME" and delete client_secret/,
  );
});
