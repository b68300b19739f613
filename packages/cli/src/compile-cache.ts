import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The CLI's compile cache: V8's compiled code of the CLI bundle (`dist/mcp-oauth.cjs`), written by one run and given
 * back to V8 by the next, so that a command does not parse and compile its code again at every start
 * (docs/architecture.md, "The CLI bundle and its compile cache"). One file per command (`call.v8`, `tools.v8`, …),
 * since V8 caches the functions a run compiled: the code `call` runs is not the code `login` runs.
 *
 * A cache file is code the process runs: it is used only from a directory and a file that no other user can write,
 * and only for the build, Node and V8 flags it was written for (the key). Anything else is ignored and replaced.
 */

/** The first line of a cache file; a new format gets a new line, so an old file is seen as stale. */
const FORMAT = 'mcp-oauth compile cache 1';

/** Why a run had no cached code to offer, or that it had some. */
export type CompileCacheStatus =
  /** `MCP_OAUTH_COMPILE_CACHE=off`. */
  | 'off'
  /** The bundle carries no build hash (not built by `scripts/bundle.mjs`). */
  | 'unbuilt'
  /** The directory or the file can be written by another user (or is not a directory / regular file). */
  | 'unsafe'
  /** No file yet. */
  | 'missing'
  /** A file for another build, Node, architecture or V8 flags, or of another format. */
  | 'stale'
  /** A file of the right key: its code is offered to V8 (which may still refuse it: `rejected`). */
  | 'found';

/** What {@link readCompileCache} found. */
export interface CompileCacheEntry {
  readonly status: CompileCacheStatus;
  /** Where the cache of this command is (or would be written); undefined when there is none to use or write. */
  readonly file: string | undefined;
  /** The code to offer V8 (`vm.Script` `cachedData`), when `status` is `found`. */
  readonly data: Buffer | undefined;
}

/**
 * The directory of the compile cache, or undefined when it is turned off. `MCP_OAUTH_COMPILE_CACHE` names a directory
 * (absolute), or turns it off with `off`, `0` or `false`. Default: the platform's cache directory, `mcp-oauth/compile`
 * in `$XDG_CACHE_HOME` (absolute, else `~/.cache`) on Linux and other Unixes, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows.
 */
export function compileCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  home: string,
): string | undefined {
  const setting = env.MCP_OAUTH_COMPILE_CACHE?.trim();
  if (setting !== undefined && ['off', '0', 'false'].includes(setting.toLowerCase())) return undefined;
  if (setting !== undefined && setting !== '' && isAbsolute(setting)) return setting;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return join(
      local !== undefined && isAbsolute(local) ? local : join(home, 'AppData', 'Local'),
      'mcp-oauth',
      'compile',
    );
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'mcp-oauth', 'compile');
  const xdg = env.XDG_CACHE_HOME;
  // XDG Base Directory: a relative $XDG_CACHE_HOME is invalid and ignored.
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.cache'), 'mcp-oauth', 'compile');
}

/** The bundle's build hash from its first line (`// mcp-oauth-build <sha256>`), or undefined. */
export function buildIdOf(source: string): string | undefined {
  return /^\/\/ mcp-oauth-build ([0-9a-f]{64})\n/.exec(source.slice(0, 100))?.[1];
}

/**
 * What a cache must match to be used: the build, Node (with its V8) and the architecture. V8 checks its own version,
 * the source's length and its flags again, and refuses a cache that does not match (`rejected by V8`, replaced).
 */
export function compileCacheKey(buildId: string): string {
  return JSON.stringify([buildId, process.version, process.arch, process.versions.v8]);
}

/** Whether `stats` may hold code this process runs: not writable by another user (POSIX; Windows has ACLs). */
function ownedAndPrivate(stats: { uid: number; mode: number }): boolean {
  if (process.platform === 'win32' || process.getuid === undefined) return true;
  const uid = process.getuid();
  return (stats.uid === uid || stats.uid === 0) && (stats.mode & 0o022) === 0;
}

/** Whether `dir` is a directory no other user can write (undefined when it does not exist). */
function privateDir(dir: string): boolean | undefined {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() && ownedAndPrivate(stats);
  } catch {
    return undefined;
  }
}

/** The cache of command `name` in `dir` for `key`. Never throws: a cache that cannot be read is not used. */
export function readCompileCache(dir: string, name: string, key: string): CompileCacheEntry {
  const file = join(dir, `${name}.v8`);
  const safe = privateDir(dir);
  if (safe === undefined) return { status: 'missing', file, data: undefined };
  if (!safe) return { status: 'unsafe', file: undefined, data: undefined };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { status: 'missing', file, data: undefined };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || !ownedAndPrivate(stats))
      return { status: 'unsafe', file: undefined, data: undefined };
    const bytes = readFileSync(fd);
    const header = `${FORMAT}\n${key}\n`;
    if (bytes.length <= header.length || bytes.toString('utf8', 0, header.length) !== header) {
      return { status: 'stale', file, data: undefined };
    }
    return { status: 'found', file, data: bytes.subarray(Buffer.byteLength(header)) };
  } catch {
    return { status: 'stale', file, data: undefined };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` as the cache at `file` for `key`: the directory created private (0700) when missing and left alone
 * when another user can write it, the file written aside (0600) and renamed into place, so that a reader never sees
 * half a file and two processes writing at once leave one whole one. Returns the reason when nothing was written;
 * never throws (a cache is an optimization: the command has run).
 */
export function writeCompileCache(file: string, key: string, data: Buffer): string | undefined {
  const dir = join(file, '..');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (privateDir(dir) !== true) return `${dir} can be written by another user`;
    writeFileSync(temp, Buffer.concat([Buffer.from(`${FORMAT}\n${key}\n`), data]), {
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Left behind: a .tmp file, never read.
    }
    return (error as { code?: string }).code ?? String(error);
  }
}
