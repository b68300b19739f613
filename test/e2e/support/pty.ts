// Runs the built CLI on a pseudo-terminal without native modules: util-linux `script` (Debian's bsdutils,
// Essential, installed everywhere; .ci/setup checks it) allocates the pty and runs the command in it. stdin and
// stderr are that terminal; stdout goes to a file, so the tool's result stays apart from the prompts.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, type CliHome, compiledNodeOptions } from './built-cli.js';

export interface PtyRun {
  /** Everything the terminal showed so far (stderr, the echo of what was typed), without control sequences. */
  screen(): string;
  /** Types `keys` at the terminal (`\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D). */
  type(keys: string): void;
  /** Resolves once the terminal has shown `pattern` after the first `from` characters (rejects if the run ends). */
  waitFor(pattern: RegExp, from?: number): Promise<RegExpMatchArray>;
  /** The exit code, what the terminal showed and what went to stdout. */
  readonly done: Promise<{ code: number | null; screen: string; stdout: string }>;
}

/** ANSI control sequences (readline's cursor moves) and carriage returns, dropped from what the screen shows. */
const CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]|\\r`, 'g');

/** The pty runs still going, so a failed test's run can be stopped (`stopAll`). */
const running = new Set<{ kill(): void }>();

/** Stops every run that is still going (for an `after` hook: a failed wait leaves the CLI waiting for input). */
export function stopAll(): void {
  for (const child of running) child.kill();
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Starts `mcp-oauth ARGS` in `home` on a pseudo-terminal. */
export function startInPty(home: CliHome, args: readonly string[], name: string): PtyRun {
  const stdoutFile = join(home.dir, `${name}.stdout`);
  const command = `exec ${[process.execPath, BIN, ...args].map(quote).join(' ')} > ${quote(stdoutFile)}`;
  const env = {
    ...process.env,
    HOME: home.dir,
    MCP_OAUTH_HOME: home.home,
    MCP_OAUTH_DEBUG: undefined,
    NO_COLOR: '1',
    TERM: 'xterm',
    CODEX_HOME: undefined,
    NODE_OPTIONS: compiledNodeOptions(process.env.NODE_OPTIONS),
  };
  // -q quiet, -f flush at once, -e the command's exit code, -c the command; the typescript file is /dev/null.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: home.dir,
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const listeners = new Set<() => void>();
  running.add(child);
  const onData = (chunk: string) => {
    screen += chunk.replace(CONTROL, '');
    for (const listener of listeners) listener();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const done = new Promise<{ code: number | null; screen: string; stdout: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', async (code) => {
      running.delete(child);
      child.stdin.destroy();
      for (const listener of listeners) listener();
      const stdout = await readFile(stdoutFile, 'utf8').catch(() => '');
      resolve({ code, screen, stdout });
    });
  });
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  return {
    screen: () => screen,
    type: (keys) => child.stdin.write(keys),
    done,
    waitFor(pattern, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = screen.slice(from).match(pattern);
          if (match !== null) {
            listeners.delete(check);
            resolve(match);
          } else if (ended || child.exitCode !== null) {
            listeners.delete(check);
            reject(new Error(`the terminal never showed ${pattern}:\n${screen}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
