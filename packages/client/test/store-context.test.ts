// Issue 17, "store messages that name no server or file": every store failure the client passes on names the
// server (for one credential's operations), where the store is, and what to do; code, path and cause are kept.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Refresher } from '@mcp-oauth/refresh';
import {
  type CredentialKey,
  type CredentialRecord,
  type CredentialStore,
  createCredentialStore,
  TokenStoreError,
} from '@mcp-oauth/token-store';
import { storeWithContext } from '../src/store-context.js';

const key: CredentialKey = {
  serverName: 'evil',
  serverUrl: 'https://h.example/mcp',
  issuer: 'https://h.example',
};

/** A memory store whose operations fail with `error`, reporting `location` as its place. */
function failing(error: TokenStoreError, location: string): CredentialStore {
  const inner = createCredentialStore({ kind: 'memory' });
  const fail = async () => {
    throw error;
  };
  return {
    ...inner,
    kind: inner.kind,
    capabilities: inner.capabilities,
    get: fail,
    set: fail,
    delete: fail,
    list: fail,
    listAll: fail,
    deleteEntry: fail,
    lock: fail,
    preflight: fail,
    status: async () => ({ ...(await inner.status()), location }),
    close: () => inner.close(),
  };
}

async function thrown(run: () => Promise<unknown>): Promise<TokenStoreError> {
  const error = await run().then(
    () => assert.fail('expected a TokenStoreError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenStoreError);
  return error;
}

test('keyring: a refused operation names the server, the keyring service and the fix', async () => {
  const cause = new TokenStoreError('keyring_failed', 'the OS keyring refused the operation: locked');
  const store = storeWithContext(failing(cause, 'OS keyring, service "mcp-oauth"'));
  const error = await thrown(() => store.get(key));
  assert.equal(error.code, 'keyring_failed');
  assert.equal(error.cause, cause);
  assert.equal(
    error.message,
    'credential store of "evil": the OS keyring refused the operation: locked (in OS keyring, service "mcp-oauth"); ' +
      'unlock the OS keyring and try again, or set mcp_oauth_credentials_store = "file"',
  );
});

test('keyv: a backend failure names the server, the keyv location and the fix', async () => {
  const store = storeWithContext(
    failing(
      new TokenStoreError('backend_failed', 'keyv set failed: ECONNREFUSED'),
      'keyv namespace "mcp-oauth"',
    ),
  );
  const error = await thrown(() => store.set(key, {} as never));
  assert.equal(error.code, 'backend_failed');
  assert.equal(error.retryable, true);
  assert.match(
    error.message,
    /^credential store of "evil": keyv set failed: ECONNREFUSED \(in keyv namespace "mcp-oauth"\); check that the Redis\/Valkey server of mcp_oauth_keyv_url is reachable/,
  );
});

test('file: a write failure names the file once and the fix; the path is kept', async () => {
  const cause = new TokenStoreError('io_failed', 'cannot write /h/credentials.json', {
    path: '/h/credentials.json',
  });
  const store = storeWithContext(failing(cause, '/h/credentials.json'));
  const error = await thrown(() => store.delete(key));
  assert.equal(error.path, '/h/credentials.json');
  assert.equal(
    error.message,
    'credential store of "evil": cannot write /h/credentials.json; make the directory and file writable by you, or set MCP_OAUTH_HOME to a writable directory',
  );
});

test('a corrupt record says to log out and in; a listing failure names the store without a server', async () => {
  const store = storeWithContext(
    failing(
      new TokenStoreError('corrupt_record', 'stored credential is not a JSON object'),
      '/h/credentials.json',
    ),
  );
  assert.match(
    (await thrown(() => store.get(key))).message,
    /run `mcp-oauth logout evil`, then `mcp-oauth login evil`$/,
  );
  assert.equal(
    (await thrown(() => store.listAll())).message,
    'stored credential is not a JSON object (in /h/credentials.json)',
  );
});

// Issue 17's gap: a lock lost while held (`lock_lost`, from the file lock's renewal or its release) bypassed the
// wrapper and named neither the store nor the fix. Real file store, real lock file, another "process" taking it.

/** The lock file of `home`'s only held lock, overwritten as another host's process that took it over would. */
async function takeOver(home: string): Promise<void> {
  const dir = join(home, 'locks');
  const [name] = (await readdir(dir)).filter((f) => f.endsWith('.lock'));
  assert.ok(name, 'a lock file is held');
  await writeFile(
    join(dir, name),
    JSON.stringify({
      pid: 1,
      host: 'another-host',
      token: 'theirs',
      ttl_ms: 30_000,
      acquired_at: Date.now(),
    }),
  );
}

/** Waits for `signal` to abort; the lock's renewal timer is unref'd, so this keeps the process alive meanwhile. */
async function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const alive = setInterval(() => {}, 1_000);
  try {
    await once(signal, 'abort');
  } finally {
    clearInterval(alive);
  }
}

async function withFileHome<T>(run: (home: string) => Promise<T>): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), 'mcp-oauth-lock-lost-'));
  try {
    return await run(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const LOST =
  /^the lock of credential "evil" was lost: another process took it over \(in .+credentials\.json\); this process held the lock past its lifetime \(stalled or suspended\) and another took it over: try again$/;

test('file lock taken over while held: the signal and the release say lock_lost with the file and the fix', async () => {
  await withFileHome(async (home) => {
    const store = storeWithContext(createCredentialStore({ kind: 'file', home }));
    const lock = await store.lock(key, { ttlMs: 500 });
    await takeOver(home);
    await aborted(lock.signal);
    const lost = lock.signal.reason as TokenStoreError;
    assert.ok(lost instanceof TokenStoreError);
    assert.equal(lost.code, 'lock_lost');
    assert.match(lost.message, LOST);
    assert.ok(lost.message.includes(join(home, 'credentials.json')));
    const released = await thrown(() => lock.release());
    assert.equal(released, lost, 'the release throws the same restated error');
  });
});

test('a refresh whose lock another process took over (and stored a record needing refresh) fails with the restated lock_lost', async () => {
  await withFileHome(async (home) => {
    const raw = createCredentialStore({ kind: 'file', home });
    const inner: AbortSignal[] = [];
    const lock = raw.lock.bind(raw);
    raw.lock = async (k, options) => {
      const held = await lock(k, options);
      inner.push(held.signal);
      return held;
    };
    const store = storeWithContext(raw);
    const other = createCredentialStore({ kind: 'file', home });
    await store.set(key, credential('at-0', 'rt-0', Date.now() - 1_000));
    const refresher = new Refresher({
      store,
      lock: { ttlMs: 500 },
      grant: async () => {
        await other.set(key, credential('at-theirs', 'rt-theirs', Date.now() - 1_000));
        await takeOver(home);
        assert.ok(inner[0], 'the refresh holds the lock');
        await aborted(inner[0]);
        return { access_token: 'at-new', refresh_token: 'rt-new', expires_at: Date.now() + 3_600_000 };
      },
    });
    try {
      const error = await thrown(() => refresher.getValidToken(key));
      assert.equal(error.code, 'lock_lost');
      assert.match(error.message, LOST);
      assert.equal((await raw.get(key))?.access_token, 'at-theirs', 'the other holder’s record stays');
    } finally {
      refresher.close();
    }
  });
});

function credential(access: string, refresh: string, expiresAt: number): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: key.serverUrl,
    access_token: access,
    token_type: 'Bearer',
    expires_at: expiresAt,
    refresh_token: refresh,
    scopes: [],
    client: { client_id: 'c', registration: 'dynamic', client_secret: null, client_secret_expires_at: null },
    reacquire: null,
    needs_login: null,
    updated_at: Date.now(),
    dpop: null,
  };
}
