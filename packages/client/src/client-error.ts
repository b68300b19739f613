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
 * - `device_flow_unsupported`: a device login was asked for, but the authorization server's metadata has no
 *   `device_authorization_endpoint`; the message names the login modes that work.
 * - `login_denied`: the user declined the device login on the authorization page (RFC 8628 `access_denied`).
 * - `device_code_expired`: the device login's code expired before it was approved (retryable: start again).
 * - `server_unsupported`: the server does not use OAuth (or is not an HTTP server).
 * - `as_unreachable`: the authorization server of a cached discovery cannot be reached; checked before a login
 *   presents its authorization URL.
 * - `config`: the server is not configured for this operation.
 * - `client_secret_unset`: the variable `client_secret_env_var` names is not set (export it).
 * - `private_key_unset`: the variable `private_key_env_var` names is not set (export it).
 * - `private_key_unreadable`: the `private_key_file` is missing or cannot be read (fix the path or permissions).
 * - `private_key_invalid`: the key is neither a PEM private key nor a private JWK, or its algorithm is unknown.
 * - `grant_not_supported`: the authorization server's metadata does not list the `client_credentials` grant.
 * - `invalid_client`: the authorization server refused the client's credentials (RFC 6749 §5.2): the client id,
 *   secret or key (its registered public key, `kid`, `alg`) is wrong.
 * - `unauthorized_client`: the client may not use the client-credentials grant (RFC 6749 §5.2): allow it at the
 *   authorization server.
 * - `elicitation_invalid_answer`: an elicitation handler accepted with content that does not fit the requested
 *   schema (a required field missing, a value of the wrong type or out of range); nothing was sent.
 * - `elicitation_timeout`: the server did not report a URL elicitation complete in time.
 *
 * Enterprise-managed authorization and workload identity
 * - `ema_disabled`: an `ema_auth` server is used while `[features] use_xaa = true` is not set.
 * - `idp_not_configured`: an `ema_auth` server without `[mcp_enterprise_managed_auth.idp]`.
 * - `idp_login_needed`: no usable enterprise IdP sign-in is stored and interaction is not allowed.
 * - `idp_unreachable`: the IdP's metadata or token endpoint could not be reached (retryable).
 * - `token_exchange_refused`: the IdP refused the ID-JAG token exchange (`invalid_target`, `access_denied`, …).
 * - `id_jag_invalid`: the IdP returned an ID-JAG that is not for this server's AS or resource (nothing was sent).
 * - `jwt_bearer_refused`: the server's AS refused the JWT bearer grant (an untrusted IdP or workload issuer, …).
 * - `workload_token_unavailable`: the workload JWT's file, variable or command gave nothing.
 * - `workload_token_invalid`: the workload JWT is expired, or not for this AS or issuer (nothing was sent).
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
  | 'device_flow_unsupported'
  | 'login_denied'
  | 'device_code_expired'
  | 'server_unsupported'
  | 'as_unreachable'
  | 'config'
  | 'ema_disabled'
  | 'idp_not_configured'
  | 'idp_login_needed'
  | 'idp_unreachable'
  | 'token_exchange_refused'
  | 'id_jag_invalid'
  | 'jwt_bearer_refused'
  | 'workload_token_unavailable'
  | 'workload_token_invalid'
  | 'client_secret_unset'
  | 'private_key_unset'
  | 'private_key_unreadable'
  | 'private_key_invalid'
  | 'grant_not_supported'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'elicitation_invalid_answer'
  | 'elicitation_timeout'
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
