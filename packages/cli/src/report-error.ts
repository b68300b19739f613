import { ConfigError, escapeForTerminal, suggestCommand } from '@mcp-oauth/config';
import { CliError, exitCodeFor, isNetworkFailure } from './errors.js';
import { EXIT } from './exit-codes.js';
import { explainSdkError, reportableError } from './explain-error.js';
import type { CliIo } from './io.js';
import type { Style } from './style.js';

function hintFor(error: unknown): string | undefined {
  if (error instanceof CliError) return error.hint;
  if (error instanceof ConfigError && error.code === 'server_not_found')
    return `Run '${suggestCommand(['list'])}' to see the configured servers.`;
  return undefined;
}

/** Whether undici refused an answer because its headers passed its limit (16 KB by default). */
function headersOverflowed(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === 'UND_ERR_HEADERS_OVERFLOW') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function messageOf(error: unknown): string {
  if (headersOverflowed(error)) {
    return (
      'the server answered with HTTP headers too large to read (over 16 KB, such as a huge WWW-Authenticate); ' +
      'the server is misbehaving: tell its operator'
    );
  }
  if (isNetworkFailure(error)) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const why = typeof cause?.code === 'string' ? cause.code : String(cause?.message ?? 'network error');
    return `could not reach the server (${why})`;
  }
  const explained = explainSdkError(error);
  if (explained !== undefined) return explained;
  return error instanceof Error ? error.message : String(error);
}

/** Longest error message printed, in characters: an `error_description` of hundreds of KB is cut with `…`. */
export const ERROR_MESSAGE_LIMIT = 2048;

/**
 * The message as printed: every control character visible (SPEC-NOTES §6), cut at {@link ERROR_MESSAGE_LIMIT}.
 * A config error lists one issue per line, from the local file: its line feeds stay; every other error may embed
 * server text (an `error_description`, an issuer, a URL), so a line feed in it is shown as `\n`.
 */
function printable(error: unknown, text: string): string {
  return escapeForTerminal(text, {
    maxLength: ERROR_MESSAGE_LIMIT,
    keepNewlines: error instanceof ConfigError,
  });
}

/**
 * Prints a command's error on stderr (`mcp-oauth: error: …`, then a hint line when there is one) and returns its
 * exit code. Errors of every package are known: their messages are meant for users and never hold a secret.
 * Anything else is a bug: reported as `unexpected`, with its stack when `debug` is on.
 */
export function reportError(thrown: unknown, io: CliIo, style: Style, debug: boolean): number {
  const error = reportableError(thrown);
  const code = exitCodeFor(error);
  const label = style.red(style.bold('error'));
  const unexpected = code === EXIT.internal && !(error instanceof CliError);
  io.stderr.write(
    `mcp-oauth: ${label}: ${unexpected ? 'unexpected: ' : ''}${printable(error, messageOf(error))}\n`,
  );
  const hint = hintFor(error);
  if (hint !== undefined)
    io.stderr.write(`${escapeForTerminal(hint, { maxLength: ERROR_MESSAGE_LIMIT, keepNewlines: true })}\n`);
  if (unexpected && debug && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return code;
}
