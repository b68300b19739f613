import type { Keyv } from 'keyv';
import { AutoStore } from './auto-store.js';
import type { CredentialStore, StoreKind } from './credential-store.js';
import { defaultCredentialsHome } from './default-home.js';
import { FileStore } from './file-store.js';
import { KeyringStore, type KeyringStoreOptions } from './keyring-store.js';
import { KeyvStore, type KeyvStoreOptions } from './keyv-store.js';
import { MemoryStore } from './memory-store.js';
import { TokenStoreError } from './token-store-error.js';

/** Options of {@link createCredentialStore}. */
export interface CreateCredentialStoreOptions {
  /** `mcp_oauth_credentials_store` from config.toml (absent means `auto`), or `memory`. */
  readonly kind?: StoreKind;
  /** Directory of `credentials.json` and `locks/`. Default is {@link defaultCredentialsHome}. */
  readonly home?: string;
  /** For `keyring` and `auto`: service, timeout, helper environment. */
  readonly keyring?: Omit<KeyringStoreOptions, 'home'>;
  /** For `keyv`: the Keyv instance (for Redis/Valkey: `createKeyv(url, { namespace: 'mcp-oauth' })`). */
  readonly keyv?: Keyv;
  /** For `keyv`: the lock choice. */
  readonly keyvLock?: KeyvStoreOptions['lock'];
}

/**
 * Builds the store named by `mcp_oauth_credentials_store`.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#which-store-to-choose
 */
export function createCredentialStore(options: CreateCredentialStoreOptions = {}): CredentialStore {
  const kind = options.kind ?? 'auto';
  const home = options.home ?? defaultCredentialsHome(options.keyring?.env);
  switch (kind) {
    case 'memory':
      return new MemoryStore();
    case 'file':
      return new FileStore({ home });
    case 'keyring':
      return new KeyringStore({ ...options.keyring, home });
    case 'auto':
      return new AutoStore({ home, ...(options.keyring !== undefined && { keyring: options.keyring }) });
    case 'keyv':
      if (options.keyv === undefined) {
        throw new TokenStoreError('invalid_options', 'the keyv store needs a Keyv instance (options.keyv)');
      }
      return new KeyvStore({
        keyv: options.keyv,
        ...(options.keyvLock !== undefined && { lock: options.keyvLock }),
      });
    default:
      throw new TokenStoreError('invalid_options', `unknown credential store kind ${JSON.stringify(kind)}`);
  }
}
