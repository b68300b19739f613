import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a reader (or a crash at any instant) sees either the old file or the new
 * one, never a mix: write a temporary file in the same directory (created with `mode`), fsync it, rename it over
 * `path`, then fsync the directory so the rename itself survives a power loss. With `mtimeMs`, the new file gets
 * that modification time (ms since the epoch) before the rename: a store's change stamp (`version`).
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  mode: number,
  mtimeMs?: number,
): Promise<void> {
  const tmp = join(dirname(path), `${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      if (mtimeMs !== undefined) await handle.utimes(mtimeMs / 1000, mtimeMs / 1000);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync on Windows
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
