/**
 * - `not_logged_in`: no stored credential: a login is needed.
 * - `needs_login`: the credential cannot be refreshed (`invalid_grant`, `invalid_client`, no refresh token); it is
 *   kept, marked, and a new login is the fix. `reason` says which.
 * - `as_unreachable`: refreshing failed transiently (network, timeout, 5xx, 429) and the access token has expired;
 *   retrying later can help, a new login does not.
 * - `refresh_failed`: the AS refused the refresh for another reason (`invalid_scope`, `invalid_target`…).
 */
export type RefreshErrorCode = 'not_logged_in' | 'needs_login' | 'as_unreachable' | 'refresh_failed';

export interface RefreshErrorOptions {
  /** For `needs_login`: `invalid_grant`, `invalid_client`, `unauthorized_client`, `refresh_token_missing`… */
  reason?: string;
  /** The AS's OAuth error, when it sent one. */
  oauthError?: string;
  retryable?: boolean;
  cause?: unknown;
}

/** The error class of the refresh package. Messages never contain a token or secret. */
export class RefreshError extends Error {
  override name = 'RefreshError';
  readonly code: RefreshErrorCode;
  readonly reason: string | undefined;
  readonly oauthError: string | undefined;
  /** Whether retrying later, without user action, can help. */
  readonly retryable: boolean;

  constructor(code: RefreshErrorCode, message: string, options: RefreshErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.oauthError = options.oauthError;
    this.retryable = options.retryable ?? code === 'as_unreachable';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      reason: this.reason,
      oauthError: this.oauthError,
      message: this.message,
    };
  }
}

export function isRefreshError(error: unknown, code?: RefreshErrorCode): error is RefreshError {
  return error instanceof RefreshError && (code === undefined || error.code === code);
}

/** How a failed refresh is handled. */
export type FailureClass =
  /** The grant is dead: mark needs-login, keep the tokens. */
  | { kind: 'login'; oauthError: string }
  /** The AS refused for another reason: surface it, keep everything, do not retry on a timer. */
  | { kind: 'refused'; oauthError?: string }
  /** Network, timeout, 5xx, 429: retry with backoff while the token is valid. */
  | { kind: 'transient'; retryAfterMs?: number };

/** RFC 6749 §5.2 errors after which only a new authorization helps. */
const LOGIN_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

/**
 * Default classification of what a refresh grant threw. Duck-typed so any OAuth library's errors work: an
 * `error` string (RFC 6749 §5.2 code), `status`, `retryable`, `retryAfterMs`. In order:
 * 1. `invalid_grant`, `invalid_client`, `unauthorized_client` (or a `needs_login` RefreshError) → `login`;
 * 2. status 5xx or 429 → `transient` (with the server's `Retry-After`);
 * 3. `retryable: true` (network errors, timeouts, `server_error`, `temporarily_unavailable`) → `transient`;
 * 4. anything else → `refused`, keeping the OAuth `error` when there is one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function classifyFailure(error: unknown): FailureClass {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    error?: unknown;
    oauthError?: unknown;
    status?: unknown;
    retryable?: unknown;
    retryAfterMs?: unknown;
  };
  // A grant may throw this package's own error to say what happened (no refresh token: a login is needed).
  if (error instanceof RefreshError && error.code === 'needs_login') {
    return { kind: 'login', oauthError: error.reason ?? error.oauthError ?? 'needs_login' };
  }
  const oauthError =
    typeof e.error === 'string' ? e.error : typeof e.oauthError === 'string' ? e.oauthError : undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfterMs = typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined;
  const transient: FailureClass =
    retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs };
  if (oauthError && LOGIN_ERRORS.has(oauthError)) return { kind: 'login', oauthError };
  if (status !== undefined && (status >= 500 || status === 429)) return transient;
  // RFC 6749 §4.1.2.1 names server_error and temporarily_unavailable as transient; an AS may send them from the
  // token endpoint with 400, or with 200 (GitHub). The error says whether a retry can help: believe it.
  if (e.retryable === true) return transient;
  if (oauthError) return { kind: 'refused', oauthError };
  return { kind: 'refused' };
}
