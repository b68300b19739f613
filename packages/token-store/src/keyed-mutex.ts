import type { CredentialLock } from './credential-store.js';
import { lockAborted, lockTimeout } from './lock-options.js';

interface Waiter {
  grant(): void;
}

interface Slot {
  held: boolean;
  readonly waiters: Waiter[];
}

/** Options of {@link KeyedMutex.acquire}. */
export interface MutexWaitOptions {
  /** How long to wait, in ms. */
  readonly waitMs: number;
  readonly signal?: AbortSignal | undefined;
  /** What is being locked, for error messages (never a secret). */
  readonly what?: string;
}

/**
 * An in-process mutex per string key: callers queue first come, first served. It never expires (a holder in
 * this process cannot die without the process), so `ttlMs` does not apply; waits are bounded by `waitMs` and
 * `signal`.
 */
export class KeyedMutex {
  readonly #slots = new Map<string, Slot>();

  /** Waits for the mutex of `key`; throws `lock_timeout` or `lock_aborted`. */
  acquire(key: string, options: MutexWaitOptions): Promise<CredentialLock> {
    const what = options.what ?? 'the lock';
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(lockAborted(what, signal));
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = { held: false, waiters: [] };
      this.#slots.set(key, slot);
    }
    if (!slot.held) {
      slot.held = true;
      return Promise.resolve(this.#handle(key, slot));
    }
    const current = slot;
    return new Promise<CredentialLock>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = current.waiters.indexOf(waiter);
        if (at >= 0) current.waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          resolve(this.#handle(key, current));
        },
      };
      const onAbort = () => {
        cleanup();
        reject(lockAborted(what, signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(lockTimeout(what, options.waitMs));
      }, options.waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      current.waiters.push(waiter);
    });
  }

  /** Whether `key` is held (for tests and status). */
  isHeld(key: string): boolean {
    return this.#slots.get(key)?.held === true;
  }

  #handle(key: string, slot: Slot): CredentialLock {
    let released = false;
    return {
      signal: new AbortController().signal,
      release: async () => {
        if (released) return;
        released = true;
        const next = slot.waiters.shift();
        if (next !== undefined) {
          next.grant();
        } else {
          slot.held = false;
          this.#slots.delete(key);
        }
      },
    };
  }
}
