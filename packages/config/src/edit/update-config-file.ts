import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseConfig } from '../parse-config.js';
import type { McpOAuthConfig } from '../types.js';
import { type ConfigLockOptions, withConfigLock } from './config-lock.js';
import { type AddServerOptions, addServerToText, removeServerFromText } from './edit-text.js';
import type { ServerTable } from './render-server.js';

async function readText(path: string): Promise<{ text: string; mode: number | undefined }> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mode: info.mode & 0o777 };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: '', mode: undefined };
    throw new ConfigError('config_io', [{ path: '', message: `cannot read: ${code ?? String(error)}` }], {
      file: path,
      cause: error,
    });
  }
}

/** Writes `text` to `path` atomically: a temporary file in the same directory, flushed, then renamed over the
 * target, so a reader sees the old file or the new one, never half of one. New files get mode 0600 (a config may
 * hold header values); an existing file keeps its mode. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const directory = dirname(path);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError('config_io', [{ path: '', message: `cannot write: ${code ?? String(error)}` }], {
      file: path,
      cause: error,
    });
  }
}

/**
 * Reads a config file (a missing one is empty), applies a text edit, validates the result and writes it
 * atomically, all under the file's exclusive edit lock (`FILE.lock`, see {@link withConfigLock}), so two
 * concurrent edits run one after the other and neither is lost. Nothing is written when the edit or the validation
 * fails; the lock is released either way.
 *
 * @throws {ConfigError} the edit's or the validation's error, `config_locked` when another process held the lock
 *   for longer than `lockTimeoutMs` (default 10 s), or `config_io`.
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md#editing-the-file
 */
export function updateConfigFile(
  path: string,
  edit: (text: string) => string,
  options: ConfigLockOptions = {},
): Promise<McpOAuthConfig> {
  return withConfigLock(
    path,
    async (lock) => {
      const { text, mode } = await readText(path);
      const next = edit(text);
      const config = parseConfig(next, { path });
      if (next !== text) {
        await lock.assertHeld();
        await writeFileAtomic(path, next, mode);
      }
      return config;
    },
    options,
  );
}

/**
 * Adds a server to a config file, preserving comments, key order and formatting (see {@link addServerToText}),
 * under the file's edit lock (see {@link updateConfigFile}).
 *
 * @example
 * ```ts
 * await addServer('/home/me/.mcp-oauth/config.toml', 'gmail', {
 *   url: 'https://gmailmcp.googleapis.com/mcp/v1',
 *   oauth: { client_id: '1234.apps.googleusercontent.com', provider: 'google' },
 * });
 * ```
 */
export function addServer(
  path: string,
  name: string,
  table: ServerTable,
  options: Omit<AddServerOptions, 'path'> & ConfigLockOptions = {},
): Promise<McpOAuthConfig> {
  const { lockTimeoutMs, staleLockMs, ...addOptions } = options;
  return updateConfigFile(path, (text) => addServerToText(text, name, table, { ...addOptions, path }), {
    lockTimeoutMs,
    staleLockMs,
  });
}

/** Removes a server from a config file, preserving everything else (see {@link removeServerFromText}), under
 * the file's edit lock like {@link addServer}. */
export function removeServer(
  path: string,
  name: string,
  options: ConfigLockOptions = {},
): Promise<McpOAuthConfig> {
  return updateConfigFile(path, (text) => removeServerFromText(text, name, { path }), options);
}
