import { randomBytes } from 'node:crypto';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { StoreVersion } from './credential-store.js';
import { TokenStoreError } from './token-store-error.js';

/**
 * A change stamp kept as a file, for a store whose own reads are expensive (the keyring: a helper process and a
 * D-Bus round trip). A writer replaces the file after each change ({@link touchStampFile}); a reader compares its
 * identity, size and mtime ({@link readStampFile}, one `stat`). Each new file gets an mtime past the previous
 * one's, so two changes within one tick of the file system's clock still differ.
 */
export async function touchStampFile(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const before = await stat(path).catch(() => null);
    const mtimeMs = Math.max(Date.now(), Math.floor(before?.mtimeMs ?? 0) + 1);
    await writeFileAtomic(path, randomBytes(8).toString('hex'), 0o600, mtimeMs);
  } catch (error) {
    // A stamp that did not move would hide the change from other processes: remove it (readers then read the
    // store every time), and fail only when even that is impossible.
    try {
      await unlink(path);
    } catch (unlinkError) {
      if ((unlinkError as { code?: string }).code !== 'ENOENT') {
        throw new TokenStoreError('io_failed', `cannot update the change stamp ${path}`, {
          cause: error,
          path,
        });
      }
    }
  }
}

/** The stamp of the file at `path`, or null when there is none (no writer has kept one: read the store). */
export async function readStampFile(path: string): Promise<StoreVersion | null> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw new TokenStoreError('io_failed', `cannot read the change stamp ${path}`, { cause: error, path });
  }
}
