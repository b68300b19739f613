// Runs the BUILT `mcp-oauth` binary (packages/cli/bin/mcp-oauth.js → dist) as a child process, the way a user
// does: compiled JavaScript, no TypeScript loader, a temporary MCP_OAUTH_HOME and HOME, debug logging on. Every
// byte it prints is kept in a transcript that the secret scan reads at the end of each test file.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(ROOT, 'packages/cli/bin/mcp-oauth.js');

/** NODE_OPTIONS without the test runner's source condition and TypeScript loader: the child runs dist/. */
export function compiledNodeOptions(value: string | undefined): string {
  return (value ?? '')
    .replace(/--conditions[= ]mcp-oauth-source/g, '')
    .replace(/--(?:import|require|loader)[= ]tsx(?:\/\S*)?/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Fails early, and says why, when a package's dist/ is missing or older than its sources. */
export function assertBuilt(): void {
  const packages = join(ROOT, 'packages');
  for (const name of readdirSync(packages)) {
    const built = join(packages, name, 'dist/index.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newest(join(packages, name, 'src'))) {
      throw new Error(`packages/${name}/dist is missing or older than its sources: run \`pnpm build\` first`);
    }
  }
}

/** Everything the CLI printed during one test file, for the secret scan. */
export class Transcript {
  readonly #parts: string[] = [];
  add(label: string, text: string): void {
    this.#parts.push(`--- ${label}\n${text}`);
  }
  text(): string {
    return this.#parts.join('\n');
  }
  get size(): number {
    return this.#parts.length;
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running CLI: its output so far, stdin, and helpers to wait for a line. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` on the stream (rejects when the process ends first). */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
  readonly done: Promise<CliResult>;
}

/** A temporary home with its config file, running the built CLI. */
export interface CliHome {
  readonly dir: string;
  readonly home: string;
  readonly configPath: string;
  writeConfig(toml: string): Promise<void>;
  start(args: readonly string[], env?: Readonly<Record<string, string | undefined>>): RunningCli;
  run(
    args: readonly string[],
    options?: { env?: Readonly<Record<string, string | undefined>>; stdin?: string },
  ): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** Creates a home whose every CLI run is recorded in `transcript` (and reported to `afterRun`). */
export async function cliHome(
  transcript: Transcript,
  afterRun: (home: string) => Promise<void> = async () => {},
): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-e2e-'));
  const home = join(dir, 'mcp-oauth-home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const configPath = join(home, 'config.toml');
  const baseEnv: Record<string, string | undefined> = {
    ...process.env,
    HOME: dir,
    MCP_OAUTH_HOME: home,
    MCP_OAUTH_DEBUG: '1',
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    CODEX_HOME: undefined,
    NODE_OPTIONS: compiledNodeOptions(process.env.NODE_OPTIONS),
  };
  const start = (args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}) => {
    const merged = Object.fromEntries(
      Object.entries({ ...baseEnv, ...env }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: merged, stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const done = new Promise<CliResult>((resolvePromise, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        transcript.add(`mcp-oauth ${args.join(' ')} (exit ${code ?? signal})`, `${out}\n${err}`);
        afterRun(home).then(() => resolvePromise({ code, signal, stdout: out, stderr: err }), reject);
      });
    });
    return {
      child,
      stdout: () => out,
      stderr: () => err,
      done,
      waitFor(stream: 'stdout' | 'stderr', pattern: RegExp) {
        return new Promise<RegExpMatchArray>((resolveMatch, reject) => {
          const source = stream === 'stdout' ? child.stdout : child.stderr;
          const check = () => {
            const match = (stream === 'stdout' ? out : err).match(pattern);
            if (match === null) return false;
            source.off('data', onData);
            resolveMatch(match);
            return true;
          };
          const onData = () => setImmediate(check);
          if (check()) return;
          source.on('data', onData);
          done.then(() => {
            if (!check())
              reject(new Error(`mcp-oauth ended before printing ${pattern} on ${stream}:\n${out}\n${err}`));
          }, reject);
        });
      },
    };
  };
  return {
    dir,
    home,
    configPath,
    writeConfig: (toml) => writeFile(configPath, toml, { mode: 0o600 }),
    start,
    async run(args, options = {}) {
      const running = start(args, options.env);
      running.child.stdin?.end(options.stdin ?? '');
      return running.done;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
