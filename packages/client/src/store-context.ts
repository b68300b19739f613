import { suggestCommand } from '@mcp-oauth/config';
import {
  type CredentialKey,
  type CredentialLock,
  type CredentialStore,
  isTokenStoreError,
  TokenStoreError,
  type TokenStoreErrorCode,
} from '@mcp-oauth/token-store';

/** What to do about a store failure, by code (the store's own message says what happened). */
function fixFor(code: TokenStoreErrorCode, server: string | undefined): string | undefined {
  switch (code) {
    case 'io_failed':
      return 'make the directory and file writable by you, or set MCP_OAUTH_HOME to a writable directory';
    case 'lock_timeout':
      return 'another mcp-oauth process holds the lock: try again when it is done';
    case 'lock_lost':
      return 'this process held the lock past its lifetime (stalled or suspended) and another took it over: try again';
    case 'keyring_timeout':
    case 'keyring_failed':
      return 'unlock the OS keyring and try again, or set mcp_oauth_credentials_store = "file"';
    case 'backend_failed':
      return 'check that the Redis/Valkey server of mcp_oauth_keyv_url is reachable, then try again';
    case 'corrupt_record':
      return server === undefined
        ? undefined
        : `run \`${suggestCommand(['logout', server])}\`, then \`${suggestCommand(['login', server])}\``;
    default:
      return undefined;
  }
}

/**
 * The store error `error` restated for a user: the server it concerns (when there is one), where the store is (the
 * file, the keyring service, the keyv namespace and Redis URL without password: `status().location`) unless the
 * message already names it, and what to do. Same code, path and retryability; the original is the cause. Secrets
 * never reach a store message (the store redacts them), and the location holds none.
 */
export function withStoreContext(
  error: unknown,
  server: string | undefined,
  location: string | undefined,
): unknown {
  if (!isTokenStoreError(error) || (error as { contextual?: boolean }).contextual) return error;
  const parts: string[] = [];
  if (server !== undefined && !error.message.includes(JSON.stringify(server))) {
    parts.push(`credential store of ${JSON.stringify(server)}: `);
  }
  parts.push(error.message);
  if (location !== undefined && !error.message.includes(location)) parts.push(` (in ${location})`);
  const fix = fixFor(error.code, server);
  if (fix !== undefined && !error.message.includes(fix)) parts.push(`; ${fix}`);
  const restated = new TokenStoreError(error.code, parts.join(''), {
    cause: error,
    ...(error.path !== undefined ? { path: error.path } : {}),
  });
  return Object.assign(restated, { contextual: true });
}

/**
 * A held lock whose loss says where, like every other store failure: the `lock_lost` that aborts its `signal`
 * (the holder stalled past the lock's lifetime, another process took it over: a refresh then fails with it) and
 * the one `release` throws are restated by {@link withStoreContext}, same code and the original as the cause.
 */
function lockWithContext(lock: CredentialLock, server: string, location: string | undefined): CredentialLock {
  const controller = new AbortController();
  const follow = () => controller.abort(withStoreContext(lock.signal.reason, server, location));
  if (lock.signal.aborted) follow();
  else lock.signal.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    release: async () => {
      try {
        await lock.release();
      } catch (error) {
        // The loss already restated for the signal is thrown as that same error.
        if (error === lock.signal.reason && controller.signal.aborted) throw controller.signal.reason;
        throw withStoreContext(error, server, location);
      } finally {
        lock.signal.removeEventListener('abort', follow);
      }
    },
  };
}

/**
 * `store` whose every failure names the server (for operations on one credential), the store's location and the
 * fix ({@link withStoreContext}), a lock lost while held included ({@link lockWithContext}). Everything else passes
 * through unchanged.
 */
type StoreVersionFn = NonNullable<CredentialStore['version']>;

export function storeWithContext(store: CredentialStore): CredentialStore {
  let location: string | undefined;
  const where = async (): Promise<string | undefined> => {
    if (location !== undefined) return location;
    try {
      location = (await store.status()).location;
    } catch {
      // The store cannot even say where it is: the message goes without it.
    }
    return location;
  };
  const guard = async <T>(server: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw withStoreContext(error, server, isTokenStoreError(error) ? await where() : undefined);
    }
  };
  const of = (key: CredentialKey) => key.serverName;
  return {
    get kind() {
      return store.kind;
    },
    get capabilities() {
      return store.capabilities;
    },
    get: (key) => guard(of(key), () => store.get(key)),
    set: (key, record) => guard(of(key), () => store.set(key, record)),
    delete: (key) => guard(of(key), () => store.delete(key)),
    list: () => guard(undefined, () => store.list()),
    listAll: () => guard(undefined, () => store.listAll()),
    deleteEntry: (id) => guard(undefined, () => store.deleteEntry(id)),
    lock: async (key, options) => {
      const held = await guard(of(key), () => store.lock(key, options));
      return lockWithContext(held, of(key), await where());
    },
    preflight: () => guard(undefined, () => store.preflight()),
    status: () => store.status(),
    close: () => store.close(),
    // The change stamp, when the store has one: without it every use would read the record (docs/refresh.md).
    ...(typeof store.version === 'function'
      ? {
          version: (key: CredentialKey) =>
            guard(of(key), () => (store.version as StoreVersionFn).call(store, key)),
        }
      : {}),
  };
}
