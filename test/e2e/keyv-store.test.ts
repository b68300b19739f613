// The keyv credential store through the built CLI: config `mcp_oauth_credentials_store = "keyv"` with a real Redis
// (Debian redis-server on 127.0.0.1): login stores the credential in Redis, not in a file; status names the store;
// call uses it; logout removes it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '@mcp-oauth/cli';
import { parseConfig } from '@mcp-oauth/config';
import { type RedisServer, startRedis, startWorld, type World } from '@mcp-oauth/testbed';
import { recordSecrets } from '@mcp-oauth/token-store';
import type { CliHome } from './support/built-cli.js';
import { e2eFile, loginThroughCli } from './support/e2e-file.js';

const e2e = e2eFile();
let world: World;
let redis: RedisServer;
let home: CliHome;
let config: string;

before(async () => {
  [world, redis] = await Promise.all([startWorld(), startRedis()]);
  e2e.watch(world.log);
  home = await e2e.home();
  config = `mcp_oauth_credentials_store = "keyv"
mcp_oauth_keyv_url = "${redis.url}"

[mcp_servers.strict]
url = "${world.strictMcp.url}"
`;
  await home.writeConfig(config);
});
after(async () => {
  await world.close();
  await redis.stop();
});

/** The records in Redis, read the way the CLI reads them; their secrets join the scan. */
async function redisRecords() {
  const store = await openStore(parseConfig(config), home.home);
  try {
    const records = await Promise.all((await store.list()).map((key) => store.get(key)));
    for (const record of records) e2e.secrets.add(...recordSecrets(record));
    return records;
  } finally {
    await store.close();
  }
}

test('login stores in Redis; status names the keyv store; call works; logout removes the credential', async () => {
  const login = await loginThroughCli(home, 'strict');
  assert.equal(login.code, 0, login.stderr);
  const [record] = await redisRecords();
  assert.equal(record?.server_name, 'strict');
  assert.equal(typeof record?.refresh_token, 'string');
  assert.equal(existsSync(join(home.home, 'credentials.json')), false, 'nothing written to the file store');

  const status = await home.run(['status', 'strict', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const doc = JSON.parse(status.stdout) as {
    store: Record<string, unknown>;
    servers: Array<{ state: string }>;
  };
  assert.deepEqual(doc.store, {
    kind: 'keyv',
    active: null,
    reason: null,
    detail: null,
    // The Redis server is named (issue 17: store messages name where the store is), never its password.
    location: `keyv namespace "mcp-oauth" at ${redis.url}`,
  });
  assert.equal(doc.servers[0]?.state, 'logged_in');

  const call = await home.run(['call', 'strict', 'echo', '--args', '{"text":"from redis"}']);
  assert.deepEqual([call.code, call.stdout], [0, 'from redis\n']);

  const logout = await home.run(['logout', 'strict']);
  assert.equal(logout.code, 0, logout.stderr);
  assert.deepEqual(await redisRecords(), []);
});

test('Redis down: a store error (exit 7), not a hang, naming the Redis URL without its password', async () => {
  await home.writeConfig(config.replace(redis.url, 'redis://worker:pw-s3cret@127.0.0.1:1'));
  const result = await home.run(['status', 'strict']);
  assert.equal(result.code, 7, result.stderr);
  assert.match(result.stderr, /^mcp-oauth: error: /m);
  assert.ok(result.stderr.includes('redis://worker:***@127.0.0.1:1'), result.stderr);
  assert.ok(!result.stderr.includes('pw-s3cret'), 'the Redis password is never printed');
});

e2e.scanForSecrets();
