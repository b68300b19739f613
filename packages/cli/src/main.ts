import { processIo } from './io.js';
import { runCli } from './run-cli.js';

/**
 * Runs the `mcp-oauth` command with the process's arguments and terminal, then ends the process with the command's
 * exit code: a finished command exits now, since a handle left behind (stdin after a paste prompt, a Redis
 * client's connection timer) must not keep it alive. Output is flushed first.
 *
 * This is the entry of the bundled CLI (`dist/mcp-oauth.js`, see docs/architecture.md); `bin.ts` runs it from
 * the sources.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const code = await runCli(argv, processIo());
  const flush = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}
