import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireFileLock } from '../src/file-lock.js';
import { resolveLockOptions } from '../src/lock-options.js';
import { assertCode } from './contract/token-store-contract.js';
import { tempDir } from './support/temp-home.js';

const options = (o: { ttlMs?: number; waitMs?: number } = {}) => ({
  ...resolveLockOptions(o),
  what: 'the test lock',
});

async function writeOwner(path: string, owner: Record<string, unknown>, ageMs = 0): Promise<void> {
  await writeFile(path, JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
}

/** Waits (keeping the event loop alive: the renewal timer is unref'd) until `signal` aborts. */
function abortedWithin(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not aborted within ${ms} ms`)), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

test('file lock: a lock of another host is respected while fresh and broken once older than its ttl', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    const foreign = { pid: 1, host: 'another-host', token: 't-foreign', ttl_ms: 2000, acquired_at: 0 };
    await writeOwner(path, foreign, 0);
    await assertCode(() => acquireFileLock(path, options({ waitMs: 150 })), 'lock_timeout');
    await writeOwner(path, foreign, 5000);
    const lock = await acquireFileLock(path, options({ waitMs: 0 }));
    await lock.release();
    assert.deepEqual(await readdir(home.dir), [], 'no lock, temporary or stale file is left behind');
  } finally {
    await home.remove();
  }
});

test('file lock: a lock of a dead process on this host is broken at once, whatever its ttl', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    await writeOwner(path, {
      pid: deadPid(),
      host: hostname(),
      token: 't-dead',
      ttl_ms: 3_600_000,
      acquired_at: 0,
    });
    const lock = await acquireFileLock(path, options({ waitMs: 0 }));
    await lock.release();
  } finally {
    await home.remove();
  }
});

test('file lock: a live process on this host keeps its lock (only its ttl can expire it)', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    const owner = { pid: process.ppid, host: hostname(), token: 't-parent', ttl_ms: 60_000, acquired_at: 0 };
    await writeOwner(path, owner);
    await assertCode(() => acquireFileLock(path, options({ waitMs: 100 })), 'lock_timeout');
    await writeOwner(path, { ...owner, ttl_ms: 1000 }, 2000);
    await (await acquireFileLock(path, options({ waitMs: 0 }))).release();
  } finally {
    await home.remove();
  }
});

test('file lock: our own pid with a token we do not hold is a leftover (pid reused after a crash)', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    await writeOwner(path, {
      pid: process.pid,
      host: hostname(),
      token: 't-old',
      ttl_ms: 60_000,
      acquired_at: 0,
    });
    await (await acquireFileLock(path, options({ waitMs: 0 }))).release();
  } finally {
    await home.remove();
  }
});

test('file lock: an unreadable lock file is judged by its age alone', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    await writeFile(path, 'not json');
    await assertCode(() => acquireFileLock(path, options({ ttlMs: 1000, waitMs: 100 })), 'lock_timeout');
    const old = new Date(Date.now() - 5000);
    await utimes(path, old, old);
    await (await acquireFileLock(path, options({ ttlMs: 1000, waitMs: 0 }))).release();
  } finally {
    await home.remove();
  }
});

test('file lock: a holder whose lock file disappears learns it lost the lock', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    const lock = await acquireFileLock(path, options({ ttlMs: 600 }));
    await unlink(path);
    await abortedWithin(lock.signal, 5000);
    await assertCode(() => lock.release(), 'lock_lost');
  } finally {
    await home.remove();
  }
});

test('file lock: a holder whose lock was taken over learns it at release', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    const lock = await acquireFileLock(path, options({ ttlMs: 60_000 }));
    await writeOwner(path, {
      pid: 1,
      host: 'another-host',
      token: 't-thief',
      ttl_ms: 60_000,
      acquired_at: 0,
    });
    await assertCode(() => lock.release(), 'lock_lost');
    assert.deepEqual(await readdir(home.dir), ['x.lock'], "the other holder's lock is left in place");
  } finally {
    await home.remove();
  }
});

test('file lock: a live holder renews its lock (touches the file) while it holds it', async () => {
  const home = await tempDir();
  try {
    const path = join(home.dir, 'x.lock');
    const lock = await acquireFileLock(path, options({ ttlMs: 600 }));
    const long = new Date(Date.now() - 60_000);
    await utimes(path, long, long);
    await new Promise((r) => setTimeout(r, 1000)); // renewals every 200 ms
    assert.ok((await stat(path)).mtimeMs > long.getTime(), 'the lock file was touched');
    assert.equal(lock.signal.aborted, false);
    await lock.release();
  } finally {
    await home.remove();
  }
});
