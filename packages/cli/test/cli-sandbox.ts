import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
// NODE_OPTIONS' `--import tsx` resolves from the working directory: stay inside the repository.
const CWD = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary HOME and MCP_OAUTH_HOME for one test. */
export interface Sandbox {
  readonly dir: string;
  readonly home: string;
  readonly configPath: string;
  run(args: readonly string[], env?: Readonly<Record<string, string | undefined>>): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** Runs the CLI as a child process (from source: the test runner's NODE_OPTIONS load tsx). */
export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-cli-'));
  const home = join(dir, 'mcp-oauth-home');
  const baseEnv: Record<string, string | undefined> = {
    ...process.env,
    HOME: dir,
    MCP_OAUTH_HOME: home,
    CODEX_HOME: undefined,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    MCP_OAUTH_DEBUG: undefined,
  };
  return {
    dir,
    home,
    configPath: join(home, 'config.toml'),
    run(args, env = {}) {
      const merged = Object.fromEntries(
        Object.entries({ ...baseEnv, ...env }).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      );
      return new Promise((resolve) => {
        execFile(process.execPath, [BIN, ...args], { env: merged, cwd: CWD }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        });
      });
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
