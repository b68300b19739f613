import { type CredentialKey, credentialStorageId } from './credential-key.js';
import type { CredentialRecord } from './credential-record.js';
import type {
  CredentialLock,
  CredentialStore,
  LockOptions,
  StoreCapabilities,
  StoreStatus,
  StoreVersion,
} from './credential-store.js';
import { KeyedMutex } from './keyed-mutex.js';
import { resolveLockOptions } from './lock-options.js';
import { migrateRecord } from './migrate-record.js';
import { recordForKey } from './record-for-key.js';
import { listStoredEntries, type StoreListing } from './store-listing.js';

/**
 * Credentials in process memory, for tests and for embedders that persist elsewhere. Records are copied in and
 * out (a caller's later mutation never changes the store). `lock` is a real in-process mutex per credential:
 * callers queue in order, waits are bounded by `waitMs` and `signal`; `ttlMs` does not apply.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#memory
 */
export class MemoryStore implements CredentialStore {
  readonly kind = 'memory' as const;
  readonly capabilities: StoreCapabilities = { persistent: false, lockScope: 'process', multiProcess: false };
  readonly #records = new Map<string, unknown>();
  readonly #mutex = new KeyedMutex();
  /** The change stamp of each storage id: the store-wide write count at its last change (never repeats). */
  readonly #versions = new Map<string, number>();
  #writes = 0;

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const id = credentialStorageId(key);
    if (!this.#records.has(id)) return null;
    return migrateRecord(structuredClone(this.#records.get(id)), key);
  }

  async set(key: CredentialKey, record: CredentialRecord): Promise<void> {
    const entry = recordForKey(key, record);
    this.#records.set(entry.id, structuredClone(entry.record));
    this.#changed(entry.id);
  }

  async delete(key: CredentialKey): Promise<boolean> {
    return this.deleteEntry(credentialStorageId(key));
  }

  /** The write count at the last change of `key`'s entry: no syscall, no copy. */
  async version(key: CredentialKey): Promise<StoreVersion | null> {
    return `m${this.#versions.get(credentialStorageId(key)) ?? 0}`;
  }

  async list(): Promise<CredentialKey[]> {
    return (await this.listAll()).keys;
  }

  async listAll(): Promise<StoreListing> {
    return listStoredEntries(
      [...this.#records].map(([id, raw]) => [id, () => structuredClone(raw)] as const),
    );
  }

  async preflight(): Promise<void> {}

  async deleteEntry(id: string): Promise<boolean> {
    this.#changed(id);
    return this.#records.delete(id);
  }

  /** Stores a raw value under storage id `id`, without any check (tests of bad entries such as `__proto__`). */
  putRawEntry(id: string, raw: unknown): void {
    this.#records.set(id, structuredClone(raw));
    this.#changed(id);
  }

  async lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    const resolved = resolveLockOptions(options);
    return this.#mutex.acquire(credentialStorageId(key), {
      ...resolved,
      what: `the lock of credential ${JSON.stringify(key.serverName)}`,
    });
  }

  /**
   * Stores a raw value under `key` without any check, as an older version of mcp-oauth (or a bug) might have
   * written it. For tests of migration and corrupt records.
   */
  putRaw(key: CredentialKey, raw: unknown): void {
    this.putRawEntry(credentialStorageId(key), raw);
  }

  async status(): Promise<StoreStatus> {
    return { kind: 'memory', location: 'process memory', capabilities: this.capabilities };
  }

  async close(): Promise<void> {}

  #changed(id: string): void {
    this.#writes += 1;
    this.#versions.set(id, this.#writes);
  }
}
