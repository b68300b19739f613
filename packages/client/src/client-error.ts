/**
 * - `callback_timeout`: no authorization response reached the loopback listener in time.
 * - `callback_port_in_use`: the configured callback port is taken.
 * - `login_cancelled`: the user pressed Ctrl-C (or the caller aborted).
 * - `invalid_paste`: the pasted text is not the redirected URL.
 * - `unsafe_url`: a URL to open in a browser is not http(s).
 * - `browser_failed`: the system browser could not be started.
 * - `needs_login` / `not_logged_in`: the server's credentials cannot be used without a login.
 * - `insufficient_scope`: the server wants more scopes and interaction is not allowed.
 * - `invalid_challenge_scope`: a server's `insufficient_scope` challenge names a scope that is not an RFC 6749
 *   scope-token (a control character, space, `"` or `\\`); it is neither sent nor suggested.
 * - `step_up_exhausted`: the server kept asking for scopes after the allowed re-authorizations.
 * - `server_unsupported`: the server does not use OAuth (or is not an HTTP server).
 * - `config`: the server is not configured for this operation.
 * - `rate_limited`: the MCP server answered 429 (or 503 with `Retry-After`); the message says until when.
 * - `response_too_large`: an MCP response body passed the cap (`mcp_oauth_max_response_bytes`, default 16 MiB).
 */
export type ClientErrorCode =
  | 'callback_timeout'
  | 'callback_port_in_use'
  | 'login_cancelled'
  | 'invalid_paste'
  | 'unsafe_url'
  | 'browser_failed'
  | 'needs_login'
  | 'not_logged_in'
  | 'insufficient_scope'
  | 'invalid_challenge_scope'
  | 'step_up_exhausted'
  | 'server_unsupported'
  | 'config'
  | 'response_too_large'
  | 'rate_limited';

/** The error class of the client package. Messages never contain a token, code or secret. */
export class ClientError extends Error {
  override name = 'ClientError';
  readonly code: ClientErrorCode;
  /** Whether retrying (without changing anything) can help. */
  readonly retryable: boolean;

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

export function isClientError(error: unknown, code?: ClientErrorCode): error is ClientError {
  return error instanceof ClientError && (code === undefined || error.code === code);
}
