import { AutoStore } from './auto-store.js';
import type { CredentialStore, StoreKind } from './credential-store.js';
import { defaultCredentialsHome } from './default-home.js';
import { FileStore } from './file-store.js';
import { KeyringStore, type KeyringStoreOptions } from './keyring-store.js';
import { type KeyvLike, KeyvStore, type KeyvStoreOptions } from './keyv-store.js';
import { MemoryStore } from './memory-store.js';
import type { BackendLoader } from './optional-backend.js';
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
  readonly keyv?: KeyvLike;
  /** For `keyv`: the lock choice. */
  readonly keyvLock?: KeyvStoreOptions['lock'];
  /** For `keyv`: where the backend is, for messages (its password is never kept). See {@link KeyvStoreOptions.server}. */
  readonly keyvServer?: string;
  /** How the optional backends (`@napi-rs/keyring`, `@keyv/redis`, `keyv`) are found; injectable for tests. */
  readonly loader?: BackendLoader;
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
      return new KeyringStore({ ...options.keyring, ...loaderOf(options), home });
    case 'auto':
      return new AutoStore({ home, keyring: { ...options.keyring, ...loaderOf(options) } });
    case 'keyv':
      if (options.keyv === undefined) {
        throw new TokenStoreError(
          'invalid_options',
          'the keyv store needs a Keyv instance (options.keyv), or use openCredentialStore({ kind: "keyv", keyvUrl }) for Redis/Valkey',
        );
      }
      return new KeyvStore({
        keyv: options.keyv,
        ...(options.keyvLock !== undefined && { lock: options.keyvLock }),
        ...(options.keyvServer !== undefined && { server: options.keyvServer }),
      });
    default:
      throw new TokenStoreError('invalid_options', `unknown credential store kind ${JSON.stringify(kind)}`);
  }
}

function loaderOf(options: CreateCredentialStoreOptions): { loader?: BackendLoader } {
  return options.loader === undefined ? {} : { loader: options.loader };
}
