import { randomUUID } from 'node:crypto';
import { type CredentialKey, credentialStorageId } from './credential-key.js';
import { type CredentialRecord, recordSecrets } from './credential-record.js';
import type {
  CredentialLock,
  CredentialStore,
  LockOptions,
  LockScope,
  StoreCapabilities,
  StoreStatus,
  StoreVersion,
} from './credential-store.js';
import { acquireFleetLock, type LockBackend } from './fleet-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { layeredLock } from './layered-lock.js';
import { resolveLockOptions } from './lock-options.js';
import { migrateRecord } from './migrate-record.js';
import { recordForKey } from './record-for-key.js';
import { type RedisLockClient, redisLockBackend } from './redis-lock.js';
import { listStoredEntries, type StoreListing } from './store-listing.js';
import { TokenStoreError } from './token-store-error.js';

/**
 * The part of a `Keyv` instance (package `keyv`) the store uses. Structural, so that `@mcp-oauth/token-store`'s
 * types do not need the optional `keyv` package installed.
 */
export interface KeyvLike {
  get(key: string): Promise<unknown>;
  /** `ttl` in milliseconds (Keyv's third argument); absent: no expiry. */
  set(key: string, value: unknown, ttl?: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  // biome-ignore lint/suspicious/noExplicitAny: Keyv's own IteratorFunction type takes any.
  iterator?: ((namespace?: any) => AsyncGenerator<any, void>) | undefined;
  readonly namespace?: string | undefined;
  readonly store?: unknown;
  throwOnErrors: boolean;
  disconnect(): Promise<void>;
}

/** Options of {@link KeyvStore}. */
export interface KeyvStoreOptions {
  /**
   * The Keyv instance, with a namespace of its own (for Redis/Valkey: `createKeyv(url, { namespace })` from
   * @keyv/redis). The store turns on `throwOnErrors` on it and on its adapter: a failed write must throw.
   */
  readonly keyv: KeyvLike;
  /**
   * The lock:
   * - `auto` (default): fleet-wide on a @keyv/redis adapter (Redis or Valkey), otherwise in-process only;
   * - `process`: in-process only;
   * - a {@link LockBackend}: fleet-wide on that service.
   */
  readonly lock?: 'auto' | 'process' | LockBackend;
  /** Prefix of the lock keys (outside the Keyv namespace). Default is `mcp-oauth-lock:<namespace>:`. */
  readonly lockKeyPrefix?: string;
  /**
   * Where the backend is, for messages and `status().location` (a Redis URL): its password, if any, is replaced by
   * `***` before it is kept. Default: none (the location names the namespace only).
   */
  readonly server?: string;
}

/** `url` without its password (`redis://user:***@host:6379`); a value that is not a URL is not shown. */
export function urlWithoutPassword(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.href;
  } catch {
    return undefined;
  }
}

interface RedisAdapterLike {
  getClient(): Promise<unknown>;
  throwOnErrors?: boolean;
}

/**
 * Credentials in any Keyv backend; with Redis or Valkey, a fleet of workers on several hosts shares credentials
 * and refreshes them one at a time through a fleet-wide lock (`SET NX PX` with a random token, compare-and-delete
 * release, renewal while held). Errors are thrown (`backend_failed`), never only emitted.
 *
 * Every `set` also stores a random stamp under `.version.<id>` (after the record), and `delete` removes it:
 * {@link version} is one `get` of that small entry instead of the record.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#keyv-redis-valkey
 */
export class KeyvStore implements CredentialStore {
  readonly kind = 'keyv' as const;
  readonly capabilities: StoreCapabilities;
  readonly #keyv: KeyvLike;
  readonly #lockBackend: LockBackend | undefined;
  readonly #lockKeyPrefix: string;
  readonly #mutex = new KeyedMutex();
  readonly #server: string | undefined;

  constructor(options: KeyvStoreOptions) {
    const keyv = options?.keyv;
    if (typeof keyv?.get !== 'function' || typeof keyv.set !== 'function') {
      throw new TokenStoreError('invalid_options', 'KeyvStore needs a Keyv instance in options.keyv');
    }
    this.#keyv = keyv;
    this.#server = options.server === undefined ? undefined : urlWithoutPassword(options.server);
    keyv.throwOnErrors = true;
    const adapter = keyv.store as Partial<RedisAdapterLike> | undefined;
    const isRedis = typeof adapter?.getClient === 'function';
    if (isRedis) (adapter as RedisAdapterLike).throwOnErrors = true;
    const lock = options.lock ?? 'auto';
    if (typeof lock === 'object') {
      this.#lockBackend = lock;
    } else if (lock === 'auto' && isRedis) {
      const redis = adapter as RedisAdapterLike;
      this.#lockBackend = redisLockBackend(async () => (await redis.getClient()) as RedisLockClient);
    }
    const scope: LockScope = this.#lockBackend === undefined ? 'process' : 'fleet';
    this.capabilities = {
      persistent: !(adapter instanceof Map),
      lockScope: scope,
      multiProcess: scope === 'fleet',
    };
    this.#lockKeyPrefix = options.lockKeyPrefix ?? `mcp-oauth-lock:${this.namespace ?? ''}:`;
  }

