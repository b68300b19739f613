import assert from 'node:assert/strict';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { credentialStorageId, FileStore, isTokenStoreError } from '@mcp-oauth/token-store';
import { assertCode, tokenStoreContract } from './contract/token-store-contract.js';
import { containsSentinel, SENTINEL, sampleKey, sampleRecord } from './support/records.js';
import { tempDir } from './support/temp-home.js';

/** Writes the raw value into credentials.json the way an older mcp-oauth (or a hand edit) would have. */
async function putRawInFile(store: FileStore, id: string, raw: unknown): Promise<void> {
  let doc: { version: number; credentials: Record<string, unknown> } = { version: 1, credentials: {} };
  try {
    doc = JSON.parse(await readFile(store.path, 'utf8'));
  } catch {
    // no file yet
  }
  // defineProperty: an assignment to `__proto__` would set the prototype instead of adding an entry.
  Object.defineProperty(doc.credentials, id, {
    value: raw,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  await writeFile(store.path, JSON.stringify(doc), { mode: 0o600 });
}

tokenStoreContract(
  test,
  async () => {
    const home = await tempDir();
    const store = new FileStore({ home: join(home.dir, 'home') });
    return {
      store,
      spec: { kind: 'file', home: store.home },
      putRaw: async (key, raw) => {
        await store.list().catch(() => undefined); // creates nothing; the home is created by the first write
        const { mkdir } = await import('node:fs/promises');
        await mkdir(store.home, { recursive: true, mode: 0o700 });
        await putRawInFile(store, credentialStorageId(key), raw);
      },
      putRawEntry: async (id, raw) => {
        const { mkdir } = await import('node:fs/promises');
        await mkdir(store.home, { recursive: true, mode: 0o700 });
        await putRawInFile(store, id, raw);
      },
      checkIntegrity: async () => {
        let text: string;
        try {
          text = await readFile(store.path, 'utf8');
        } catch (error) {
          if ((error as { code?: string }).code === 'ENOENT') return;
          throw error;
        }
        const doc = JSON.parse(text);
        assert.equal(doc.version, 1);
        assert.equal(typeof doc.credentials, 'object');
      },
      lockLeftBehind: () =>
        stat(`${store.path}.lock`).then(
          () => true,
          () => false,
        ),
      cleanup: home.remove,
    };
  },
  { multiProcess: true, killLoop: true, deadHolder: true, versions: true },
);

test('file store: directory 0700, file 0600, also when the file was group-readable before', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: join(home.dir, 'nested', 'home') });
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    assert.equal((await stat(store.home)).mode & 0o777, 0o700);
    assert.equal((await stat(store.path)).mode & 0o777, 0o600);
    const { chmod } = await import('node:fs/promises');
    await chmod(store.path, 0o644);
    await store.set(key, sampleRecord(key, { updated_at: 2 }));
    assert.equal((await stat(store.path)).mode & 0o777, 0o600);
  } finally {
    await home.remove();
  }
});

test('file store: the file is the documented format (version, credentials by storage id)', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: home.dir });
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    const doc = JSON.parse(await readFile(store.path, 'utf8'));
    assert.deepEqual(Object.keys(doc), ['version', 'credentials']);
    assert.deepEqual(Object.keys(doc.credentials), [credentialStorageId(key)]);
    assert.equal(doc.credentials[credentialStorageId(key)].server_name, 'gmail');
  } finally {
    await home.remove();
  }
});

test('file store: a corrupt file is moved aside, never overwritten, and the error says where', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: home.dir });
    const garbage = `{"version":1,"credentials":{"x":{"access_token":"${SENTINEL.access}"`;
    await writeFile(store.path, garbage, { mode: 0o600 });
    const error = await store.get(sampleKey()).then(
      () => assert.fail('expected corrupt_store'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'corrupt_store'));
    assert.ok(error.path?.startsWith(`${store.path}.corrupt-`));
    assert.ok(error.message.includes(error.path as string), 'the message names the new place');
    assert.equal(containsSentinel(inspect(error, { depth: 10 })), false);
    assert.equal(await readFile(error.path as string, 'utf8'), garbage);
    assert.equal(error.retryable, false);
    // The next operation starts from an empty store; the kept copy stays untouched.
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    assert.deepEqual(await store.list(), [key]);
    assert.equal(await readFile(error.path as string, 'utf8'), garbage);
  } finally {
    await home.remove();
  }
});

