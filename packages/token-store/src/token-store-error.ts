import { redactSecrets, sanitizeCause } from './redact.js';

/**
 * Why a credential store operation failed.
 *
 * - `invalid_key`: a {@link CredentialKey} field is empty, too long or holds control characters.
 * - `invalid_record`: `set` was given a record that is malformed or belongs to another key.
 * - `corrupt_record`: a stored record cannot be read (bad shape, or stored under a different key).
 * - `unsupported_record_version`: a record (or the credentials file) was written by a newer mcp-oauth.
 * - `corrupt_store`: the credentials file is not valid JSON; it was moved aside (see `path`).
 * - `io_failed`: the file system refused a read, write, rename or permission change.
 * - `lock_timeout`: another holder kept the credential's lock longer than `waitMs`.
 * - `lock_aborted`: the caller's `signal` aborted the wait for a lock.
 * - `lock_lost`: the lock expired or was taken over while held (the holder stalled longer than `ttlMs`).
 * - `keyring_unavailable`: no OS keychain (on Linux: no reachable Secret Service).
 * - `keyring_timeout`: the OS keychain did not answer within `timeoutMs`.
 * - `keyring_failed`: the OS keychain answered with an error.
 * - `backend_failed`: the keyv backend (Redis, Valkey, …) failed or is unreachable.
 * - `store_backend_missing`: the store needs an optional package that is not installed (`@napi-rs/keyring` for
 *   `keyring`, `@keyv/redis` and `keyv` for Redis/Valkey); the message ends with the `npm install …` to run.
 * - `unsupported`: the store cannot do this (for example `list` on a keyv backend without iteration).
 * - `invalid_options`: an option is out of range (the message names it).
 */
export type TokenStoreErrorCode =
  | 'invalid_key'
  | 'invalid_record'
  | 'corrupt_record'
  | 'unsupported_record_version'
  | 'corrupt_store'
  | 'io_failed'
  | 'lock_timeout'
  | 'lock_aborted'
  | 'lock_lost'
  | 'keyring_unavailable'
  | 'keyring_timeout'
  | 'keyring_failed'
  | 'backend_failed'
  | 'store_backend_missing'
  | 'unsupported'
  | 'invalid_options';

const RETRYABLE: ReadonlySet<TokenStoreErrorCode> = new Set([
  'io_failed',
  'lock_timeout',
  'lock_lost',
  'keyring_timeout',
  'backend_failed',
]);

/** Options of {@link TokenStoreError}. */
export interface TokenStoreErrorOptions {
  /** The underlying error; its message and stack are redacted of `secrets` before being kept. */
  cause?: unknown;
  /** Secret values (tokens, client secrets) that must not appear in the message or the cause. */
  secrets?: readonly string[];
  /** The file this error is about (the corrupt file's new place for `corrupt_store`). */
  path?: string;
}

/**
 * The single error class of `@mcp-oauth/token-store`. Stores throw it for every failure and never swallow one: a
 * lost write of a rotated refresh token would end the session. Messages never contain a token or secret: values
 * passed in `secrets` are replaced by `[redacted]` in the message and in the cause chain, and the store never puts
 * record contents into a message.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#errors
 */
export class TokenStoreError extends Error {
  override readonly name = 'TokenStoreError';
  readonly code: TokenStoreErrorCode;
  /** Whether trying the same operation again later can succeed without a change by the user. */
  readonly retryable: boolean;
  /** The file this error is about, when there is one. */
  readonly path: string | undefined;

  constructor(code: TokenStoreErrorCode, message: string, options: TokenStoreErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    const cause = options.cause === undefined ? undefined : sanitizeCause(options.cause, secrets);
    super(redactSecrets(message, secrets), cause === undefined ? undefined : { cause });
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.path = options.path;
  }
}

/** Whether `error` is a {@link TokenStoreError}, optionally with the given code. */
export function isTokenStoreError(error: unknown, code?: TokenStoreErrorCode): error is TokenStoreError {
  return error instanceof TokenStoreError && (code === undefined || error.code === code);
}
