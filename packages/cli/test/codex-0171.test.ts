import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import type { ServerDetailsJson } from '@mcp-oauth/cli';
import { type Sandbox, sandbox } from './cli-sandbox.js';

// The file Codex CLI 0.171.0 writes for `codex mcp add --oauth-client-id --oauth-client-secret` (issue 16).
const FIXTURE = new URL('../../config/test/fixtures/codex-0.171/mcp-add-oauth.toml', import.meta.url);
const SECRET = 'fake-client-secret-0171';

let box: Sandbox;
before(async () => {
  box = await sandbox();
  await mkdir(dirname(box.configPath), { recursive: true });
  await writeFile(box.configPath, await readFile(FIXTURE, 'utf8'));
});
after(() => box.cleanup());

test('a Codex 0.171 config loads: list --json has no warnings and never the inline secret', async () => {
  const list = await box.run(['list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const json = JSON.parse(list.stdout) as { servers: { name: string }[]; warnings: unknown[] };
  assert.deepEqual(
    json.servers.map((s) => s.name),
    ['notion', 'corp', 'local'],
  );
  assert.deepEqual(json.warnings, []);
  assert.doesNotMatch(list.stdout + list.stderr, new RegExp(SECRET));
});

test('get --json shows the Codex values with their origin and the inline secret only as set', async () => {
  const result = await box.run(['get', 'notion', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(SECRET));
  const details = JSON.parse(result.stdout) as ServerDetailsJson;
  const oauth = details.oauth;
  assert.ok(oauth);
  assert.deepEqual(oauth.client_secret, {
    value: '(inline, hidden)',
    source: 'config',
    detail: 'mcp_servers.notion.oauth.client_secret',
  });
  assert.deepEqual(oauth.client_id, {
    value: 'fake-client-id',
    source: 'config',
    detail: 'mcp_servers.notion.oauth.client_id',
  });
  assert.deepEqual(oauth.callback_url, {
    value: 'http://127.0.0.1:8976/oauth/cb',
    source: 'config',
    detail: 'mcp_servers.notion.oauth.callback_url',
  });
  assert.deepEqual(oauth.authorization_server_issuer, {
    value: 'https://mcp.notion.com',
    source: 'config',
    detail: 'mcp_servers.notion.oauth.authorization_server_issuer',
  });
  assert.deepEqual(oauth.callback_port, {
    value: 5555,
    source: 'config',
    detail: 'mcp_oauth_callback_port',
  });
  assert.equal(details.required, true);
  assert.equal(details.startup_timeout_ms, 20000);
  assert.equal(details.supports_parallel_tool_calls, true);
  assert.equal(details.default_tools_approval_mode, 'prompt');
  assert.deepEqual(details.tools, { search: { approval_mode: 'approve' } });
  assert.deepEqual(details.enabled_tools, ['search', 'fetch']);
  assert.deepEqual(details.disabled_tools, ['fetch']);
});

test('get (human) hides the inline secret and says how to move it to client_secret_env_var', async () => {
  const result = await box.run(['get', 'notion']);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(SECRET));
  assert.match(result.stdout, /client_secret +\(inline, hidden\)/);
  assert.match(
    result.stdout,
    /note: mcp_servers\.notion\.oauth\.client_secret sits in plain text in the config file: move it to an environment variable, set mcp_servers\.notion\.oauth\.client_secret_env_var = "VAR_NAME" and delete client_secret/,
  );
});

test('get shows Codex enterprise auth and the stdio keys as written', async () => {
  const corp = JSON.parse((await box.run(['get', 'corp', '--json'])).stdout) as ServerDetailsJson;
  assert.equal(corp.auth, 'ema_auth');
  const local = JSON.parse((await box.run(['get', 'local', '--json'])).stdout) as ServerDetailsJson;
  assert.equal(local.cwd, '/srv/local');
  assert.equal(local.experimental_environment, 'local');
  assert.deepEqual(local.env_vars, [
    { name: 'HOME', source: null },
    { name: 'ACME_TOKEN', source: 'local' },
  ]);
});
