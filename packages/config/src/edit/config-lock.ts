import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';

/** Default of {@link ConfigLockOptions.lockTimeoutMs}: 10000 (10 seconds). */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Default of {@link ConfigLockOptions.staleLockMs}: 120000 (2 minutes). */
export const DEFAULT_STALE_LOCK_MS = 120_000;

/**
 * How a config edit waits for another process's edit of the same file.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md#editing-the-file
 */
export interface ConfigLockOptions {
  /** How long to wait for the lock, in milliseconds, before failing with `config_locked`. Default is 10000
   * (10 seconds). An edit holds the lock for milliseconds. */
  readonly lockTimeoutMs?: number;
  /** Age of a lock file, in milliseconds, after which it is taken as abandoned even when its holder cannot be
   * checked (another host, an unreadable lock file). Default is 120000 (2 minutes). A lock of a process of this
   * host that is gone is broken at once, whatever its age. */
  readonly staleLockMs?: number;
}

/** The lock of one edit, handed to the code that runs under it. */
export interface HeldConfigLock {
  /** Fails with `config_locked` when the lock file is no longer this edit's (another process judged it stale and
   * broke it), so the caller writes nothing. */
  readonly assertHeld: () => Promise<void>;
}

/** What a lock file holds: who took it and when. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly acquired_at: string;
}

interface Seen {
  readonly raw: string;
  readonly owner: LockOwner | null;
  readonly ageMs: number;
}

/** Tokens of the locks this process holds: a lock file with our pid and host but another token is a leftover of an
 * earlier process that had our pid. */
const heldTokens = new Set<string>();

/**
 * Edits of one config file in this process take turns here before they take the file lock: the file lock then only
 * coordinates processes. (Without this, an edit reading the lock file just as another edit of this process released
 * it and a third took it could judge the third's lock a leftover of ours and break it.)
 */
const turns = new Map<string, Promise<void>>();

/** Waits for this process's earlier edits of `lockPath`; the returned function ends this edit's turn. */
async function takeTurn(lockPath: string): Promise<() => void> {
  const previous = turns.get(lockPath) ?? Promise.resolve();
  let end!: () => void;
  const mine = previous.then(() => new Promise<void>((resolve) => (end = resolve)));
  turns.set(lockPath, mine);
  await previous;
  return () => {
    end();
    if (turns.get(lockPath) === mine) turns.delete(lockPath);
  };
}

/** The lock file of a config file: a sibling named `FILE.lock`. */
export const lockPathFor = (path: string): string => `${path}.lock`;

/**
 * Runs `body` while holding the exclusive edit lock of config file `path`: a sibling `FILE.lock` created with
 * O_EXCL (`open(…, 'wx')`) that holds the holder's pid, host name and start time. A waiter polls (10 ms doubling
 * to 100 ms, jittered) up to `lockTimeoutMs`, then fails with `config_locked` naming the holder. A lock is stale,
 * and is broken, when its holder ran on this host and its process is gone (`process.kill(pid, 0)` fails with
 * ESRCH), or when it is older than `staleLockMs`. The lock is released (its file removed, if it is still ours)
 * whether `body` succeeds or throws. Edits in this process take turns before they take the file lock
 * (`lockTimeoutMs` counts from their turn). Only processes that take this lock are coordinated; another program
 * editing the file (Codex, an editor) is not.
 *
 * @throws {ConfigError} `config_locked` on timeout, `config_io` when the lock file cannot be created or removed.
 */
export async function withConfigLock<T>(
  path: string,
  body: (lock: HeldConfigLock) => Promise<T>,
  options: ConfigLockOptions = {},
): Promise<T> {
  const timeoutMs = checkMs(options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS, 'lockTimeoutMs');
  const staleMs = checkMs(options.staleLockMs, DEFAULT_STALE_LOCK_MS, 'staleLockMs');
  const lockPath = lockPathFor(path);
  const endTurn = await takeTurn(lockPath);
  try {
    const owner = await acquire(path, lockPath, timeoutMs, staleMs);
    let result: T;
    try {
      result = await body({ assertHeld: () => assertHeld(path, lockPath, owner) });
    } catch (error) {
      await release(path, lockPath, owner).catch(() => undefined);
      throw error;
    }
    await release(path, lockPath, owner);
    return result;
  } finally {
    endTurn();
  }
}

function checkMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

async function acquire(
  path: string,
  lockPath: string,
  timeoutMs: number,
  staleMs: number,
): Promise<LockOwner> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    acquired_at: new Date().toISOString(),
  };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path, lockPath, owner)) return owner;
    const seen = await inspect(path, lockPath);
    if (seen === null) continue; // released meanwhile: try again at once
    if (isStale(seen, owner, staleMs)) {
      await breakStale(path, lockPath, seen.raw, owner.token);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw lockedError(path, lockPath, seen.owner, timeoutMs);
    await sleep(Math.min(left, backoff(attempt)));
  }
}

