// Runs inside a D-Bus session with an unlocked gnome-keyring (started by keyring.test.ts): the contract on the
// keyring and auto stores against a real Secret Service. Not a *.test.ts file: outside such a session it
// would only test the absence of a keyring.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  AutoStore,
  credentialStorageId,
  FileStore,
  isTokenStoreError,
  KeyringStore,
} from '@mcp-oauth/token-store';
import { AsyncEntry } from '@napi-rs/keyring';
import { tokenStoreContract } from '../contract/token-store-contract.js';
import { containsSentinel, SENTINEL, sampleKey, sampleRecord } from './records.js';
import { tempDir } from './temp-home.js';

const pinned = { linux: { store: 'secret-service' as const } };

async function putRawInKeyring(service: string, account: string, raw: unknown): Promise<void> {
  await new AsyncEntry(service, account, pinned).setPassword(
    typeof raw === 'string' ? raw : JSON.stringify(raw),
  );
}

tokenStoreContract(
  (name, fn) => test(`keyring: ${name}`, fn),
  async () => {
    const home = await tempDir();
    const service = `mcp-oauth-test-${randomUUID()}`;
    const store = new KeyringStore({ service, home: home.dir });
    return {
      store,
      spec: { kind: 'keyring', service, home: home.dir },
      putRaw: (key, raw) => putRawInKeyring(service, credentialStorageId(key), raw),
      putRawEntry: (id, raw) => putRawInKeyring(service, id, raw),
      cleanup: home.remove,
    };
  },
  { multiProcess: true, deadHolder: true, processes: 3, writesPerProcess: 10, versions: true },
);

tokenStoreContract(
  (name, fn) => test(`auto (keyring chosen): ${name}`, fn),
  async () => {
    const home = await tempDir();
    const service = `mcp-oauth-test-${randomUUID()}`;
    const store = new AutoStore({ home: home.dir, keyring: { service } });
    return {
      store,
      spec: { kind: 'auto', service, home: home.dir },
      putRaw: (key, raw) => putRawInKeyring(service, credentialStorageId(key), raw),
      putRawEntry: (id, raw) => putRawInKeyring(service, id, raw),
      cleanup: home.remove,
    };
  },
  { multiProcess: true, processes: 3, writesPerProcess: 10, versions: true },
);

test('keyring: one entry per credential, service "mcp-oauth" by default, the record as JSON', async () => {
  const home = await tempDir();
  const store = new KeyringStore({ home: home.dir });
  const key = sampleKey(`layout-${randomUUID()}`);
  try {
    assert.equal(store.service, 'mcp-oauth');
    await store.set(key, sampleRecord(key));
    const raw = await new AsyncEntry('mcp-oauth', credentialStorageId(key), pinned).getPassword();
    assert.deepEqual(JSON.parse(raw ?? 'null'), sampleRecord(key));
    assert.deepEqual(await store.status(), {
      kind: 'keyring',
      location: 'OS keyring, service "mcp-oauth"',
      capabilities: { persistent: true, lockScope: 'host', multiProcess: true },
    });
  } finally {
    await store.delete(key);
    await store.close();
    await home.remove();
  }
});

test('keyring: an entry that is not JSON is corrupt_record, and its content is not quoted', async () => {
  const home = await tempDir();
  const service = `mcp-oauth-test-${randomUUID()}`;
  const store = new KeyringStore({ service, home: home.dir });
  const key = sampleKey();
  try {
    await putRawInKeyring(service, credentialStorageId(key), `{"access_token":"${SENTINEL.access}"`);
    const error = await store.get(key).then(
      () => assert.fail('expected corrupt_record'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'corrupt_record'));
    assert.equal(containsSentinel(inspect(error, { depth: 10 })), false);
    // Listing reports it as a bad entry of no server (its JSON cannot be read), never failing as a whole.
    assert.deepEqual(await store.list(), []);
    const listing = await store.listAll();
    assert.deepEqual(
      listing.bad.map((entry) => [entry.id, entry.code]),
      [[credentialStorageId(key), 'corrupt_record']],
    );
    assert.equal(containsSentinel(inspect(listing, { depth: 10 })), false);
  } finally {
    await store.close();
    await home.remove();
  }
});

test('auto: chooses the keyring when it answers, and status says so', async () => {
  const home = await tempDir();
  const store = new AutoStore({ home: home.dir, keyring: { service: `mcp-oauth-test-${randomUUID()}` } });
  try {
    const status = await store.status();
    assert.equal(status.kind, 'auto');
    assert.equal(status.active, 'keyring');
    assert.equal(status.reason, 'the OS keyring answered');
  } finally {
    await store.close();
    await home.remove();
  }
});

test('auto: reads a credential the file holds, moves it to the keyring on write, deletes from both', async () => {
  const home = await tempDir();
  const service = `mcp-oauth-test-${randomUUID()}`;
  const auto = new AutoStore({ home: home.dir, keyring: { service } });
  const file = new FileStore({ home: home.dir });
  const keyring = new KeyringStore({ service, home: home.dir });
  try {
    const fromFile = sampleKey('saved-over-ssh');
    const inKeyring = sampleKey('desktop');
    await file.set(fromFile, sampleRecord(fromFile, { updated_at: 1 }));
    await keyring.set(inKeyring, sampleRecord(inKeyring));
    assert.equal((await auto.get(fromFile))?.updated_at, 1, 'read from the file');
    assert.deepEqual(await auto.list(), [inKeyring, fromFile], 'list is the union');
    await auto.set(fromFile, sampleRecord(fromFile, { updated_at: 2 }));
    assert.equal((await keyring.get(fromFile))?.updated_at, 2, 'written to the keyring');
    assert.equal(await file.get(fromFile), null, "the file's copy is gone: one credential, one home");
    await file.set(inKeyring, sampleRecord(inKeyring, { updated_at: 3 }));
    assert.equal(await auto.delete(inKeyring), true);
    assert.equal(await keyring.get(inKeyring), null);
    assert.equal(await file.get(inKeyring), null);
    const text = await readFile(file.path, 'utf8');
    assert.equal(JSON.parse(text).credentials[credentialStorageId(fromFile)], undefined);
  } finally {
    await Promise.all([auto.close(), keyring.close()]);
    await home.remove();
  }
});

test('keyring: the per-credential lock is a lock file shared with the file store', async () => {
  const home = await tempDir();
  const keyring = new KeyringStore({ service: `mcp-oauth-test-${randomUUID()}`, home: home.dir });
  const file = new FileStore({ home: home.dir });
  try {
    const key = sampleKey();
    const lock = await keyring.lock(key);
    const error = await file.lock(key, { waitMs: 100 }).then(
      () => assert.fail('expected lock_timeout'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'lock_timeout'));
    await lock.release();
  } finally {
    await keyring.close();
    await home.remove();
  }
});
