// The credential store the config names: file in the mcp-oauth home; keyv only for Redis/Valkey URLs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '@mcp-oauth/config';
import { openStore } from '../src/open-store.js';

test('"file": credentials.json in the home', async () => {
  const home = await mkdtemp(join(tmpdir(), 'mcp-oauth-cli-store-'));
  try {
    const store = await openStore(parseConfig('mcp_oauth_credentials_store = "file"\n'), home);
    assert.equal(store.kind, 'file');
    assert.equal((await store.status()).location, join(home, 'credentials.json'));
    await store.close();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('"keyv" with a URL that is not Redis is a config error naming the key, before any connection', async () => {
  const config = parseConfig(
    'mcp_oauth_credentials_store = "keyv"\nmcp_oauth_keyv_url = "mongodb://127.0.0.1:1/x"\n',
  );
  await assert.rejects(openStore(config, '/nonexistent'), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'config_invalid');
    assert.equal(error.issues[0]?.path, 'mcp_oauth_keyv_url');
    assert.match(error.message, /redis:\/\/ or rediss:\/\//);
    return true;
  });
});
