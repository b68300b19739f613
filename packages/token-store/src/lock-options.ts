import type { LockOptions } from './credential-store.js';
import { TokenStoreError } from './token-store-error.js';

/** Default {@link LockOptions.ttlMs}: 30000 (30 seconds). */
export const DEFAULT_LOCK_TTL_MS = 30_000;
/** Default {@link LockOptions.waitMs}: 30000 (30 seconds). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;
/** Smallest accepted {@link LockOptions.ttlMs}: 500 ms. */
export const MIN_LOCK_TTL_MS = 500;

/** {@link LockOptions} with defaults applied and ranges checked. */
export interface ResolvedLockOptions {
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Applies defaults and checks ranges up front; throws `invalid_options` naming the option. */
export function resolveLockOptions(options: LockOptions = {}): ResolvedLockOptions {
  const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  if (!Number.isFinite(ttlMs) || ttlMs < MIN_LOCK_TTL_MS) {
    throw new TokenStoreError(
      'invalid_options',
      `lock ttlMs must be a number of at least ${MIN_LOCK_TTL_MS}`,
    );
  }
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new TokenStoreError('invalid_options', 'lock waitMs must be a non-negative number');
  }
  return { ttlMs, waitMs, signal: options.signal };
}

/** The error for a wait that ran out. */
export function lockTimeout(what: string, waitMs: number): TokenStoreError {
  return new TokenStoreError(
    'lock_timeout',
    `${what} is held by another process; gave up after ${waitMs} ms`,
  );
}

/** The error for a wait aborted by the caller's signal. */
export function lockAborted(what: string, signal: AbortSignal): TokenStoreError {
  return new TokenStoreError('lock_aborted', `waiting for ${what} was aborted`, { cause: signal.reason });
}
