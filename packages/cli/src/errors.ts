import { ConfigError } from '@mcp-oauth/config';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Error codes of the CLI itself. Later commands add theirs (e.g. `needs_login`). */
export type CliErrorCode = 'usage' | 'needs_login' | 'server_error';

const EXIT_FOR: Readonly<Record<CliErrorCode, ExitCode>> = {
  usage: EXIT.usage,
  needs_login: EXIT.needsLogin,
  server_error: EXIT.server,
};

/** An error the CLI reports as a one-line message with a specific exit code. `hint` is printed after it. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: CliErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_FOR[code];
    this.hint = options.hint;
  }
}

/** A wrong command line (exit 2). */
export function usageError(message: string, command?: string): CliError {
  const help = command === undefined ? 'mcp-oauth --help' : `mcp-oauth ${command} --help`;
  return new CliError('usage', message, { hint: `Run '${help}' for usage.` });
}

/** The exit code for any error thrown by a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError) return EXIT.config;
  return EXIT.internal;
}
