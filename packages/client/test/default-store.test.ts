// A client given no store creates the config's kind in its own `home`: an embedder that set `home` never has
// credentials written into another program's directory (`~/.mcp-oauth` of the CLI).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';

const URL_ = 'http://127.0.0.1:9/mcp';
const KEY = { serverName: 's', serverUrl: URL_, issuer: 'http://127.0.0.1:9' };

function configWith(store: string) {
  return parseConfig(
    `mcp_oauth_credentials_store = "${store}"\n${store === 'keyv' ? `mcp_oauth_keyv_url = "redis://127.0.0.1:9"\n` : ''}[mcp_servers.s]\nurl = "${URL_}"\n`,
  );
}

test('a client without a store keeps credentials in its own home, not in MCP_OAUTH_HOME or ~/.mcp-oauth', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mcp-oauth-client-home-'));
  const other = mkdtempSync(join(tmpdir(), 'mcp-oauth-other-home-'));
  const saved = process.env.MCP_OAUTH_HOME;
  process.env.MCP_OAUTH_HOME = other;
  try {
    for (const kind of ['file', 'auto']) {
      const client = new McpOAuthClient({ config: configWith(kind), home });
      const status = await client.store.status();
      assert.ok(status.location.startsWith(home), `${kind}: ${status.location} is in ${home}`);
      await client.close();
    }
    const client = new McpOAuthClient({ config: configWith('file'), home });
    await client.store.set(KEY, {
      version: 1,
      server_name: 's',
      server_url: URL_,
      issuer: KEY.issuer,
      resource: URL_,
      access_token: 'access-token-value',
      token_type: 'Bearer',
      expires_at: null,
      refresh_token: null,
      scopes: [],
      client: {
        client_id: 'c',
        registration: 'dynamic',
        client_secret: null,
        client_secret_expires_at: null,
      },
      reacquire: null,
      needs_login: null,
      updated_at: 0,
    });
    await client.close();
    assert.ok(existsSync(join(home, 'credentials.json')));
    assert.deepEqual(readdirSync(other), []);
  } finally {
    if (saved === undefined) delete process.env.MCP_OAUTH_HOME;
    else process.env.MCP_OAUTH_HOME = saved;
    rmSync(home, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('a keyv store cannot be created without its Keyv instance: config error naming what to pass', () => {
  assert.throws(
    () => new McpOAuthClient({ config: configWith('keyv') }),
    (error: unknown) =>
      error instanceof Error &&
      (error as { code?: string }).code === 'config' &&
      /createCredentialStore\(\{ kind: "keyv", keyv \}\)/.test(error.message),
  );
});
