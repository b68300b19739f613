export { type AutoChoice, AutoStore, type AutoStoreOptions } from './auto-store.js';
export { type CreateCredentialStoreOptions, createCredentialStore } from './create-credential-store.js';
export {
  type CredentialKey,
  credentialStorageId,
  sameCredentialKey,
  validateCredentialKey,
} from './credential-key.js';
export {
  type ClientRegistration,
  CREDENTIAL_RECORD_VERSION,
  type CredentialRecord,
  type DpopBinding,
  type NeedsLogin,
  PRIVATE_JWK_MEMBERS,
  type PrivateJwk,
  type Reacquire,
  type RegistrationKind,
  recordSecrets,
} from './credential-record.js';
export type {
  CredentialLock,
  CredentialStore,
  LockOptions,
  LockScope,
  StoreCapabilities,
  StoreKind,
  StoreStatus,
  StoreVersion,
} from './credential-store.js';
export { defaultCredentialsHome } from './default-home.js';
export { FileStore, type FileStoreOptions } from './file-store.js';
export type { LockBackend } from './fleet-lock.js';
export {
  FILE_STORE_HINT,
  type KeyringBackend,
  type KeyringEntry,
  type KeyringHelperOptions,
  KeyringHelperProcess,
} from './keyring-helper.js';
export { KeyringStore, type KeyringStoreOptions } from './keyring-store.js';
export { type KeyvLike, KeyvStore, type KeyvStoreOptions } from './keyv-store.js';
export { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, MIN_LOCK_TTL_MS } from './lock-options.js';
export { MemoryStore } from './memory-store.js';
export { checkRecord, migrateRecord } from './migrate-record.js';
export {
  type OpenCredentialStoreOptions,
  openCredentialStore,
} from './open-credential-store.js';
export {
  type BackendLoader,
  defaultBackendLoader,
  installCommand,
  type OptionalBackend,
} from './optional-backend.js';
export { REDACTED, redactSecrets } from './redact.js';
export { type RedisLockClient, redisLockBackend } from './redis-lock.js';
export { type BadStoredEntry, listStoredEntries, type StoreListing } from './store-listing.js';
export {
  isTokenStoreError,
  TokenStoreError,
  type TokenStoreErrorCode,
  type TokenStoreErrorOptions,
} from './token-store-error.js';
export { withLock } from './with-lock.js';
