// KeyvStore on a real Redis (Debian redis-server on 127.0.0.1, a free port), the fleet setup of docs/storage.md.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { createKeyv } from '@keyv/redis';
import { type RedisServer, startRedis } from '@mcp-oauth/testbed';
import { credentialStorageId, isTokenStoreError, KeyvStore } from '@mcp-oauth/token-store';
import { assertCode, tokenStoreContract } from './contract/token-store-contract.js';
import { binaryGate } from './support/binaries.js';
import { containsSentinel, sampleKey, sampleRecord } from './support/records.js';

const skip = binaryGate({ 'redis-server': 'redis-server' });
const redisTest = (name: string, fn: () => Promise<void>) => test(`redis: ${name}`, { skip }, fn);

let redis: RedisServer | undefined;
before(async () => {
  if (skip === false) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

function server(): RedisServer {
  if (redis === undefined) throw new Error('redis-server was not started');
  return redis;
}

function openKeyv(namespace: string) {
  return createKeyv(server().url, { namespace, connectionTimeout: 2000 });
}

tokenStoreContract(
  redisTest,
  async () => {
    const namespace = `test-${randomUUID()}`;
    const keyv = openKeyv(namespace);
    const store = new KeyvStore({ keyv });
    return {
      store,
      spec: { kind: 'keyv-redis', url: server().url, namespace },
      putRaw: async (key, raw) => {
        const writer = openKeyv(namespace);
        await writer.set(credentialStorageId(key), raw);
        await writer.disconnect();
      },
      putRawEntry: async (id, raw) => {
        const writer = openKeyv(namespace);
        await writer.set(id, raw);
        await writer.disconnect();
      },
      cleanup: async () => {},
    };
  },
  { multiProcess: true, deadHolder: true, versions: true },
);

redisTest('the lock is SET NX PX with the ttl, and renewed while held', async () => {
  const namespace = `test-${randomUUID()}`;
  const store = new KeyvStore({ keyv: openKeyv(namespace) });
  const probe = openKeyv(namespace).store as { getClient(): Promise<{ pTTL(k: string): Promise<number> }> };
  const client = await probe.getClient();
  try {
    assert.deepEqual(store.capabilities, { persistent: true, lockScope: 'fleet', multiProcess: true });
    const key = sampleKey();
    const name = `mcp-oauth-lock:${namespace}:${credentialStorageId(key)}`;
    const lock = await store.lock(key, { ttlMs: 1500 });
    const ttl = await client.pTTL(name);
    assert.ok(ttl > 0 && ttl <= 1500, 'the lock key expires within ttlMs');
    await new Promise((r) => setTimeout(r, 2500)); // longer than the ttl: only renewal keeps it
    assert.ok((await client.pTTL(name)) > 0, 'the lock key is still there');
    assert.equal(lock.signal.aborted, false);
    await lock.release();
    assert.equal(await client.pTTL(name), -2, 'released: the key is gone');
  } finally {
    await store.close();
    await (probe as unknown as { disconnect(): Promise<void> }).disconnect();
  }
});

redisTest("a holder whose lock expired cannot release the next holder's lock (lock_lost)", async () => {
  const namespace = `test-${randomUUID()}`;
  const a = new KeyvStore({ keyv: openKeyv(namespace) });
  const b = new KeyvStore({ keyv: openKeyv(namespace) });
  const probe = openKeyv(namespace).store as { getClient(): Promise<{ del(k: string): Promise<number> }> };
  try {
    const key = sampleKey();
    const first = await a.lock(key, { ttlMs: 30_000 });
    await (await probe.getClient()).del(`mcp-oauth-lock:${namespace}:${credentialStorageId(key)}`); // as if expired
    const second = await b.lock(key, { waitMs: 1000 });
    await assertCode(() => first.release(), 'lock_lost');
    await assertCode(() => b.lock(key, { waitMs: 100 }), 'lock_timeout'); // still held by the second holder
    await second.release();
  } finally {
    await Promise.all([
      a.close(),
      b.close(),
      (probe as unknown as { disconnect(): Promise<void> }).disconnect(),
    ]);
  }
});

redisTest("namespaces are separate: one fleet does not see another one's credentials", async () => {
  const one = new KeyvStore({ keyv: openKeyv(`ns1-${randomUUID()}`) });
  const two = new KeyvStore({ keyv: openKeyv(`ns2-${randomUUID()}`) });
  try {
    const key = sampleKey();
    await one.set(key, sampleRecord(key));
    assert.equal(await two.get(key), null);
    assert.deepEqual(await two.list(), []);
    assert.deepEqual(await one.list(), [key]);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

redisTest('an unreachable Redis is backend_failed, not a hang and not a silent miss', async () => {
  const down = await startRedis();
  await down.stop(); // a port where nothing listens any more
  const store = new KeyvStore({ keyv: createKeyv(down.url, { namespace: 'x', connectionTimeout: 500 }) });
  const key = sampleKey();
  for (const op of [() => store.get(key), () => store.set(key, sampleRecord(key))]) {
    const error = await op().then(
      () => assert.fail('expected backend_failed'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'backend_failed'));
    assert.equal(containsSentinel(inspect(error, { depth: 20 })), false);
  }
  await store.close().catch(() => undefined);
});
