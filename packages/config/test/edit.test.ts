import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  addServer,
  addServerToText,
  ConfigError,
  type HttpServerConfig,
  parseConfig,
  removeServer,
  removeServerFromText,
} from '@mcp-oauth/config';

const fixture = () => readFile(new URL('./fixtures/commented-real-world.toml', import.meta.url), 'utf8');

const gmail = {
  url: 'https://gmailmcp.googleapis.com/mcp/v1',
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  oauth: {
    client_id: '1234.apps.googleusercontent.com',
    client_secret_env_var: 'GMAIL_MCP_CLIENT_SECRET',
    provider: 'google',
    extra_authorize_params: { access_type: 'offline', prompt: 'consent' },
  },
};

const isConfigError = (code: string) => (error: unknown) =>
  error instanceof ConfigError && error.code === code;

test('the commented real-world file parses as expected', async () => {
  const config = parseConfig(await fixture());
  assert.deepEqual(
    config.servers.map((s) => [s.name, s.transport]),
    [
      ['docs', 'stdio'],
      ['linear', 'streamable_http'],
      ['sentry', 'streamable_http'],
    ],
  );
  assert.deepEqual(
    config.warnings.map((w) => w.path),
    ['mcp_servers.linear.description'],
  );
});

test('add appends the server and keeps every original byte; remove restores the file exactly', async () => {
  const original = await fixture();
  const added = addServerToText(original, 'gmail', gmail);
  assert.ok(added.startsWith(original), 'the original text is kept as is');
  assert.equal(
    added.slice(original.length),
    [
      '',
      '[mcp_servers.gmail]',
      'url = "https://gmailmcp.googleapis.com/mcp/v1"',
      'scopes = ["https://www.googleapis.com/auth/gmail.readonly"]',
      '',
      '[mcp_servers.gmail.oauth]',
      'client_id = "1234.apps.googleusercontent.com"',
      'client_secret_env_var = "GMAIL_MCP_CLIENT_SECRET"',
      'provider = "google"',
      'extra_authorize_params = { access_type = "offline", prompt = "consent" }',
      '',
    ].join('\n'),
  );
  const config = parseConfig(added);
  const added_ = config.servers.find((s) => s.name === 'gmail') as HttpServerConfig;
  assert.deepEqual(added_.oauth.extraAuthorizeParams, { access_type: 'offline', prompt: 'consent' });
  assert.equal(removeServerFromText(added, 'gmail'), original);
});

test('remove takes out a table block with its sub-tables and leading comment, nothing else', async () => {
  const original = await fixture();
  const removed = removeServerFromText(original, 'linear');
  const expected = original.replace(
    /# Linear, OAuth via DCR\n\[mcp_servers\.linear\][\s\S]*?approval_mode = "prompt" {3}# ask before writing\n\n/,
    '',
  );
  assert.notEqual(expected, original);
  assert.equal(removed, expected);
  assert.deepEqual(
    parseConfig(removed).servers.map((s) => s.name),
    ['docs', 'sentry'],
  );
});

test('remove takes out a server written as an inline table and a stdio server with a multi-line array', async () => {
  const original = await fixture();
  const withoutSentry = removeServerFromText(original, 'sentry');
  assert.equal(
    withoutSentry,
    original.replace('sentry = { url = "https://mcp.sentry.dev/mcp", enabled = false }\n', ''),
  );
  const withoutDocs = removeServerFromText(original, 'docs');
  assert.ok(!withoutDocs.includes('@acme/docs-mcp'));
  assert.ok(withoutDocs.includes('# --- MCP servers ---'));
  assert.ok(!withoutDocs.includes('# Docs search (local, stdio)'));
  assert.deepEqual(
    parseConfig(withoutDocs).servers.map((s) => s.name),
    ['linear', 'sentry'],
  );
});

test('add --replace rewrites the server where it was', async () => {
  const original = await fixture();
  const replaced = addServerToText(
    original,
    'linear',
    { url: 'https://mcp.linear.app/v2/mcp' },
    { replace: true },
  );
  const before = original.slice(0, original.indexOf('# Linear, OAuth via DCR'));
  assert.ok(
    replaced.startsWith(
      `${before}[mcp_servers.linear]\nurl = "https://mcp.linear.app/v2/mcp"\n\n[mcp_servers]\n`,
    ),
  );
  const config = parseConfig(replaced);
  assert.deepEqual(
    config.servers.map((s) => s.name),
    ['docs', 'linear', 'sentry'],
  );
  assert.equal((config.servers[1] as HttpServerConfig).url, 'https://mcp.linear.app/v2/mcp');
  assert.equal(config.servers[1]?.toolTimeoutMs, undefined);
});

test('add refuses an existing name, an invalid server, or an invalid file; remove refuses an unknown name', async () => {
  const original = await fixture();
  assert.throws(
    () => addServerToText(original, 'linear', { url: 'https://x.example/mcp' }),
    isConfigError('server_exists'),
  );
  assert.throws(
    () =>
      addServerToText(original, 'bad', {
        url: 'https://x.example/mcp',
        oauth: { extra_authorize_params: { state: 'x' } },
      }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.code === 'config_invalid' &&
      error.issues[0]?.path === 'mcp_servers.bad.oauth.extra_authorize_params.state',
  );
  assert.throws(
    () => addServerToText(original, 'bad name', { url: 'https://x.example/mcp' }),
    isConfigError('config_invalid'),
  );
  assert.throws(
    () => addServerToText('x = \n', 'a', { url: 'https://x.example/mcp' }),
    isConfigError('config_syntax'),
  );
  assert.throws(() => removeServerFromText(original, 'nope'), isConfigError('server_not_found'));
});

test('an edit that would change other values is refused as edit_unsafe', () => {
  // The whole mcp_servers table is one inline table: appending [mcp_servers.x] cannot be valid TOML.
  const text = 'mcp_servers = { a = { url = "https://a.example/mcp" } }\n';
  assert.throws(() => addServerToText(text, 'b', { url: 'https://b.example/mcp' }), ConfigError);
  assert.throws(() => removeServerFromText(text, 'a'), isConfigError('edit_unsafe'));
});

test('CRLF files stay CRLF', () => {
  const text = '# hi\r\n[mcp_servers.a]\r\nurl = "https://a.example/mcp"\r\n';
  const added = addServerToText(text, 'b', { url: 'https://b.example/mcp' });
  assert.equal(added, `${text}\r\n[mcp_servers.b]\r\nurl = "https://b.example/mcp"\r\n`);
  assert.equal(removeServerFromText(added, 'b'), text);
});

test('addServer/removeServer write atomically, keep the mode, and write nothing on error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-edit-'));
  try {
    const path = join(dir, 'home', 'config.toml');
    const created = await addServer(path, 'a', { url: 'https://a.example/mcp' });
    assert.equal(created.servers[0]?.name, 'a');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), '[mcp_servers.a]\nurl = "https://a.example/mcp"\n');

    const original = await fixture();
    await writeFile(path, original);
    await chmod(path, 0o644);
    await addServer(path, 'gmail', gmail);
    assert.equal((await stat(path)).mode & 0o777, 0o644);
    await assert.rejects(addServer(path, 'gmail', gmail), isConfigError('server_exists'));
    await assert.rejects(
      addServer(path, 'x', { url: 'http://x.example/mcp' }),
      isConfigError('config_invalid'),
    );
    await removeServer(path, 'gmail');
    assert.equal(await readFile(path, 'utf8'), original);
    assert.deepEqual(await readdir(join(dir, 'home')), ['config.toml'], 'no temporary files are left behind');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