  /** The Keyv namespace (from the instance, else its adapter). */
  get namespace(): string | undefined {
    return this.#keyv.namespace ?? (this.#keyv.store as { namespace?: string } | undefined)?.namespace;
  }

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const id = credentialStorageId(key);
    const raw = await this.#call('read', [], () => this.#keyv.get(id));
    if (raw === undefined || raw === null) return null;
    return migrateRecord(raw, key);
  }

  async set(key: CredentialKey, record: CredentialRecord): Promise<void> {
    const entry = recordForKey(key, record);
    const secrets = recordSecrets(entry.record);
    const stored = await this.#call('write', secrets, () => this.#keyv.set(entry.id, entry.record));
    if (stored === false)
      throw new TokenStoreError('backend_failed', 'the keyv backend did not store the credential');
    // After the record: a reader that sees the new stamp then reads the new record (or a later one).
    try {
      const stamped = await this.#keyv.set(versionId(entry.id), randomUUID());
      if (stamped === false) throw new Error('the backend did not store it');
    } catch (error) {
      // A stamp that did not move would hide the change: remove it (readers then read the record every time).
      await this.#call('delete', [], () => this.#keyv.delete(versionId(entry.id)));
      throw new TokenStoreError(
        'backend_failed',
        `keyv write failed: the credential was stored but its change stamp was not (${messageOf(error)})`,
        { cause: error },
      );
    }
  }

  async delete(key: CredentialKey): Promise<boolean> {
    return this.deleteEntry(credentialStorageId(key));
  }

  /**
   * The random stamp the last `set` stored next to the record (one `get` of a short string); null when there is
   * none (deleted, or stored by an mcp-oauth that kept no stamps): read the record.
   */
  async version(key: CredentialKey): Promise<StoreVersion | null> {
    const id = versionId(credentialStorageId(key));
    const stamp = await this.#call('read', [], () => this.#keyv.get(id));
    return typeof stamp === 'string' ? stamp : null;
  }

  async list(): Promise<CredentialKey[]> {
    return (await this.listAll()).keys;
  }

  /** Stores and deletes a probe entry (`.preflight`, 60 s lifetime should the delete fail). */
  async preflight(): Promise<void> {
    const id = `.preflight-${process.pid}`;
    const stored = await this.#call('write', [], () => this.#keyv.set(id, { probe: true }, 60_000));
    if (stored === false)
      throw new TokenStoreError('backend_failed', 'the keyv backend did not store a probe entry');
    await this.#call('delete', [], () => this.#keyv.delete(id));
  }

  async deleteEntry(id: string): Promise<boolean> {
    // The stamp first: a reader that finds no stamp reads the record, so it never trusts a stamp of a gone record.
    await this.#call('delete', [], () => this.#keyv.delete(versionId(id)));
    return this.#call('delete', [], () => this.#keyv.delete(id));
  }

  async listAll(): Promise<StoreListing> {
    const iterator = this.#keyv.iterator;
    if (iterator === undefined) {
      throw new TokenStoreError('unsupported', 'this keyv backend cannot list its keys (no iterator)');
    }
    const entries = await this.#call('list', [], async () => {
      const all: Array<[string, unknown]> = [];
      for await (const [k, v] of iterator.call(this.#keyv, this.namespace)) {
        if (!String(k).startsWith(VERSION_PREFIX)) all.push([String(k), v]);
      }
      return all;
    });
    return listStoredEntries(entries.map(([k, v]) => [k, () => v] as const));
  }

  async lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    const cid = credentialStorageId(key);
    const resolved = {
      ...resolveLockOptions(options),
      what: `the lock of credential ${JSON.stringify(key.serverName)}`,
    };
    const backend = this.#lockBackend;
    if (backend === undefined) return this.#mutex.acquire(cid, resolved);
    return layeredLock(this.#mutex, cid, resolved, (remaining) =>
      acquireFleetLock(backend, `${this.#lockKeyPrefix}${cid}`, { ...remaining, what: resolved.what }),
    );
  }

  async status(): Promise<StoreStatus> {
    return {
      kind: 'keyv',
      location:
        `keyv namespace ${JSON.stringify(this.namespace ?? '')}` +
        (this.#server === undefined ? '' : ` at ${this.#server}`),
      capabilities: this.capabilities,
    };
  }

  /** Disconnects the Keyv instance (and its Redis client). */
  async close(): Promise<void> {
    await this.#call('disconnect', [], async () => {
      await this.#keyv.disconnect();
    });
  }

  async #call<T>(what: string, secrets: readonly string[], fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TokenStoreError) throw error;
      throw new TokenStoreError('backend_failed', `keyv ${what} failed: ${messageOf(error)}`, {
        cause: error,
        secrets,
      });
    }
  }
}

/** Prefix of the change stamps' keys; no storage id starts with a dot. */
const VERSION_PREFIX = '.version.';

function versionId(id: string): string {
  return `${VERSION_PREFIX}${id}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
