import { resolve } from 'node:path';
import type { CredentialLock } from './credential-store.js';
import { acquireFileLock, type FileLockDeps } from './file-lock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { layeredLock } from './layered-lock.js';
import type { ResolvedLockOptions } from './lock-options.js';

/** One mutex per lock file for the whole process, shared by every store instance that uses the same file. */
const processMutex = new KeyedMutex();

/** A lock that excludes every caller on this host using `lockPath`: in-process mutex, then the lock file. */
export function acquireHostLock(
  lockPath: string,
  options: ResolvedLockOptions & { readonly what: string },
  deps?: FileLockDeps,
): Promise<CredentialLock> {
  const path = resolve(lockPath);
  return layeredLock(processMutex, path, options, (remaining) =>
    acquireFileLock(path, { ...remaining, what: options.what }, deps),
  );
}