/** Creates the lock file with O_EXCL; false when it exists. A waiter that reads it before the owner is written
 * sees an empty file, which it judges by age only, so a fresh one is never broken. */
async function tryCreate(path: string, lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    try {
      handle = await open(lockPath, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
      handle = await open(lockPath, 'wx', 0o600);
    }
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw ioError(path, `cannot create the lock file ${lockPath}`, error);
  }
  heldTokens.add(owner.token);
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`, 'utf8');
  } catch (error) {
    heldTokens.delete(owner.token);
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw ioError(path, `cannot write the lock file ${lockPath}`, error);
  }
  await handle.close();
  return true;
}

async function inspect(path: string, lockPath: string): Promise<Seen | null> {
  try {
    const [raw, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { raw, owner: parseOwner(raw), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw ioError(path, `cannot read the lock file ${lockPath}`, error);
  }
}

function parseOwner(raw: string): LockOwner | null {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner> | null;
    if (
      typeof value?.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.token === 'string'
    ) {
      return value as LockOwner;
    }
  } catch {
    // an empty (being written) or foreign lock file is judged by its age alone
  }
  return null;
}

function isStale(seen: Seen, me: LockOwner, staleMs: number): boolean {
  const holder = seen.owner;
  if (holder === null) return seen.ageMs > staleMs;
  if (holder.host === me.host && holder.pid === me.pid) return !heldTokens.has(holder.token);
  if (seen.ageMs > staleMs) return true;
  return holder.host === me.host && !processIsAlive(holder.pid);
}

/**
 * Removes a stale lock without removing a live one that replaced it meanwhile: the file is renamed to a private
 * name first and compared with what was judged stale; a different one is linked back. (If a third process created
 * a lock in that instant, the link fails and the replaced holder finds its lock gone at `assertHeld`, so it writes
 * nothing.)
 */
async function breakStale(path: string, lockPath: string, staleRaw: string, token: string): Promise<void> {
  const aside = `${lockPath}.${token}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw ioError(path, `cannot remove the stale lock file ${lockPath}`, error);
  }
  try {
    const taken = await readFile(aside, 'utf8');
    if (taken !== staleRaw) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function currentOwner(lockPath: string): Promise<LockOwner | null> {
  try {
    return parseOwner(await readFile(lockPath, 'utf8'));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

async function assertHeld(path: string, lockPath: string, owner: LockOwner): Promise<void> {
  let current: LockOwner | null;
  try {
    current = await currentOwner(lockPath);
  } catch (error) {
    throw ioError(path, `cannot read the lock file ${lockPath}`, error);
  }
  if (current?.token === owner.token) return;
  const by = current === null ? '' : ` by ${describeHolder(current)}`;
  throw new ConfigError(
    'config_locked',
    [
      {
        path: '',
        message: `the edit lock ${lockPath} was taken over${by} while this edit ran (it was judged stale); nothing was written. Try again.`,
      },
    ],
    { file: path },
  );
}

async function release(path: string, lockPath: string, owner: LockOwner): Promise<void> {
  try {
    if ((await currentOwner(lockPath))?.token === owner.token) await unlink(lockPath);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw ioError(path, `cannot remove the lock file ${lockPath}`, error);
  } finally {
    heldTokens.delete(owner.token);
  }
}

function describeHolder(holder: LockOwner): string {
  const host = holder.host === hostname() ? '' : ` on host ${JSON.stringify(holder.host)}`;
  const since = typeof holder.acquired_at === 'string' ? `, since ${JSON.stringify(holder.acquired_at)}` : '';
  return `process ${holder.pid}${host}${since}`;
}

function lockedError(
  path: string,
  lockPath: string,
  holder: LockOwner | null,
  timeoutMs: number,
): ConfigError {
  const who = holder === null ? 'an unknown process (unreadable lock file)' : describeHolder(holder);
  const gone =
    holder === null ? 'If no other mcp-oauth is running' : `If process ${holder.pid} is no longer running`;
  return new ConfigError(
    'config_locked',
    [
      {
        path: '',
        message: `locked by ${who}: another mcp-oauth add or remove is editing this file (waited ${timeoutMs} ms). Try again when it has finished. ${gone}, delete ${lockPath}.`,
      },
    ],
    { file: path },
  );
}

function ioError(path: string, message: string, cause: unknown): ConfigError {
  return new ConfigError(
    'config_io',
    [{ path: '', message: `${message}: ${errorCode(cause) ?? String(cause)}` }],
    { file: path, cause },
  );
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
}

function backoff(attempt: number): number {
  const base = Math.min(100, 10 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
