/**
 * Stable machine-readable codes of {@link AuthorizeError}.
 *
 * Inputs
 * - `invalid_parameter`: an input is malformed (an endpoint that is not an absolute http(s) URL or has a fragment, a
 *   scope token with a space, a `resource` that is not an absolute URI, an empty client id, a bad PKCE verifier).
 * - `reserved_param`: an extra authorize or token parameter names a key the protocol owns (`state`, `resource`, …).
 * - `authorization_url_too_long`: the authorization URL built would be longer than `MAX_AUTHORIZATION_URL_LENGTH`
 *   (16384 characters: scopes, a client id, extra parameters or the endpoint made it so); no browser is opened and
 *   no URL printed.
 *
 * Authorization response (the loopback callback)
 * - `invalid_callback`: a response parameter is repeated (RFC 6749 §3.1: parameters MUST NOT repeat).
 * - `iss_missing`: the AS advertises RFC 9207 `iss` but the response has none.
 * - `iss_mismatch`: `iss` differs from the recorded issuer (the AS's `error` is then never read or shown).
 * - `state_missing` / `state_mismatch`: `state` absent, or not the one sent (CSRF protection).
 * - `authorization_denied`: the AS answered `error=access_denied` (the user said no).
 * - `authorization_error`: the AS answered another `error` (`invalid_scope`, `invalid_target`, …).
 * - `code_missing`: a success response without `code`.
 * - `issuer_mismatch`: a pending login recorded for one AS is completed against another.
 *
 * Token endpoint
 * - `oauth_error`: an RFC 6749 §5.2 error body (any status, including GitHub's HTTP 200); keeps `error`,
 *   `error_description`, `error_uri`, `status`.
 * - `unexpected_status`: a non-2xx answer without an OAuth error body (an HTML 503 page, an empty 500).
 * - `invalid_token_response`: a 2xx answer that is not a usable token response (not JSON or form, no
 *   `access_token`, a `token_type` other than Bearer, a wrongly typed field, a token outside RFC 6750 b64token, an
 *   `expires_in` above 10 years); the message names the field, never a token's value.
 * - `token_too_long`: a 2xx answer whose `access_token` or `refresh_token` is longer than `MAX_TOKEN_LENGTH`
 *   (16384 characters), which no server would accept in a header; the message gives the field and the length,
 *   and nothing was stored.
 * - `invalid_token_exchange_response`: a 2xx RFC 8693 answer that is unusable (no `access_token`, no
 *   `issued_token_type` or one other than requested, no `token_type`); the message names the field.
 * - `invalid_assertion`: an assertion about to be presented (an ID-JAG, a workload JWT) is not a JWT, is expired,
 *   or names another audience, `resource` or `typ` than this grant needs; nothing was sent with it.
 * - `unsupported_auth_method`: the AS accepts none of `none`, `client_secret_basic`, `client_secret_post`,
 *   `private_key_jwt` for the credentials at hand.
 * - `unsupported_signing_alg`: a `private_key_jwt` key's algorithm is not in the AS's
 *   `token_endpoint_auth_signing_alg_values_supported` (or is `none` / symmetric).
 *
 * Device authorization grant (RFC 8628)
 * - `device_flow_unsupported`: the AS metadata has no `device_authorization_endpoint`.
 * - `invalid_device_authorization_response`: a 2xx device authorization answer without a usable `device_code`,
 *   `user_code`, http(s) `verification_uri`, `expires_in` or `interval`.
 * - `authorization_pending` / `slow_down` (retryable): the user has not approved yet; poll again (slow_down: 5 s
 *   more between polls, RFC 8628 §3.5).
 * - `access_denied`: the user declined the device request.
 * - `expired_token`: the device code expired before the user approved it.
 *
 * Client registration
 * - `registration_unavailable`: no pre-registered client, no usable Client ID Metadata Document, no registration
 *   endpoint; the message names the config to add.
 * - `registration_failed`: the registration endpoint answered an error (RFC 7591 §3.2.2) or a non-2xx status.
 * - `invalid_registration_response`: a 2xx registration answer without a usable `client_id` or auth method.
 *
 * Transport failures (timeouts, TLS, size cap, redirects) are not wrapped: they are `HttpError`s of
 * `@mcp-oauth/http`, with their own `code` and `retryable`.
 */
