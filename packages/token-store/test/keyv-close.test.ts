// Closing a Redis keyv store leaves nothing behind: a process that used it exits by itself right after close().
// @keyv/redis's `connectionTimeout` left a timer running for its full length after connecting (5 s in the CLI);
// openCredentialStore uses node-redis's socket timeout instead. The child reports the resources still active after
// close() (no timer may remain; the socket may still be finishing its close) and must exit on its own, without
// process.exit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RedisServer, startRedis } from '@mcp-oauth/testbed';
import { isTokenStoreError, openCredentialStore } from '@mcp-oauth/token-store';
import { binaryGate } from './support/binaries.js';

const skip = binaryGate({ 'redis-server': 'redis-server' });
let redis: RedisServer | undefined;
before(async () => {
  if (skip === false) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

const CHILD = `
import { openCredentialStore } from '@mcp-oauth/token-store';
const store = await openCredentialStore({ kind: 'keyv', keyvUrl: process.env.REDIS_URL, keyvNamespace: 'close-test' });
const key = { serverName: 'docs', serverUrl: 'https://mcp.example.com/mcp', issuer: 'https://as.example.com' };
await store.get(key);
const lock = await store.lock(key, { ttlMs: 3000 });
await lock.release();
await store.list();
await store.close();
setImmediate(() => console.log(JSON.stringify(process.getActiveResourcesInfo())));
`;

test('a process that closed its Redis keyv store has no timer left and exits by itself', {
  skip,
}, async () => {
  const url = redis?.url;
  assert.ok(url !== undefined);
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD], {
    // Run from the package, so that the child resolves '@mcp-oauth/token-store' (self-reference) to these sources.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, REDIS_URL: url },
  });
  const active = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  assert.deepEqual(
    active.filter((resource) => resource === 'Timeout'),
    [],
    `resources still active after close(): ${active.join(', ')}`,
  );
});

test('a store opened on a Redis that is down fails with backend_failed, not a reconnect loop', {
  skip,
}, async () => {
  const down = await startRedis();
  await down.stop(); // a port where nothing listens any more
  const store = await openCredentialStore({ kind: 'keyv', keyvUrl: down.url, keyvNamespace: 'down' });
  const key = {
    serverName: 'docs',
    serverUrl: 'https://mcp.example.com/mcp',
    issuer: 'https://as.example.com',
  };
  await assert.rejects(store.get(key), (error: unknown) => isTokenStoreError(error, 'backend_failed'));
  await store.close();
});
