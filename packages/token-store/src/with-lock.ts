import type { CredentialKey } from './credential-key.js';
import type { CredentialLock, CredentialStore, LockOptions } from './credential-store.js';

/**
 * Runs `fn` while holding the lock of one credential and releases it afterwards, also when `fn` throws. The
 * refresh pattern: `withLock(store, key, async (lock) => { const r = await store.get(key); …; lock.signal
 * .throwIfAborted(); await store.set(key, next); })`.
 *
 * Errors: `lock_timeout` / `lock_aborted` while waiting; `fn`'s own error when it throws (a failing release is
 * then secondary and not reported); `lock_lost` from the release when `fn` succeeded but the lock was lost.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#locks
 */
export async function withLock<T>(
  store: Pick<CredentialStore, 'lock'>,
  key: CredentialKey,
  fn: (lock: CredentialLock) => Promise<T>,
  options?: LockOptions,
): Promise<T> {
  const lock = await store.lock(key, options);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
  await lock.release();
  return result;
}