export type AuthorizeErrorCode =
  | 'invalid_parameter'
  | 'reserved_param'
  | 'authorization_url_too_long'
  | 'invalid_callback'
  | 'iss_missing'
  | 'iss_mismatch'
  | 'state_missing'
  | 'state_mismatch'
  | 'authorization_denied'
  | 'authorization_error'
  | 'code_missing'
  | 'issuer_mismatch'
  | 'oauth_error'
  | 'unexpected_status'
  | 'invalid_token_response'
  | 'unsupported_auth_method'
  | 'invalid_token_exchange_response'
  | 'invalid_assertion'
  | 'unsupported_signing_alg'
  | 'device_flow_unsupported'
  | 'invalid_device_authorization_response'
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token'
  | 'registration_unavailable'
  | 'registration_failed'
  | 'invalid_registration_response'
  | 'token_too_long';

/** Fields of an {@link AuthorizeError} besides its code and message. Wire names keep the spec's snake_case. */
export interface AuthorizeErrorDetails {
  /** HTTP status of the answer, when the error comes from one. */
  status?: number | undefined;
  /** RFC 6749 §4.1.2.1 / §5.2 / RFC 7591 §3.2.2 `error`, as the AS sent it. */
  error?: string | undefined;
  /** The AS's `error_description`, as sent (untrusted text; JSON-encoded in `message`). */
  error_description?: string | undefined;
  /** The AS's `error_uri`, as sent. */
  error_uri?: string | undefined;
  /** For `reserved_param` and `invalid_parameter`: the parameter or option at fault. */
  param?: string | undefined;
  /** Milliseconds to wait before a retry, from `Retry-After`. */
  retryAfterMs?: number | undefined;
  /** Whether repeating the same operation later can succeed. Default false. */
  retryable?: boolean | undefined;
  cause?: unknown;
}

/**
 * The one error class of `@mcp-oauth/authorize`. Its `message` never contains a token, a code, a PKCE verifier or a
 * client secret; values that come from the network are JSON-encoded.
 *
 * @see https://github.com/panva/oauth4webapi (error model: few classes, stable codes)
 */
export class AuthorizeError extends Error {
  override readonly name = 'AuthorizeError';
  readonly code: AuthorizeErrorCode;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly error_description: string | undefined;
  readonly error_uri: string | undefined;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Whether a retry of the same operation can help (a 503, `temporarily_unavailable`). */
  readonly retryable: boolean;

  constructor(code: AuthorizeErrorCode, message: string, details: AuthorizeErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.error = details.error;
    this.error_description = details.error_description;
    this.error_uri = details.error_uri;
    this.param = details.param;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? false;
  }

  /** A plain object for logs and `--json` output; no cause, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      error: this.error,
      error_description: this.error_description,
      error_uri: this.error_uri,
      param: this.param,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
    };
  }
}

/** True when `value` is an {@link AuthorizeError}, optionally with the given code. */
export function isAuthorizeError(value: unknown, code?: AuthorizeErrorCode): value is AuthorizeError {
  return value instanceof AuthorizeError && (code === undefined || value.code === code);
}

/** Statuses for which a later retry can succeed. RFC 9110 §15.5.9, §15.6; RFC 6585 §4. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Whether an answer with this status (and OAuth `error`, if any) is worth retrying later. */
export function isRetryableAnswer(status: number, error?: string): boolean {
  // RFC 6749 §4.1.2.1: server_error and temporarily_unavailable are the transient error codes.
  if (error === 'temporarily_unavailable' || error === 'server_error') return true;
  return RETRYABLE_STATUSES.has(status);
}
