import type { CredentialLock } from './credential-store.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { ResolvedLockOptions } from './lock-options.js';

/**
 * Takes an in-process mutex first and the cross-process lock second, within one `waitMs` budget. Callers in one
 * process then queue without polling, and only one of them at a time competes with other processes.
 */
export async function layeredLock(
  mutex: KeyedMutex,
  mutexKey: string,
  options: ResolvedLockOptions & { readonly what: string },
  acquireOuter: (remaining: ResolvedLockOptions) => Promise<CredentialLock>,
): Promise<CredentialLock> {
  const started = Date.now();
  const inner = await mutex.acquire(mutexKey, options);
  let outer: CredentialLock;
  try {
    const waitMs = Math.max(0, options.waitMs - (Date.now() - started));
    outer = await acquireOuter({ ...options, waitMs });
  } catch (error) {
    await inner.release();
    throw error;
  }
  return {
    signal: outer.signal,
    release: async () => {
      try {
        await outer.release();
      } finally {
        await inner.release();
      }
    },
  };
}
