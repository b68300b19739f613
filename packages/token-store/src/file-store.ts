import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { type CredentialKey, credentialStorageId } from './credential-key.js';
import type { CredentialRecord } from './credential-record.js';
import type {
  CredentialLock,
  CredentialStore,
  LockOptions,
  StoreCapabilities,
  StoreStatus,
  StoreVersion,
} from './credential-store.js';
import {
  CREDENTIALS_FILE_VERSION,
  type CredentialsDocument,
  checkDocumentVersion,
  isDocumentProblem,
  parseCredentialsDocument,
  serializeCredentialsDocument,
} from './credentials-file.js';
import type { FileLockDeps } from './file-lock.js';
import { acquireHostLock } from './host-lock.js';
import { resolveLockOptions } from './lock-options.js';
import { migrateRecord } from './migrate-record.js';
import { recordForKey } from './record-for-key.js';
import { listStoredEntries, type StoreListing } from './store-listing.js';
import { TokenStoreError } from './token-store-error.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** The directory holding `credentials.json` and `locks/`. Created with mode 0700 when missing. */
  readonly home: string;
  /** The file name. Default is `credentials.json`. */
  readonly fileName?: string;
  /** How long a write waits for another process's write, in ms. Default is 10000 (10 seconds). */
  readonly writeWaitMs?: number;
  /** Test seams for the lock files. */
  readonly lockDeps?: FileLockDeps;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Temporary files older than this are leftovers of a killed writer and are removed by the next write. */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Credentials in one JSON file, `<home>/credentials.json` (file 0600, directory 0700).
 *
 * - Every write is a read-modify-write under a cross-process lock (`credentials.json.lock`), written atomically
 *   (temporary file, fsync, rename, directory fsync): concurrent processes never lose each other's writes, and a
 *   crash at any instant leaves the previous or the new file, both valid.
 * - Reads take no lock (a rename is atomic).
 * - A file that is not a credentials document is never overwritten: it is renamed to
 *   `credentials.json.corrupt-<time>-<random>` and the operation fails with `corrupt_store` naming that path;
 *   the next operation starts from an empty file.
 * - Keys never reach a path: entries are keyed by {@link credentialStorageId}.
 * - `lock(key)` is a host-wide lock file per credential in `<home>/locks/`; a holder that died is detected at once
 *   on the same host (its pid is gone) and after `ttlMs` from another host.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#file
 */
export class FileStore implements CredentialStore {
  readonly kind = 'file' as const;
  readonly capabilities: StoreCapabilities = { persistent: true, lockScope: 'host', multiProcess: true };
  /** The credentials file. */
  readonly path: string;
  readonly home: string;
  readonly #writeWaitMs: number;
  readonly #lockDeps: FileLockDeps | undefined;

  constructor(options: FileStoreOptions) {
    if (typeof options?.home !== 'string' || options.home === '') {
      throw new TokenStoreError('invalid_options', 'FileStore home must be a non-empty path');
    }
    const fileName = options.fileName ?? 'credentials.json';
    if (fileName === '' || /[/\\]/.test(fileName) || fileName === '.' || fileName === '..') {
      throw new TokenStoreError('invalid_options', 'FileStore fileName must be a plain file name');
    }
    this.home = resolve(options.home);
    this.path = join(this.home, fileName);
    this.#writeWaitMs = options.writeWaitMs ?? 10_000;
    this.#lockDeps = options.lockDeps;
  }

  async get(key: CredentialKey): Promise<CredentialRecord | null> {
    const id = credentialStorageId(key);
    const doc = await this.#read();
    if (!Object.hasOwn(doc.credentials, id)) return null;
    return migrateRecord(doc.credentials[id], key);
  }

  /**
   * The identity, size and modification time of `credentials.json` (one `stat`): any write, by any process,
   * replaces the file (a new inode) and this store's writers give each new file an mtime past the previous one's,
   * so the stamp changes even when two writes fall into one tick of the file system's clock. Whole-file: a write
   * of another credential changes it too (a needless re-read, never a missed change). `absent` before the first
   * write.
   */
  async version(_key: CredentialKey): Promise<StoreVersion | null> {
    try {
      const s = await stat(this.path);
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return 'absent';
      throw new TokenStoreError('io_failed', `cannot read ${this.path}`, { cause: error, path: this.path });
    }
  }

