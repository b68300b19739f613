// The optional peers (@napi-rs/keyring, @keyv/redis) are found through an injectable loader: a loader that says
// "not installed" stands for an install without them. The outsider-install test checks the same with real npm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AutoStore,
  type BackendLoader,
  createCredentialStore,
  defaultBackendLoader,
  isTokenStoreError,
  openCredentialStore,
} from '@mcp-oauth/token-store';
import { sampleKey, sampleRecord } from './support/records.js';
import { tempDir } from './support/temp-home.js';

/** A loader for which `absent` is not installed (the errors Node gives for a missing package). */
function loaderWithout(absent: string): BackendLoader {
  const notFound = (code: string) => Object.assign(new Error(`Cannot find package '${absent}'`), { code });
  return {
    resolve: (specifier) => {
      if (specifier === absent) throw notFound('MODULE_NOT_FOUND');
      return defaultBackendLoader.resolve(specifier);
    },
    import: async (specifier) => {
      if (specifier === absent) throw notFound('ERR_MODULE_NOT_FOUND');
      return defaultBackendLoader.import(specifier);
    },
  };
}

test('a keyring store without @napi-rs/keyring fails at creation with the install command', async () => {
  const home = await tempDir();
  try {
    assert.throws(
      () =>
        createCredentialStore({ kind: 'keyring', home: home.dir, loader: loaderWithout('@napi-rs/keyring') }),
      (error: unknown) =>
        isTokenStoreError(error, 'store_backend_missing') &&
        error.message.endsWith('; run: npm install @napi-rs/keyring') &&
        !error.message.includes('Cannot find'),
    );
  } finally {
    await home.remove();
  }
});

test('a Redis keyv store without @keyv/redis fails at opening with the install command', async () => {
  await assert.rejects(
    openCredentialStore({
      kind: 'keyv',
      keyvUrl: 'redis://127.0.0.1:1',
      loader: loaderWithout('@keyv/redis'),
    }),
    (error: unknown) =>
      isTokenStoreError(error, 'store_backend_missing') &&
      error.message.endsWith('; run: npm install @keyv/redis'),
  );
});

test('a keyv store URL that is not redis:// is invalid_options', async () => {
  await assert.rejects(openCredentialStore({ kind: 'keyv', keyvUrl: 'mongodb://x' }), (error: unknown) =>
    isTokenStoreError(error, 'invalid_options'),
  );
});

test('auto without @napi-rs/keyring is the file store, and status says why and what to install', async () => {
  const home = await tempDir();
  try {
    const store = createCredentialStore({
      kind: 'auto',
      home: home.dir,
      loader: loaderWithout('@napi-rs/keyring'),
    });
    assert.ok(store instanceof AutoStore);
    assert.equal(store.keyring, undefined);
    const key = sampleKey();
    await store.set(key, sampleRecord(key));
    assert.deepEqual(await store.file.list(), [key], 'the record went to credentials.json');
    const status = await store.status();
    assert.equal(status.active, 'file');
    assert.match(status.reason ?? '', /store_backend_missing.*npm install @napi-rs\/keyring/);
    assert.equal(status.location, (await store.file.status()).location);
    assert.equal((await store.get(key))?.refresh_token, sampleRecord(key).refresh_token);
    await store.close();
  } finally {
    await home.remove();
  }
});

test('a loader failure other than "not installed" is not reported as a missing backend', async () => {
  const broken: BackendLoader = {
    resolve: () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
    import: async () => undefined,
  };
  assert.throws(
    () => createCredentialStore({ kind: 'keyring', loader: broken, home: '/nonexistent' }),
    (error: unknown) => (error as { code?: string }).code === 'EACCES',
  );
});
