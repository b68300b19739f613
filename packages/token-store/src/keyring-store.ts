import { join } from 'node:path';
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
import { defaultCredentialsHome } from './default-home.js';
import type { FileLockDeps } from './file-lock.js';
import { acquireHostLock } from './host-lock.js';
import { type KeyringBackend, KeyringHelperProcess } from './keyring-helper.js';
import { resolveLockOptions } from './lock-options.js';
import { migrateRecord } from './migrate-record.js';
import { type BackendLoader, defaultBackendLoader, resolveBackend } from './optional-backend.js';
import { recordForKey } from './record-for-key.js';
import { readStampFile, touchStampFile } from './stamp-file.js';
import { listStoredEntries, type StoreListing } from './store-listing.js';
import { TokenStoreError } from './token-store-error.js';

/** Options of {@link KeyringStore}. */
export interface KeyringStoreOptions {
  /** The keychain service name. Default is `mcp-oauth`. */
  readonly service?: string;
  /** Directory of the per-credential lock files (`<home>/locks/`). Default is {@link defaultCredentialsHome}. */
  readonly home?: string;
  /** How long one keychain operation may take, in ms. Default is 5000 (5 seconds). */
  readonly timeoutMs?: number;
  /** Environment of the keychain helper process (D-Bus address). Default is `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Another keychain backend (tests). Default: a {@link KeyringHelperProcess}. */
  readonly backend?: KeyringBackend;
  /** Test seams for the lock files. */
  readonly lockDeps?: FileLockDeps;
  /** How `@napi-rs/keyring` (an optional peer dependency) is found. Default: {@link defaultBackendLoader}. */
  readonly loader?: BackendLoader;
}

/**
 * Credentials in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * @napi-rs/keyring: service `mcp-oauth`, one account per credential ({@link credentialStorageId}), the record as
 * JSON in the password. Every keychain call runs in a helper process with a timeout, so a machine without a
 * usable keychain fails fast (`keyring_unavailable` or `keyring_timeout`, naming the file store) instead of
 * hanging. The keychain has no locks: `lock(key)` is the same host-wide lock file as the file store's, in
 * `<home>/locks/`. Nor has it change notifications, and a read costs a helper round trip: each write also
 * replaces a stamp file, `<home>/keyring-stamps/<id>`, whose `stat` is the store's {@link version}.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#keyring
 */
export class KeyringStore implements CredentialStore {
  readonly kind = 'keyring' as const;
  readonly capabilities: StoreCapabilities = { persistent: true, lockScope: 'host', multiProcess: true };
  readonly service: string;
  readonly home: string;
  readonly #backend: KeyringBackend;
  readonly #lockDeps: FileLockDeps | undefined;

  constructor(options: KeyringStoreOptions = {}) {
    this.service = options.service ?? 'mcp-oauth';
    if (this.service === '')
      throw new TokenStoreError('invalid_options', 'keyring service must not be empty');
    this.home = options.home ?? defaultCredentialsHome(options.env);
    this.#backend = options.backend ?? helperProcess(options);
    this.#lockDeps = options.lockDeps;
  }

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const id = credentialStorageId(key);
    const text = await this.#backend.get(this.service, id);
    if (text === null) return null;
    return migrateRecord(parseStored(text, id), key);
  }

  async set(key: CredentialKey, record: CredentialRecord): Promise<void> {
    const entry = recordForKey(key, record);
    await this.#backend.set(this.service, entry.id, JSON.stringify(entry.record));
    await touchStampFile(this.#stampPath(entry.id));
  }

  async delete(key: CredentialKey): Promise<boolean> {
    return this.deleteEntry(credentialStorageId(key));
  }

  /**
   * The stamp file of `key` (one `stat`, no keychain call), replaced by every `set` and `delete` of this store;
   * null when there is none yet (the credential was stored by an mcp-oauth that kept no stamps): read the keychain.
   */
  async version(key: CredentialKey): Promise<StoreVersion | null> {
    return readStampFile(this.#stampPath(credentialStorageId(key)));
  }

  async list(): Promise<CredentialKey[]> {
    return (await this.listAll()).keys;
  }

  async listAll(): Promise<StoreListing> {
    const entries = await this.#backend.list(this.service);
    return listStoredEntries(
      entries.map((e) => [e.account, () => parseStored(e.password, e.account)] as const),
    );
  }

  /** The keychain answers ({@link probe}) and the lock directory can be created. */
  async preflight(): Promise<void> {
    await this.probe();
  }

  async deleteEntry(id: string): Promise<boolean> {
    const existed = await this.#backend.delete(this.service, id);
    // Only a storage id names a stamp (an arbitrary keychain account must never become a path).
    if (STORAGE_ID.test(id)) await touchStampFile(this.#stampPath(id));
    return existed;
  }

  async lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    const id = credentialStorageId(key);
    return acquireHostLock(
      join(this.home, 'locks', `${id}.lock`),
      { ...resolveLockOptions(options), what: `the lock of credential ${JSON.stringify(key.serverName)}` },
      this.#lockDeps,
    );
  }

  /**
   * Checks that the keychain answers (reads an entry that does not exist). Throws `keyring_unavailable` or
   * `keyring_timeout` when it does not; the `auto` store uses this to choose.
   */
  async probe(): Promise<void> {
    await this.#backend.get(this.service, '.probe');
  }

  async status(): Promise<StoreStatus> {
    return {
      kind: 'keyring',
      location: `OS keyring, service ${JSON.stringify(this.service)}`,
      capabilities: this.capabilities,
    };
  }

  async close(): Promise<void> {
    await this.#backend.close();
  }

  #stampPath(id: string): string {
    return join(this.home, 'keyring-stamps', id);
  }
}

/** The shape of {@link credentialStorageId}: no `/`, `\\`, `..` or `:`. */
const STORAGE_ID = /^[A-Za-z0-9_-]{0,40}\.[0-9a-f]{32}$/;

function parseStored(text: string, id: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, which is a token: never pass it on.
    throw new TokenStoreError('corrupt_record', `keyring entry ${JSON.stringify(id)} is not valid JSON`);
  }
}

/**
 * The keychain helper, after checking that `@napi-rs/keyring` is installed: a missing optional peer fails here,
 * at store creation, with `store_backend_missing` and the install command.
 */
function helperProcess(options: KeyringStoreOptions): KeyringHelperProcess {
  const modulePath = resolveBackend(
    options.loader ?? defaultBackendLoader,
    '@napi-rs/keyring',
    'the keyring store',
  );
  return new KeyringHelperProcess({
    modulePath,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.env !== undefined && { env: options.env }),
  });
}
