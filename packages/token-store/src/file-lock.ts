import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { CredentialLock } from './credential-store.js';
import { lockAborted, lockTimeout, type ResolvedLockOptions } from './lock-options.js';
import { TokenStoreError } from './token-store-error.js';

/** What a lock file holds: who took it and for how long it survives its holder. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly ttl_ms: number;
  readonly acquired_at: number;
}

/** Seams for tests. */
export interface FileLockDeps {
  readonly hostname?: string;
  readonly pid?: number;
  /** Whether a process of this host is alive. Default: `process.kill(pid, 0)` (EPERM counts as alive). */
  readonly isAlive?: (pid: number) => boolean;
}

/** Tokens of the locks this process holds: a lock file with our pid and host but another token is a leftover. */
const heldTokens = new Set<string>();

/**
 * Takes a cross-process lock file at `lockPath`. The file is created whole and atomically (written to a
 * temporary name, then hard-linked into place, which fails if it exists), so a waiter never sees a half-written
 * owner. A lock is stale, and is broken, when
 * - its holder ran on this host and its process is gone (or has our pid but is not one of ours: a reused pid), or
 * - its holder stopped renewing it: the file's mtime is older than the holder's `ttl_ms` (other hosts, NFS).
 * The holder renews (touches) the file every `ttlMs / 3` and aborts `lock.signal` if the file is no longer its own.
 * Waits poll with jittered backoff (5 ms doubling to 100 ms) up to `waitMs`.
 */
export async function acquireFileLock(
  lockPath: string,
  options: ResolvedLockOptions & { readonly what: string },
  deps: FileLockDeps = {},
): Promise<CredentialLock> {
  const host = deps.hostname ?? hostname();
  const pid = deps.pid ?? process.pid;
  const isAlive = deps.isAlive ?? processIsAlive;
  const deadline = Date.now() + options.waitMs;
  const owner: LockOwner = { pid, host, token: randomUUID(), ttl_ms: options.ttlMs, acquired_at: Date.now() };
  const content = JSON.stringify(owner);
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw lockAborted(options.what, options.signal);
    if (await tryCreate(lockPath, owner.token, content)) return holdFileLock(lockPath, owner, options.what);
    const seen = await inspect(lockPath);
    if (seen === null) continue; // released meanwhile: try again at once
    if (isStale(seen, { host, pid, isAlive, fallbackTtlMs: options.ttlMs })) {
      await breakStale(lockPath, seen.raw, owner.token);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockTimeout(options.what, options.waitMs);
    await sleep(Math.min(left, backoff(attempt)), options.signal, options.what);
  }
}

async function tryCreate(lockPath: string, token: string, content: string): Promise<boolean> {
  const tmp = `${lockPath}.${token}.tmp`;
  heldTokens.add(token);
  try {
    try {
      await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
      await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
      await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
    }
    try {
      await link(tmp, lockPath);
      return true;
    } catch (error) {
      if (code(error) === 'EEXIST') {
        heldTokens.delete(token);
        return false;
      }
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  } catch (error) {
    heldTokens.delete(token);
    throw new TokenStoreError('io_failed', `cannot create lock file ${lockPath}`, {
      cause: error,
      path: lockPath,
    });
  }
}

interface Seen {
  readonly raw: string;
  readonly owner: LockOwner | null;
  readonly ageMs: number;
}

async function inspect(lockPath: string): Promise<Seen | null> {
  try {
    const [raw, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { raw, owner: parseOwner(raw), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (code(error) === 'ENOENT') return null;
    throw new TokenStoreError('io_failed', `cannot read lock file ${lockPath}`, {
      cause: error,
      path: lockPath,
    });
  }
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const v = JSON.parse(raw) as Partial<LockOwner>;
    if (
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.token === 'string' &&
      typeof v.ttl_ms === 'number'
    ) {
      return v as LockOwner;
    }
  } catch {
    // an unreadable owner is judged by age alone
  }
  return null;
}

function isStale(
  seen: Seen,
  me: { host: string; pid: number; isAlive: (pid: number) => boolean; fallbackTtlMs: number },
): boolean {
  const owner = seen.owner;
  if (owner === null) return seen.ageMs > me.fallbackTtlMs;
  if (owner.host === me.host && owner.pid === me.pid) return !heldTokens.has(owner.token);
  if (seen.ageMs > owner.ttl_ms) return true;
  return owner.host === me.host && !me.isAlive(owner.pid);
}

/**
 * Removes a stale lock without removing a fresh one that replaced it: the file is renamed to a private name
 * first and compared with what was judged stale; if it differs, it is put back.
 */
async function breakStale(lockPath: string, staleRaw: string, token: string): Promise<void> {
  const aside = `${lockPath}.${token}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw new TokenStoreError('io_failed', `cannot remove stale lock file ${lockPath}`, {
      cause: error,
      path: lockPath,
    });
  }
  try {
    const taken = await readFile(aside, 'utf8');
    if (taken !== staleRaw) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function holdFileLock(lockPath: string, owner: LockOwner, what: string): CredentialLock {
  const controller = new AbortController();
  let lastRenewal = Date.now();
  let released = false;
  const lose = (why: string) => {
    if (!controller.signal.aborted)
      controller.abort(new TokenStoreError('lock_lost', `${what} was lost: ${why}`));
  };
  const renew = async () => {
    try {
      const current = parseOwner(await readFile(lockPath, 'utf8'));
      if (current?.token !== owner.token) return lose('another process took it over');
      const now = new Date();
      await utimes(lockPath, now, now);
      lastRenewal = Date.now();
    } catch (error) {
      if (code(error) === 'ENOENT') return lose('its lock file was removed');
      if (Date.now() - lastRenewal > owner.ttl_ms) lose('it could not be renewed in time');
    }
  };
  const timer = setInterval(
    () => {
      if (!released && !controller.signal.aborted) void renew();
    },
    Math.max(100, Math.floor(owner.ttl_ms / 3)),
  );
  timer.unref();
  return {
    signal: controller.signal,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      let ours = false;
      try {
        ours = parseOwner(await readFile(lockPath, 'utf8'))?.token === owner.token;
        if (ours) await unlink(lockPath);
      } catch (error) {
        if (code(error) !== 'ENOENT') {
          throw new TokenStoreError('io_failed', `cannot remove lock file ${lockPath}`, {
            cause: error,
            path: lockPath,
          });
        }
        ours = false;
      } finally {
        heldTokens.delete(owner.token);
      }
      if (!ours) lose('another process took it over');
      if (controller.signal.aborted) throw controller.signal.reason;
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

function backoff(attempt: number): number {
  const base = Math.min(100, 5 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
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

function code(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}
