// Issue 17, "store messages that name no server or file": every store failure the client passes on names the
// server (for one credential's operations), where the store is, and what to do; code, path and cause are kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CredentialKey,
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
