import { ConfigError } from '@mcp-oauth/config';
import { CliError, exitCodeFor, isNetworkFailure } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { Style } from './style.js';

function hintFor(error: unknown): string | undefined {
  if (error instanceof CliError) return error.hint;
  if (error instanceof ConfigError && error.code === 'server_not_found')
    return "Run 'mcp-oauth list' to see the configured servers.";
  return undefined;
}

function messageOf(error: unknown): string {
  if (isNetworkFailure(error)) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const why = typeof cause?.code === 'string' ? cause.code : String(cause?.message ?? 'network error');
    return `could not reach the server (${why})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prints a command's error on stderr (`mcp-oauth: error: …`, then a hint line when there is one) and returns its
 * exit code. Errors of every package are known: their messages are meant for users and never hold a secret.
 * Anything else is a bug: reported as `unexpected`, with its stack when `debug` is on.
 */
export function reportError(error: unknown, io: CliIo, style: Style, debug: boolean): number {
  const code = exitCodeFor(error);
  const label = style.red(style.bold('error'));
  const unexpected = code === EXIT.internal && !(error instanceof CliError);
  io.stderr.write(`mcp-oauth: ${label}: ${unexpected ? 'unexpected: ' : ''}${messageOf(error)}\n`);
  const hint = hintFor(error);
  if (hint !== undefined) io.stderr.write(`${hint}\n`);
  if (unexpected && debug && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return code;
}