  async set(key: CredentialKey, record: CredentialRecord): Promise<void> {
    const entry = recordForKey(key, record);
    await this.#update((doc) => {
      doc.credentials[entry.id] = entry.record;
      return true;
    });
  }

  async delete(key: CredentialKey): Promise<boolean> {
    const id = credentialStorageId(key);
    let existed = false;
    await this.#update((doc) => {
      existed = Object.hasOwn(doc.credentials, id);
      delete doc.credentials[id];
      return existed;
    });
    return existed;
  }

  async list(): Promise<CredentialKey[]> {
    return (await this.listAll()).keys;
  }

  async listAll(): Promise<StoreListing> {
    const doc = await this.#read();
    return listStoredEntries(Object.entries(doc.credentials).map(([id, raw]) => [id, () => raw] as const));
  }

  /**
   * Creates the home (0700) when missing, then writes and removes a probe file next to `credentials.json`, and
   * checks that an existing `credentials.json` can be opened for writing: the same operations a write needs.
   */
  async preflight(): Promise<void> {
    await this.#ensureHome();
    const probe = join(
      this.home,
      `.${basename(this.path)}.preflight-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    try {
      await writeFileAtomic(probe, '', FILE_MODE);
      await unlink(probe);
      const existing = await stat(this.path).catch((error: { code?: string }) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (existing !== null && !existing.isFile())
        throw Object.assign(new Error(`${this.path} is not a file`), { code: 'EISDIR' });
      if (existing !== null) await access(this.path, constants.W_OK);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      throw new TokenStoreError(
        'io_failed',
        `cannot write credentials in ${this.home} (${code}): make the directory and ${basename(this.path)} ` +
          'writable by you, or point MCP_OAUTH_HOME at a directory that is',
        { cause: error, path: this.path },
      );
    }
  }

  async deleteEntry(id: string): Promise<boolean> {
    let existed = false;
    await this.#update((doc) => {
      existed = Object.hasOwn(doc.credentials, id);
      delete doc.credentials[id];
      return existed;
    });
    return existed;
  }

  async lock(key: CredentialKey, options?: LockOptions): Promise<CredentialLock> {
    const id = credentialStorageId(key);
    const resolved = resolveLockOptions(options);
    return acquireHostLock(
      join(this.home, 'locks', `${id}.lock`),
      { ...resolved, what: `the lock of credential ${JSON.stringify(key.serverName)}` },
      this.#lockDeps,
    );
  }

  async status(): Promise<StoreStatus> {
    return { kind: 'file', location: this.path, capabilities: this.capabilities };
  }

  async close(): Promise<void> {}

  /** Reads the document; a missing file is an empty one, a corrupt one is moved aside (and this throws). */
  async #read(): Promise<CredentialsDocument> {
    const text = await this.#readText();
    if (text === null) return { version: CREDENTIALS_FILE_VERSION, credentials: {} };
    const doc = parseCredentialsDocument(text);
    if (!isDocumentProblem(doc)) {
      checkDocumentVersion(doc, this.path);
      return doc;
    }
    // Move it aside under the write lock, unless another process repaired or replaced it meanwhile.
    return this.#withWriteLock(async () => {
      const again = await this.#readText();
      if (again === null) return { version: CREDENTIALS_FILE_VERSION, credentials: {} };
      const reread = parseCredentialsDocument(again);
      if (!isDocumentProblem(reread)) {
        checkDocumentVersion(reread, this.path);
        return reread;
      }
      throw await this.#quarantine(reread.problem);
    });
  }

  async #update(mutate: (doc: CredentialsDocument) => boolean): Promise<void> {
    await this.#withWriteLock(async () => {
      const before = await stat(this.path).catch(() => null);
      const text = await this.#readText();
      let doc: CredentialsDocument = { version: CREDENTIALS_FILE_VERSION, credentials: {} };
      if (text !== null) {
        const parsed = parseCredentialsDocument(text);
        if (isDocumentProblem(parsed)) throw await this.#quarantine(parsed.problem);
        checkDocumentVersion(parsed, this.path);
        doc = parsed;
      }
      if (!mutate(doc)) return;
      try {
        // Past the previous file's mtime, so that `version` changes with every write (see there).
        const mtimeMs = Math.max(Date.now(), Math.floor(before?.mtimeMs ?? 0) + 1);
        await writeFileAtomic(this.path, serializeCredentialsDocument(doc), FILE_MODE, mtimeMs);
      } catch (error) {
        throw new TokenStoreError('io_failed', `cannot write ${this.path}`, {
          cause: error,
          path: this.path,
        });
      }
      await this.#removeLeftovers();
    });
  }

  async #withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.#ensureHome();
    const lock = await acquireHostLock(
      `${this.path}.lock`,
      { ttlMs: 10_000, waitMs: this.#writeWaitMs, signal: undefined, what: `the write lock of ${this.path}` },
      this.#lockDeps,
    );
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
    await lock.release();
    return result;
  }

  async #readText(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw new TokenStoreError('io_failed', `cannot read ${this.path}`, { cause: error, path: this.path });
    }
  }

  async #ensureHome(): Promise<void> {
    try {
      await mkdir(this.home, { recursive: true, mode: DIR_MODE });
    } catch (error) {
      throw new TokenStoreError('io_failed', `cannot create ${this.home}`, { cause: error, path: this.home });
    }
  }

  /** Renames the corrupt file aside (never overwriting it) and returns the error that says where it went. */
  async #quarantine(problem: string): Promise<TokenStoreError> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = `${this.path}.corrupt-${stamp}-${randomBytes(3).toString('hex')}`;
    try {
      await rename(this.path, aside);
    } catch (error) {
      return new TokenStoreError('io_failed', `${this.path} ${problem} and could not be moved aside`, {
        cause: error,
        path: this.path,
      });
    }
    return new TokenStoreError(
      'corrupt_store',
      `${this.path} ${problem}; it was moved to ${aside} and left untouched. ` +
        'Log in again to create a new one, or repair the file and move it back.',
      { path: aside },
    );
  }

  /** Removes temporary files of writers that were killed mid-write (older than a minute). Best effort. */
  async #removeLeftovers(): Promise<void> {
    const ours = `${basename(this.path)}.`;
    const dirs: Array<[string, (name: string) => boolean]> = [
      [this.home, (name) => name.startsWith(ours)],
      [join(this.home, 'locks'), () => true],
    ];
    for (const [dir, mine] of dirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (!mine(name) || !(name.endsWith('.tmp') || name.endsWith('.stale'))) continue;
        const path = join(dir, name);
        try {
          if (Date.now() - (await stat(path)).mtimeMs > LEFTOVER_AGE_MS) await unlink(path);
        } catch {
          // removed by another process meanwhile
        }
      }
    }
  }
}
