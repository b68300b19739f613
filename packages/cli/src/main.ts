import { processIo } from './io.js';
import { runCli } from './run-cli.js';

/** What the launcher (`launch.ts`) tells the CLI it runs. */
export interface LaunchContext {
  /** One line on how the CLI was loaded (its compile cache), printed with `--debug`. */
  readonly startupNote?: string;
  /** Called once the command has ended and its output is flushed, just before the process exits. */
  readonly beforeExit?: () => void;
}

/**
 * Runs the `mcp-oauth` command with the process's arguments and terminal, then ends the process with the command's
 * exit code: a finished command exits now, since a handle left behind (stdin after a paste prompt, a Redis
 * client's connection timer) must not keep it alive. Output is flushed first.
 *
 * This is the entry of the bundled CLI (`dist/mcp-oauth.cjs`, which `launch.ts` loads; see docs/architecture.md);
 * `bin.ts` runs it from the sources.
 */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  launch: LaunchContext = {},
): Promise<never> {
  const io = processIo();
  const code = await runCli(
    argv,
    launch.startupNote === undefined ? io : { ...io, startupNote: launch.startupNote },
  );
  const flush = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  launch.beforeExit?.();
  process.exit(code);
}
