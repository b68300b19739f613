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
import { FileStore } from './file-store.js';
import { KeyringStore, type KeyringStoreOptions } from './keyring-store.js';
import { sortKeys } from './record-for-key.js';
import type { BadStoredEntry, StoreListing } from './store-listing.js';
import { isTokenStoreError } from './token-store-error.js';

/** Options of {@link AutoStore}. */
export interface AutoStoreOptions {
  /** Directory of `credentials.json` and `locks/`. Default is {@link defaultCredentialsHome}. */
  readonly home?: string;
  /** Options of the keyring half (service, timeout, helper environment). Its `home` is this store's. */
  readonly keyring?: Omit<KeyringStoreOptions, 'home'>;
}

/** Which store `auto` uses in this process, and why. */
export interface AutoChoice {
  readonly active: 'keyring' | 'file';
  /** One short line: which store and why (`the OS keyring is not usable (keyring_unavailable)`). */
  readonly reason: string;
  /** The keyring's own error (a D-Bus message, say), for debugging only. */
  readonly detail?: string;
}

/**
 * The OS keyring when it works, the file store when it does not, like Codex's `auto` mode. The choice is made
 * once per instance, on first use (one keychain probe, bounded by the keyring timeout), and then pinned: a
 * process never writes one credential to two places. `status()` shows the choice and its reason.
 *
 * With the keyring chosen, reads fall back to the file (credentials saved earlier on a machine without a keyring,
 * for example over SSH), and a write to the keyring removes the file's copy, so one credential has one home.
 * Deletes remove both. `lock(key)` is the host-wide lock file shared with the file and keyring stores.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#auto
 */
export class AutoStore implements CredentialStore {
  readonly kind = 'auto' as const;
  readonly capabilities: StoreCapabilities = { persistent: true, lockScope: 'host', multiProcess: true };
  readonly file: FileStore;
  /** The keyring half; `undefined` when the optional `@napi-rs/keyring` package is not installed. */
  readonly keyring: KeyringStore | undefined;
  readonly #keyringMissing: string | undefined;
  #choice: Promise<AutoChoice> | undefined;

  constructor(options: AutoStoreOptions = {}) {
    const home = options.home ?? defaultCredentialsHome(options.keyring?.env);
    this.file = new FileStore({ home });
    try {
      this.keyring = new KeyringStore({ ...options.keyring, home });
    } catch (error) {
      // Without the optional keyring module, auto is the file store; status() says why and how to change it.
      if (!isTokenStoreError(error, 'store_backend_missing')) throw error;
      this.#keyringMissing = `the OS keyring is not usable (store_backend_missing): ${error.message}`;
    }
  }

  /** Makes (once) and returns the choice between keyring and file. */
  choose(): Promise<AutoChoice> {
    const keyring = this.keyring;
    if (keyring === undefined) {
      const reason = this.#keyringMissing ?? 'no keyring';
      this.#choice ??= Promise.resolve({ active: 'file', reason });
      return this.#choice;
    }
    this.#choice ??= keyring.probe().then(
      (): AutoChoice => ({ active: 'keyring', reason: 'the OS keyring answered' }),
      (error: unknown): AutoChoice => {
        if (isTokenStoreError(error) && error.code.startsWith('keyring_')) {
          return {
            active: 'file',
            reason: `the OS keyring is not usable (${error.code})`,
            detail: error.message,
          };
        }
        throw error;
      },
    );
    return this.#choice;
  }

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const keyring = await this.#activeKeyring();
    if (keyring === undefined) return this.file.get(key);
    return (await keyring.get(key)) ?? this.file.get(key);
  }

  /**
   * The file's stamp, and with the keyring chosen the keyring's stamp of `key` too (reads fall back to the file);
   * null when the keyring keeps no stamp for `key` yet.
   */
  async version(key: CredentialKey): Promise<StoreVersion | null> {
    const keyring = await this.#activeKeyring();
    const file = await this.file.version(key);
    if (keyring === undefined) return file;
    const own = await keyring.version(key);
    return own === null || file === null ? null : `${own}|${file}`;
  }

  async set(key: CredentialKey, record: CredentialRecord): Promise<void> {
    const keyring = await this.#activeKeyring();
    if (keyring === undefined) return this.file.set(key, record);
    await keyring.set(key, record);
    await this.file.delete(key);
  }

  async delete(key: CredentialKey): Promise<boolean> {
    const keyring = await this.#activeKeyring();
    const fromKeyring = keyring === undefined ? false : await keyring.delete(key);
    const fromFile = await this.file.delete(key);
    return fromKeyring || fromFile;
  }

  async list(): Promise<CredentialKey[]> {
    return (await this.listAll()).keys;
  }

  async listAll(): Promise<StoreListing> {
    const keys = new Map<string, CredentialKey>();
    const bad: BadStoredEntry[] = [];
    const keyring = await this.#activeKeyring();
    const sources = keyring === undefined ? [this.file] : [keyring, this.file];
    for (const source of sources) {
      const listing = await source.listAll();
      for (const key of listing.keys) keys.set(credentialStorageId(key), key);
      bad.push(...listing.bad);
    }
    return { keys: sortKeys([...keys.values()]), bad };
  }

  /** The file store's checks (its directory also holds the locks), and the keyring's when it is the active store. */
  async preflight(): Promise<void> {
    await this.file.preflight();
    await (await this.#activeKeyring())?.preflight();
  }

  async deleteEntry(id: string): Promise<boolean> {
    const keyring = await this.#activeKeyring();
    const fromKeyring = keyring === undefined ? false : await keyring.deleteEntry(id);
    const fromFile = await this.file.deleteEntry(id);
    return fromKeyring || fromFile;
  }

  lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    return this.file.lock(key, options);
  }

  async status(): Promise<StoreStatus> {
    const choice = await this.choose();
    const keyring = await this.#activeKeyring();
    const active = keyring === undefined ? await this.file.status() : await keyring.status();
    return {
      kind: 'auto',
      active: choice.active,
      reason: choice.reason,
      ...(choice.detail === undefined ? {} : { detail: choice.detail }),
      location: active.location,
      capabilities: this.capabilities,
    };
  }

  async close(): Promise<void> {
    await this.keyring?.close();
  }

  /** The keyring store when the choice is the keyring, else `undefined` (file). */
  async #activeKeyring(): Promise<KeyringStore | undefined> {
    return (await this.choose()).active === 'keyring' ? this.keyring : undefined;
  }
}
