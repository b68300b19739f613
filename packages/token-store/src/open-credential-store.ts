import { type CreateCredentialStoreOptions, createCredentialStore } from './create-credential-store.js';
import type { CredentialStore } from './credential-store.js';
import type { KeyvLike } from './keyv-store.js';
import { defaultBackendLoader, importBackend } from './optional-backend.js';
import { TokenStoreError } from './token-store-error.js';

/** Options of {@link openCredentialStore}. */
export interface OpenCredentialStoreOptions extends CreateCredentialStoreOptions {
  /**
   * For `keyv` without `keyv`: the Redis or Valkey URL (`redis://`, `rediss://`). The store then loads the optional
   * `@keyv/redis` package (and its `keyv`) on first use.
   */
  readonly keyvUrl?: string;
  /** Keyv namespace for a store opened from `keyvUrl`. Default is `mcp-oauth`. */
  readonly keyvNamespace?: string;
  /** Connection timeout for a store opened from `keyvUrl`, in ms. Default is 5000 (5 seconds). */
  readonly keyvConnectionTimeoutMs?: number;
}

interface KeyvRedisModule {
  createKeyv(
    connect: { url: string; socket: { connectTimeout: number; reconnectStrategy: false } },
    options: { namespace: string },
  ): KeyvLike;
}

/** The package a Redis/Valkey store needs (it brings `keyv` with it). */
const REDIS_PACKAGES = ['@keyv/redis'] as const;

/**
 * Like {@link createCredentialStore}, and also opens a `keyv` store from a Redis/Valkey URL, loading the optional
 * `@keyv/redis` package only then. A missing optional package fails here with `store_backend_missing`, whose
 * message is the `npm install …` to run.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#optional-packages
 */
export async function openCredentialStore(
  options: OpenCredentialStoreOptions = {},
): Promise<CredentialStore> {
  if (options.kind !== 'keyv' || options.keyv !== undefined || options.keyvUrl === undefined) {
    return createCredentialStore(options);
  }
  const scheme = options.keyvUrl.split(':')[0]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw new TokenStoreError(
      'invalid_options',
      `keyvUrl must be a redis:// or rediss:// URL (Redis or Valkey), not ${JSON.stringify(`${scheme}:`)}`,
    );
  }
  const loader = options.loader ?? defaultBackendLoader;
  const feature = 'the keyv store for Redis/Valkey';
  const redis = await importBackend<KeyvRedisModule>(loader, '@keyv/redis', feature, REDIS_PACKAGES);
  const keyv = redis.createKeyv(
    {
      url: options.keyvUrl,
      // Fail (backend_failed) instead of retrying forever when Redis is down: node-redis's own connect timeout
      // (a socket timeout, gone once connected) and no reconnect loop; the next operation connects again.
      // Not @keyv/redis's `connectionTimeout`: its timer is never cleared when the connection wins the race
      // (@keyv/redis 5.1.6 createTimeoutPromise), so a process lingers that long after close().
      socket: { connectTimeout: options.keyvConnectionTimeoutMs ?? 5000, reconnectStrategy: false },
    },
    { namespace: options.keyvNamespace ?? 'mcp-oauth' },
  );
  // Messages and `status` name the Redis server (its password never kept).
  return createCredentialStore({ ...options, keyv, keyvServer: options.keyvUrl });
}
