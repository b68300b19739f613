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
 * `error` string (RFC 6749 §5.2 code), `status`, `retryable`, `retryAfterMs`.
 */
export function classifyFailure(error: unknown): FailureClass {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    error?: unknown;
    oauthError?: unknown;
    status?: unknown;
    retryable?: unknown;
    retryAfterMs?: unknown;
  };
  const oauthError =
    typeof e.error === 'string' ? e.error : typeof e.oauthError === 'string' ? e.oauthError : undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfterMs = typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined;
  if (oauthError && LOGIN_ERRORS.has(oauthError)) return { kind: 'login', oauthError };
  if (status !== undefined && (status >= 500 || status === 429)) {
    return retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs };
  }
  if (oauthError) return { kind: 'refused', oauthError };
  if (e.retryable === true)
    return retryAfterMs === undefined ? { kind: 'transient' } : { kind: 'transient', retryAfterMs };
  return { kind: 'refused' };
}