test('file store: a corrupt file found by a write is moved aside too, and the write fails', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: home.dir });
    await writeFile(store.path, '[1, 2', { mode: 0o600 });
    const key = sampleKey();
    await assertCode(() => store.set(key, sampleRecord(key)), 'corrupt_store');
    const names = await readdir(home.dir);
    assert.equal(names.filter((n) => n.startsWith('credentials.json.corrupt-')).length, 1);
    assert.equal(names.includes('credentials.json'), false);
  } finally {
    await home.remove();
  }
});

test('file store: a file written by a newer mcp-oauth is refused and left as it is', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: home.dir });
    const newer = JSON.stringify({ version: 2, credentials: {}, more: true });
    await writeFile(store.path, newer, { mode: 0o600 });
    const key = sampleKey();
    await assertCode(() => store.get(key), 'unsupported_record_version');
    await assertCode(() => store.set(key, sampleRecord(key)), 'unsupported_record_version');
    assert.equal(await readFile(store.path, 'utf8'), newer);
  } finally {
    await home.remove();
  }
});

test('file store: keys cannot address paths (traversal-looking names stay inside the one file)', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: join(home.dir, 'home') });
    const evil = [
      { serverName: '../../../etc/passwd', serverUrl: 'file:///etc/passwd', issuer: 'https://as/../..' },
      { serverName: '..\\..\\windows', serverUrl: '/absolute/path', issuer: '/' },
      { serverName: '__proto__', serverUrl: 'constructor', issuer: 'prototype' },
    ];
    for (const key of evil) {
      assert.doesNotMatch(credentialStorageId(key), /[/\\:]|\.\./);
      await store.set(key, sampleRecord(key));
      await store.lock(key).then((l) => l.release());
    }
    for (const key of evil) assert.equal((await store.get(key))?.server_name, key.serverName);
    assert.deepEqual((await readdir(home.dir)).sort(), ['home']);
    assert.deepEqual((await readdir(store.home)).sort(), ['credentials.json', 'locks']);
    assert.equal((await store.list()).length, 3);
  } finally {
    await home.remove();
  }
});

test('file store: temporary files of killed writers are removed once they are a minute old', async () => {
  const home = await tempDir();
  try {
    const store = new FileStore({ home: home.dir });
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    const old = join(home.dir, 'credentials.json.4242-abcdef.tmp');
    const fresh = join(home.dir, 'credentials.json.4243-abcdef.tmp');
    const foreign = join(home.dir, 'notes.tmp');
    for (const path of [old, fresh, foreign]) await writeFile(path, 'partial');
    const longAgo = new Date(Date.now() - 5 * 60_000);
    await utimes(old, longAgo, longAgo);
    await utimes(foreign, longAgo, longAgo);
    await store.set(key, sampleRecord(key, { updated_at: 9 }));
    const names = await readdir(home.dir);
    assert.equal(names.includes('credentials.json.4242-abcdef.tmp'), false);
    assert.equal(names.includes('credentials.json.4243-abcdef.tmp'), true);
    assert.equal(names.includes('notes.tmp'), true, 'files that are not ours are left alone');
  } finally {
    await home.remove();
  }
});

test('file store: an unwritable home fails with io_failed naming the path', async () => {
  const home = await tempDir();
  try {
    const blocker = join(home.dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const store = new FileStore({ home: join(blocker, 'home') });
    const key = sampleKey();
    const error = await store.set(key, sampleRecord(key)).then(
      () => assert.fail('expected io_failed'),
      (e: unknown) => e,
    );
    assert.ok(isTokenStoreError(error, 'io_failed'));
    assert.ok(error.message.includes(blocker));
    assert.equal(error.retryable, true);
  } finally {
    await home.remove();
  }
});

test('file store: options are checked up front; status names the file', async () => {
  assert.throws(
    () => new FileStore({ home: '' }),
    (e: unknown) => isTokenStoreError(e, 'invalid_options'),
  );
  assert.throws(
    () => new FileStore({ home: '/tmp', fileName: '../x.json' }),
    (e: unknown) => isTokenStoreError(e, 'invalid_options'),
  );
  const store = new FileStore({ home: '/var/empty/mcp' });
  assert.deepEqual(await store.status(), {
    kind: 'file',
    location: '/var/empty/mcp/credentials.json',
    capabilities: { persistent: true, lockScope: 'host', multiProcess: true },
  });
});
