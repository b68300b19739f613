import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TokenStoreError } from '@mcp-oauth/token-store';

/**
 * A small string-keyed JSON map in one file (directory 0700, file 0600, written to a temporary file then renamed),
 * for the discovery cache and the dynamic-registration cache. Last writer wins: both hold data that can be
 * fetched again, never tokens. A file that does not parse is treated as empty (and rewritten on the next set):
 * losing a cache entry only costs one discovery or registration.
 */
export class JsonFileMap<T> {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async #readAll(): Promise<Record<string, T>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.#path, 'utf8'));
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, T>)
        : {};
    } catch {
      return {};
    }
  }

  /**
   * A refused write (EACCES, EROFS, ENOSPC: an unwritable home) is an `io_failed` {@link TokenStoreError} naming
   * the file and the fix, like the credential file's; the raw `EACCES` once surfaced as the CLI's `unexpected:`.
   */
  async #writeAll(all: Record<string, T>): Promise<void> {
    const tmp = `${this.#path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.#path);
    } catch (error) {
      throw new TokenStoreError(
        'io_failed',
        `cannot write ${JSON.stringify(this.#path)}: make its directory writable, or set MCP_OAUTH_HOME to a writable directory`,
        { cause: error, path: this.#path },
      );
    }
  }

  async get(key: string): Promise<T | undefined> {
    return (await this.#readAll())[key];
  }

  async set(key: string, value: T): Promise<void> {
    const all = await this.#readAll();
    all[key] = value;
    await this.#writeAll(all);
  }

  async delete(key: string): Promise<void> {
    const all = await this.#readAll();
    if (!(key in all)) return;
    delete all[key];
    await this.#writeAll(all);
  }
}
