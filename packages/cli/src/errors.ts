import { AuthorizeError } from '@mcp-oauth/authorize';
import { ClientError } from '@mcp-oauth/client';
import { ConfigError, suggestCommand } from '@mcp-oauth/config';
import { DiscoveryError } from '@mcp-oauth/discovery';
import { HttpError } from '@mcp-oauth/http';
import { RefreshError } from '@mcp-oauth/refresh';
import { TokenStoreError } from '@mcp-oauth/token-store';
import { ProtocolError, SdkError } from '@modelcontextprotocol/client';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Error codes of the CLI itself:
 * - `usage`: a wrong command line;
 * - `needs_login`: the server needs `mcp-oauth login NAME`;
 * - `server_error`: the MCP server or its AS failed or refused (also a tool result flagged `isError`);
 * - `cancelled`: Ctrl-C or SIGTERM;
 * - `demo_failed`: a `demo` step did not behave as stated.
 */
export type CliErrorCode = 'usage' | 'needs_login' | 'server_error' | 'cancelled' | 'demo_failed';

const EXIT_FOR: Readonly<Record<CliErrorCode, ExitCode>> = {
  usage: EXIT.usage,
  needs_login: EXIT.needsLogin,
  server_error: EXIT.server,
  cancelled: EXIT.cancelled,
  demo_failed: EXIT.internal,
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
  const help = suggestCommand(command === undefined ? ['--help'] : [command, '--help']);
  return new CliError('usage', message, { hint: `Run '${help}' for usage.` });
}

const CLIENT_EXIT: Readonly<Record<ClientError['code'], ExitCode>> = {
  config: EXIT.config,
  server_unsupported: EXIT.config,
  needs_login: EXIT.needsLogin,
  not_logged_in: EXIT.needsLogin,
  insufficient_scope: EXIT.needsLogin,
  invalid_challenge_scope: EXIT.server,
  step_up_exhausted: EXIT.server,
  unsafe_url: EXIT.server,
  callback_timeout: EXIT.loginIncomplete,
  callback_port_in_use: EXIT.loginIncomplete,
  browser_failed: EXIT.loginIncomplete,
  invalid_paste: EXIT.loginIncomplete,
  login_cancelled: EXIT.cancelled,
  response_too_large: EXIT.server,
  rate_limited: EXIT.server,
};

/** A `fetch` that could not reach its server (undici's `TypeError: fetch failed`). */
export function isNetworkFailure(error: unknown): error is TypeError {
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** The exit code for any error thrown by a command (table in docs/cli.md). */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof ClientError) return CLIENT_EXIT[error.code] ?? EXIT.internal;
  if (error instanceof RefreshError) {
    return error.code === 'needs_login' || error.code === 'not_logged_in' ? EXIT.needsLogin : EXIT.server;
  }
  if (error instanceof TokenStoreError) {
    if (error.code === 'keyring_unavailable' || error.code === 'invalid_options') return EXIT.config;
    return error.code === 'lock_aborted' ? EXIT.cancelled : EXIT.store;
  }
  if (
    error instanceof DiscoveryError ||
    error instanceof AuthorizeError ||
    error instanceof HttpError ||
    error instanceof ProtocolError ||
    error instanceof SdkError ||
    isNetworkFailure(error)
  ) {
    return error instanceof HttpError && error.code === 'aborted' ? EXIT.cancelled : EXIT.server;
  }
  if (error instanceof Error && error.name === 'AbortError') return EXIT.cancelled;
  return EXIT.internal;
}
