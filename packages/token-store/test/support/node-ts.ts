import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/**
 * Node arguments that let a child process run this repository's TypeScript: the tsx loader and the source
 * export condition, unless NODE_OPTIONS already carries them (scripts/test.sh sets it).
 */
export function nodeTsArgs(): string[] {
  const fromEnv = process.env.NODE_OPTIONS ?? '';
  const args: string[] = [];
  if (!fromEnv.includes('mcp-oauth-source')) args.push('--conditions=mcp-oauth-source');
  if (!fromEnv.includes('tsx')) args.push('--import', 'tsx');
  return args;
}

/** Starts `node <script> <args>` with TypeScript support. */
export function spawnTs(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeTsArgs(), script, ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a child's stdout as lines and lets a test wait for a line matching a predicate. */
export class LineReader {
  readonly lines: string[] = [];
  #buffer = '';
  #waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  #closed = false;
  #stderr = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        this.lines.push(line);
        for (const w of [...this.#waiters]) {
          if (w.match(line)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    child.on('exit', () => {
      this.#closed = true;
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first line (already seen or future) matching `match`; rejects if the child exits first. */
  waitFor(match: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.#closed)
      return Promise.reject(new Error(`child exited before the expected line; stderr: ${this.#stderr}`));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match, resolve });
      this.child.once('exit', (code, signal) => {
        if (this.#waiters.some((w) => w.resolve === resolve)) {
          reject(
            new Error(`child exited (${code ?? signal}) before the expected line; stderr: ${this.#stderr}`),
          );
        }
      });
    });
  }
}

/** Resolves when the child has exited, with its exit code (or null after a signal). */
export function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
