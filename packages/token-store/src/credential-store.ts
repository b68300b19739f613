import type { CredentialKey } from './credential-key.js';
import type { CredentialRecord } from './credential-record.js';
import type { StoreListing } from './store-listing.js';

/** The adapters of this package; `auto` is keyring with a file fallback. */
export type StoreKind = 'memory' | 'file' | 'keyring' | 'keyv' | 'auto';

/**
 * Who a store's lock excludes:
 * - `process`: other callers in this process only (an in-process mutex);
 * - `host`: every process on this machine sharing the store's home directory (a lock file);
 * - `fleet`: every process on every host sharing the backend (Redis/Valkey `SET NX PX`).
 */
export type LockScope = 'process' | 'host' | 'fleet';

/** A stamp of what is stored under one key ({@link CredentialStore.version}); opaque, compared with `===`. */
export type StoreVersion = string;

/** What a store can do; the contract test suite switches tests on and off by these. */
export interface StoreCapabilities {
  /** Whether records outlive the process. */
  readonly persistent: boolean;
  /** Who `lock` excludes. */
  readonly lockScope: LockScope;
  /** Whether several processes (or hosts, for `fleet`) can use the store at once without losing writes. */
  readonly multiProcess: boolean;
}

/** Options of {@link CredentialStore.lock}. */
export interface LockOptions {
  /**
   * How long the lock outlives a holder that stops renewing it (crashed, SIGKILLed, or frozen), in milliseconds.
   * A live holder renews it every `ttlMs / 3`. Default is 30000 (30 seconds); at least 500.
   */
  readonly ttlMs?: number;
  /** How long to wait for another holder before failing with `lock_timeout`, in ms. Default is 30000 (30 seconds). */
  readonly waitMs?: number;
  /** Aborts the wait (`lock_aborted`). It does not release a lock already held. */
  readonly signal?: AbortSignal;
}

/** A held lock on one credential. */
export interface CredentialLock {
  /**
   * Aborted when the lock is lost while held (it could not be renewed within `ttlMs`, so another holder may have
   * taken it). A holder that is about to write checks it first, and then writes only over what it read (the
   * `Refresher` still stores a rotated refresh token it has received: dropping it would end the session).
   */
  readonly signal: AbortSignal;
  /**
   * Releases the lock. Idempotent. Throws `lock_lost` when the lock was lost while held: the caller's writes may
   * have raced with another holder's.
   */
  release(): Promise<void>;
}

/** What `status` shows about a store. */
export interface StoreStatus {
  readonly kind: StoreKind;
  /** For `auto`: the store chosen for this process (`keyring` or `file`), and why. */
  readonly active?: 'keyring' | 'file';
  readonly reason?: string;
  /** For `auto` without a keyring: the keyring's own error (a D-Bus message), to show only when debugging. */
  readonly detail?: string;
  /** Where credentials live: a file path, a keyring service, a keyv namespace. Never a secret. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
}

/**
 * The storage contract every adapter implements. All methods are async and throw {@link TokenStoreError} on
 * failure; none swallows an error. Records are validated on `set` and migrated to the current version on `get`.
 *
 * The lock is what refresh uses for single-flight across processes: take the lock, re-read the record, adopt a
 * token another holder refreshed meanwhile, else refresh and `set`, then release.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md
 */
export interface CredentialStore {
  readonly kind: StoreKind;
  readonly capabilities: StoreCapabilities;
  /** The record stored under `key`, migrated to the current version, or null. */
  get(key: CredentialKey): Promise<CredentialRecord | null>;
  /** Stores `record` under `key`, replacing any previous one. The record's server and issuer must match `key`. */
  set(key: CredentialKey, record: CredentialRecord): Promise<void>;
  /** Removes the record; resolves whether there was one. */
  delete(key: CredentialKey): Promise<boolean>;
  /**
   * The keys of all usable stored records, sorted by server name, URL, issuer. An entry that cannot be read is
   * left out (it affects only its own server); {@link listAll} reports it.
   */
  list(): Promise<CredentialKey[]>;
  /** Every entry: the keys of usable records and the entries that are not usable (`corrupt_record`, a newer version). */
  listAll(): Promise<StoreListing>;
  /**
   * Removes the entry stored under storage id `id` whatever it holds (a bad entry has no usable key); resolves
   * whether there was one.
   */
  deleteEntry(id: string): Promise<boolean>;
  /**
   * Optional capability: a stamp of what is stored under `key`, cheaper than `get`, that changes whenever the
   * record may have changed (a `set` or `delete` through any instance or process sharing the store). Compare stamps
   * with `===` only. Null: the store cannot tell now (for example a record written by an older mcp-oauth that kept
   * no stamp), and only `get` knows. A caller that keeps a record in memory takes the stamp **before** it reads the
   * record, so a write between the two shows as a change on the next check, never the reverse. What it costs per
   * adapter: memory nothing, file one `stat` of `credentials.json`, keyring one `stat` of a stamp file, keyv one
   * `get` of a small stamp entry (docs/storage.md#change-stamps).
   */
  version?(key: CredentialKey): Promise<StoreVersion | null>;
  /** Takes the lock of one credential, waiting up to `waitMs` for another holder. */
  lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock>;
  /**
   * Checks, without changing any record, that a write can succeed now: the file store's directory takes a new
   * file, the keyring answers, the keyv backend stores and deletes a probe. A login calls it before the browser
   * opens, so nobody signs in for nothing. Throws the {@link TokenStoreError} the write would (`io_failed` naming
   * the path, `keyring_unavailable`, `backend_failed`, …).
   */
  preflight(): Promise<void>;
  /** What `status` shows. May touch the backend (for `auto` it makes the choice). */
  status(): Promise<StoreStatus>;
  /** Releases connections and helper processes. Idempotent. */
  close(): Promise<void>;
}
