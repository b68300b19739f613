import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { credentialStorageId, isTokenStoreError, KeyvStore, type LockBackend } from '@mcp-oauth/token-store';
import { Keyv } from 'keyv';
import { assertCode, tokenStoreContract } from './contract/token-store-contract.js';
import { containsSentinel, sampleKey, sampleRecord } from './support/records.js';

// Keyv over its default in-memory Map: the contract with an in-process lock.
tokenStoreContract(
  test,
  async () => {
    const keyv = new Keyv({ namespace: 'mcp-oauth' });
    const store = new KeyvStore({ keyv });
    return {
      store,
      putRaw: async (key, raw) => {
        await keyv.set(credentialStorageId(key), raw);
      },
      putRawEntry: async (id, raw) => {
        await keyv.set(id, raw);
      },
      cleanup: async () => {},
    };
  },
  { versions: true },
);

/** A Keyv adapter that fails every call with a message quoting what it was given, like some clients do. */
function failingAdapter() {
  const fail = (what: string, value?: unknown) => {
    throw new Error(`ERR ${what} ${value === undefined ? '' : JSON.stringify(value)}`);
  };
  return {
    opts: {},
    namespace: undefined as string | undefined,
    on() {
      return this;
    },
    get: async (key: string) => fail('GET', key),
    set: async (key: string, value: unknown) => fail(`SET ${key}`, value),
    delete: async (key: string) => fail('DEL', key),
    clear: async () => fail('FLUSH'),
  };
}

test('keyv store: backend errors are thrown as backend_failed, without the secrets the backend quoted', async () => {
  const keyv = new Keyv({ store: failingAdapter(), namespace: 'mcp-oauth' });
  const events: unknown[] = [];
  keyv.on('error', (e: unknown) => events.push(e));
  const store = new KeyvStore({ keyv });
  const key = sampleKey();
  for (const op of [() => store.set(key, sampleRecord(key)), () => store.get(key), () => store.delete(key)]) {
    const error = await op().then(
      () => assert.fail('expected backend_failed'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'backend_failed'));
    assert.equal(error.retryable, true);
    assert.equal(containsSentinel(inspect(error, { depth: 20 })), false, 'no secret in the error');
  }
  assert.equal(keyv.throwOnErrors, true, 'the store turns throwOnErrors on');
});

test('keyv store: a backend without iteration cannot list (unsupported), but still reads and writes', async () => {
  const map = new Map<string, unknown>();
  const adapter = {
    opts: {},
    on() {
      return this;
    },
    get: async (k: string) => map.get(k),
    set: async (k: string, v: unknown) => {
      map.set(k, v);
      return true;
    },
    delete: async (k: string) => map.delete(k),
    clear: async () => map.clear(),
  };
  const store = new KeyvStore({ keyv: new Keyv({ store: adapter, namespace: 'ns' }) });
  const key = sampleKey();
  await store.set(key, sampleRecord(key));
  assert.equal((await store.get(key))?.server_name, 'gmail');
  await assertCode(() => store.list(), 'unsupported');
  assert.deepEqual(store.capabilities, { persistent: true, lockScope: 'process', multiProcess: false });
});

test('keyv store: a lock backend given in options makes the lock fleet-wide', async () => {
  const held = new Map<string, string>();
  const calls: string[] = [];
  const backend: LockBackend = {
    tryAcquire: async (name, token) => {
      calls.push(`acquire ${name}`);
      if (held.has(name)) return false;
      held.set(name, token);
      return true;
    },
    renew: async (name, token) => held.get(name) === token,
    release: async (name, token) => {
      calls.push(`release ${name}`);
      return held.get(name) === token && held.delete(name);
    },
  };
  const store = new KeyvStore({ keyv: new Keyv({ namespace: 'fleet' }), lock: backend });
  assert.equal(store.capabilities.lockScope, 'fleet');
  const key = sampleKey();
  const lock = await store.lock(key, { waitMs: 0 });
  const name = `mcp-oauth-lock:fleet:${credentialStorageId(key)}`;
  assert.deepEqual([...held.keys()], [name]);
  held.set(name, 'someone-else'); // the lock expired and another host took it
  await assertCode(() => lock.release(), 'lock_lost');
  assert.deepEqual(calls, [`acquire ${name}`, `release ${name}`]);
});

test('keyv store: a lock service that fails is backend_failed, and the in-process lock is freed', async () => {
  const backend: LockBackend = {
    tryAcquire: async () => {
      throw new Error('connection refused');
    },
    renew: async () => false,
    release: async () => false,
  };
  const store = new KeyvStore({ keyv: new Keyv(), lock: backend });
  await assertCode(() => store.lock(sampleKey(), { waitMs: 0 }), 'backend_failed');
  await assertCode(() => store.lock(sampleKey(), { waitMs: 0 }), 'backend_failed');
});

test('keyv store: a Keyv instance is required', () => {
  assert.throws(
    () => new KeyvStore({ keyv: {} as never }),
    (e: unknown) => isTokenStoreError(e, 'invalid_options'),
  );
});

// Issue 17, "store messages that name no server or file": the keyv location names the Redis server, never its password.
test('status().location names the namespace and the server URL with its password replaced by ***', async () => {
  const store = new KeyvStore({
    keyv: new Keyv({ namespace: 'mcp-oauth' }),
    server: 'redis://worker:s3cr3t-pw@redis.internal:6379/0',
  });
  const { location } = await store.status();
  assert.equal(location, 'keyv namespace "mcp-oauth" at redis://worker:***@redis.internal:6379/0');
  assert.ok(!location.includes('s3cr3t-pw'));
  assert.equal(
    (await new KeyvStore({ keyv: new Keyv({ namespace: 'mcp-oauth' }) }).status()).location,
    'keyv namespace "mcp-oauth"',
  );
});
