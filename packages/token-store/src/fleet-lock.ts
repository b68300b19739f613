import { randomUUID } from 'node:crypto';
import type { CredentialLock } from './credential-store.js';
import { lockAborted, lockTimeout, type ResolvedLockOptions } from './lock-options.js';
import { TokenStoreError } from './token-store-error.js';

/**
 * A lock service shared by every host: one key per lock whose value is the holder's random token and which
 * expires on its own after `ttlMs` (so a dead holder's lock goes away). {@link redisLockBackend} implements it for
 * Redis and Valkey.
 */
export interface LockBackend {
  /** Creates `name` = `token` expiring in `ttlMs` if `name` does not exist; resolves whether it did. */
  tryAcquire(name: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends `name` to `ttlMs` if it still holds `token`; resolves whether it did. */
  renew(name: string, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes `name` if it still holds `token`; resolves whether it did. */
  release(name: string, token: string): Promise<boolean>;
}

/**
 * Takes a fleet-wide lock: polls `tryAcquire` with jittered backoff (10 ms doubling to 200 ms) up to `waitMs`,
 * then renews it every `ttlMs / 3` while held. A renewal that finds another token, or that keeps failing for
 * `ttlMs`, aborts `lock.signal`; `release` then throws `lock_lost`. Backend errors are `backend_failed`.
 */
export async function acquireFleetLock(
  backend: LockBackend,
  name: string,
  options: ResolvedLockOptions & { readonly what: string },
): Promise<CredentialLock> {
  const token = randomUUID();
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw lockAborted(options.what, options.signal);
    if (await call(() => backend.tryAcquire(name, token, options.ttlMs), options.what)) {
      return holdFleetLock(backend, name, token, options);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockTimeout(options.what, options.waitMs);
    const base = Math.min(200, 10 * 2 ** attempt);
    await sleep(Math.min(left, base / 2 + Math.random() * (base / 2)), options.signal, options.what);
  }
}

function holdFleetLock(
  backend: LockBackend,
  name: string,
  token: string,
  options: ResolvedLockOptions & { readonly what: string },
): CredentialLock {
  const controller = new AbortController();
  let released = false;
  let lastRenewal = Date.now();
  const lose = (why: string) => {
    if (!controller.signal.aborted) {
      controller.abort(new TokenStoreError('lock_lost', `${options.what} was lost: ${why}`));
    }
  };
  const timer = setInterval(
    () => {
      if (released || controller.signal.aborted) return;
      backend.renew(name, token, options.ttlMs).then(
        (held) => {
          if (released) return;
          if (held) lastRenewal = Date.now();
          else lose('it expired and another holder may have taken it');
        },
        () => {
          if (!released && Date.now() - lastRenewal > options.ttlMs) lose('it could not be renewed in time');
        },
      );
    },
    Math.max(100, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();
  return {
    signal: controller.signal,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      const held = await call(() => backend.release(name, token), options.what);
      if (!held) lose('it expired before it was released');
      if (controller.signal.aborted) throw controller.signal.reason;
    },
  };
}

async function call<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new TokenStoreError('backend_failed', `cannot reach the lock service for ${what}`, {
      cause: error,
    });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(lockAborted(what, signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
