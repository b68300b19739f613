import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { keyringHelperSource } from './keyring-helper-source.js';
import { defaultBackendLoader, resolveBackend } from './optional-backend.js';
import { redactSecrets } from './redact.js';
import { TokenStoreError } from './token-store-error.js';

/** One keychain entry as listed. */
export interface KeyringEntry {
  readonly account: string;
  readonly password: string;
}

/** The OS keychain operations the keyring store needs; injectable for tests. */
export interface KeyringBackend {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, password: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
  list(service: string): Promise<KeyringEntry[]>;
  close(): Promise<void>;
}

/** Options of {@link KeyringHelperProcess}. */
export interface KeyringHelperOptions {
  /** How long one keychain operation may take before the helper is killed, in ms. Default is 5000 (5 seconds). */
  readonly timeoutMs?: number;
  /** Environment of the helper process (D-Bus address, HOME). Default is `process.env`; NODE_OPTIONS is dropped. */
  readonly env?: NodeJS.ProcessEnv;
  /** Path of the `@napi-rs/keyring` module the helper loads. Default: resolved from this package on first use. */
  readonly modulePath?: string;
}

/** The hint every "no keychain" error carries. */
export const FILE_STORE_HINT =
  'use the file store instead: set mcp_oauth_credentials_store = "file" in config.toml (credentials.json, mode 0600)';

interface Pending {
  readonly child: ChildProcessWithoutNullStreams;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly secrets: readonly string[];
}

interface HelperAnswer {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: { message?: string; code?: string; kind?: string };
}

/**
 * Talks to the OS keychain through @napi-rs/keyring in a helper process, so that every operation is bounded:
 * a keychain that does not answer within `timeoutMs` (a hung D-Bus peer, an unlock prompt nobody sees) gets the
 * helper SIGKILLed and the call fails with `keyring_timeout`; no Secret Service fails at once with
 * `keyring_unavailable`. Both errors name the file store as the way out. The helper is started on first use,
 * kept for later calls, never keeps the parent process alive while idle, and is restarted after a failure.
 */
export class KeyringHelperProcess implements KeyringBackend {
  readonly #timeoutMs: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #modulePath: string | undefined;
  #child: ChildProcessWithoutNullStreams | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #stderr = '';

  constructor(options: KeyringHelperOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      throw new TokenStoreError('invalid_options', 'keyring timeoutMs must be a positive number');
    }
    const env = { ...(options.env ?? process.env) };
    delete env.NODE_OPTIONS;
    this.#env = env;
    this.#modulePath = options.modulePath;
  }

  async get(service: string, account: string): Promise<string | null> {
    const value = await this.#request({ op: 'get', service, account }, []);
    return typeof value === 'string' ? value : null;
  }

  async set(service: string, account: string, password: string): Promise<void> {
    await this.#request({ op: 'set', service, account, password }, [password]);
  }

  async delete(service: string, account: string): Promise<boolean> {
    return (await this.#request({ op: 'delete', service, account }, [])) === true;
  }

  async list(service: string): Promise<KeyringEntry[]> {
    const value = await this.#request({ op: 'list', service }, []);
    if (!Array.isArray(value))
      throw new TokenStoreError('keyring_failed', 'keyring helper answered a malformed list');
    return value.filter(
      (e): e is KeyringEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.account === 'string' &&
        typeof e.password === 'string',
    );
  }

  async close(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child !== undefined) child.stdin.end();
  }

  #request(body: Record<string, unknown>, secrets: readonly string[]): Promise<unknown> {
    const child = this.#spawn();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(
          child,
          new TokenStoreError(
            'keyring_timeout',
            `the OS keyring did not answer within ${this.#timeoutMs} ms (locked, or no Secret Service); ${FILE_STORE_HINT}`,
          ),
        );
      }, this.#timeoutMs);
      this.#pending.set(id, {
        child,
        secrets,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#setRef(child, true);
      child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  #spawn(): ChildProcessWithoutNullStreams {
    if (this.#child !== undefined) return this.#child;
    const modulePath =
      this.#modulePath ?? resolveBackend(defaultBackendLoader, '@napi-rs/keyring', 'the keyring store');
    const child = spawn(process.execPath, ['-e', keyringHelperSource(modulePath)], {
      env: this.#env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.#child = child;
    this.#stderr = '';
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.#answer(child, line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-2000);
    });
    child.stdin.on('error', () => undefined); // a dead helper is reported by 'exit'
    child.on('error', (error) => {
      this.#fail(
        child,
        new TokenStoreError('keyring_unavailable', `cannot start the keyring helper; ${FILE_STORE_HINT}`, {
          cause: error,
        }),
      );
    });
    child.on('exit', (code, signal) => {
      const why = signal !== null ? `signal ${signal}` : `code ${code}`;
      const tail = this.#stderr.trim();
      this.#fail(
        child,
        new TokenStoreError(
          'keyring_unavailable',
          `the keyring helper exited (${why})${tail === '' ? '' : `: ${tail}`}; ${FILE_STORE_HINT}`,
          { secrets: [...this.#pending.values()].filter((p) => p.child === child).flatMap((p) => p.secrets) },
        ),
      );
    });
    this.#setRef(child, false);
    return child;
  }

  #answer(child: ChildProcessWithoutNullStreams, line: string): void {
    let answer: HelperAnswer;
    try {
      answer = JSON.parse(line) as HelperAnswer;
    } catch {
      return;
    }
    const pending = this.#pending.get(answer.id);
    if (pending === undefined) return;
    this.#pending.delete(answer.id);
    if (![...this.#pending.values()].some((p) => p.child === child)) this.#setRef(child, false);
    if (answer.error === undefined) {
      pending.resolve(answer.value);
      return;
    }
    pending.reject(classify(answer.error, pending.secrets));
  }

  /** Kills the helper and fails every call in flight with `error`. */
  #fail(child: ChildProcessWithoutNullStreams, error: TokenStoreError): void {
    if (this.#child === child) this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const [id, p] of [...this.#pending]) {
      if (p.child !== child) continue;
      this.#pending.delete(id);
      p.reject(error);
    }
    this.#setRef(child, false);
  }

  #setRef(child: ChildProcessWithoutNullStreams, ref: boolean): void {
    for (const handle of [child, child.stdout, child.stderr, child.stdin] as Array<{
      ref(): void;
      unref(): void;
    }>) {
      if (ref) handle.ref();
      else handle.unref();
    }
  }
}

/**
 * Maps a keychain error to a code. keyring-rs reports a missing or unreachable backend as "Couldn't access
 * platform storage" (NoStorageAccess) or "Platform failure" (PlatformFailure); everything else is a failure
 * of one operation.
 */
function classify(error: NonNullable<HelperAnswer['error']>, secrets: readonly string[]): TokenStoreError {
  const message = redactSecrets(String(error.message ?? 'unknown error'), secrets);
  if (error.kind === 'load') {
    return new TokenStoreError(
      'keyring_unavailable',
      `the OS keyring module cannot be loaded (${message}); ${FILE_STORE_HINT}`,
    );
  }
  if (/platform storage|platform failure|dbus|secret service/i.test(message)) {
    return new TokenStoreError('keyring_unavailable', `no usable OS keyring: ${message}; ${FILE_STORE_HINT}`);
  }
  return new TokenStoreError('keyring_failed', `the OS keyring refused the operation: ${message}`);
}
