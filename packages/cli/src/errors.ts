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
 * - `demo_failed`: a `demo` step did not behave as stated;
 * - `demo_unavailable`: `demo` needs `@mcp-oauth/testbed`, which is not installed (the hint says how to get it).
 */
export type CliErrorCode =
  | 'usage'
  | 'needs_login'
  | 'server_error'
  | 'cancelled'
  | 'demo_failed'
  | 'demo_unavailable';

const EXIT_FOR: Readonly<Record<CliErrorCode, ExitCode>> = {
  usage: EXIT.usage,
  needs_login: EXIT.needsLogin,
  server_error: EXIT.server,
  cancelled: EXIT.cancelled,
  demo_failed: EXIT.internal,
  demo_unavailable: EXIT.config,
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
  as_unreachable: EXIT.server,
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
  device_code_expired: EXIT.loginIncomplete,
  device_flow_unsupported: EXIT.server,
  login_denied: EXIT.loginDenied,
  login_cancelled: EXIT.cancelled,
  ema_disabled: EXIT.config,
  idp_not_configured: EXIT.config,
  idp_login_needed: EXIT.needsLogin,
  idp_unreachable: EXIT.server,
  token_exchange_refused: EXIT.server,
  id_jag_invalid: EXIT.server,
  jwt_bearer_refused: EXIT.server,
  workload_token_unavailable: EXIT.config,
  workload_token_invalid: EXIT.server,
  client_secret_unset: EXIT.config,
  private_key_unset: EXIT.config,
  private_key_unreadable: EXIT.config,
  private_key_invalid: EXIT.config,
  grant_not_supported: EXIT.config,
  invalid_client: EXIT.server,
  unauthorized_client: EXIT.server,
  elicitation_invalid_answer: EXIT.internal,
  elicitation_timeout: EXIT.loginIncomplete,
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
    if (['keyring_unavailable', 'invalid_options', 'store_backend_missing'].includes(error.code))
      return EXIT.config;
    return error.code === 'lock_aborted' ? EXIT.cancelled : EXIT.store;
  }
  // The user said no (browser redirect `error=access_denied`, or RFC 8628 `access_denied` while polling).
  if (
    error instanceof AuthorizeError &&
    (error.code === 'authorization_denied' || error.code === 'access_denied')
  ) {
    return EXIT.loginDenied;
  }
  // A private_key_jwt key of an algorithm the AS does not list: the fix is the key or oauth.client_assertion_alg.
  if (error instanceof AuthorizeError && error.code === 'unsupported_signing_alg') return EXIT.config;
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
