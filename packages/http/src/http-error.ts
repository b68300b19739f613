/**
 * Stable machine-readable codes of {@link HttpError}.
 *
 * - `invalid_url`: the URL does not parse, is not `http:`/`https:`, or carries credentials (`user:pass@`).
 * - `insecure_url`: `http:` on a host that is not loopback (or loopback with `allowInsecureLoopback: false`).
 * - `timeout`: connect, headers, body (idle) or total deadline passed; {@link HttpError.phase} says which.
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `network`: connection refused or reset, DNS failure, body cut short.
 * - `tls`: the TLS handshake or certificate check failed.
 * - `too_large`: the response body exceeds `maxBodyBytes` (declared by Content-Length or counted while streaming).
 * - `not_json`: a JSON answer was expected but the content type is not JSON or the body does not parse.
 * - `http_status`: a status that the operation does not accept (for `getJson`, anything but 2xx).
 * - `redirect_not_allowed`: a 3xx where redirects are not followed (token requests, `redirect: 'none'`).
 * - `cross_origin_redirect`: a redirect whose target has another origin than the request URL.
 * - `too_many_redirects`: more than `maxRedirects` same-origin hops.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15 (status codes)
 */
export type HttpErrorCode =
  | 'invalid_url'
  | 'insecure_url'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'tls'
  | 'too_large'
  | 'not_json'
  | 'http_status'
  | 'redirect_not_allowed'
  | 'cross_origin_redirect'
  | 'too_many_redirects';

/** Which deadline a `timeout` error hit. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

/** Fields of an {@link HttpError} besides its code and message. */
export interface HttpErrorDetails {
  /** Request URL with query values, credentials and fragment redacted (see `redactUrl`). */
  url?: string | undefined;
  /** HTTP method of the request. */
  method?: string | undefined;
  /** HTTP status of the response, when one was received. */
  status?: number | undefined;
  /** For `timeout`: which deadline passed. */
  phase?: TimeoutPhase | undefined;
  /** For `http_status` with a `Retry-After` header: milliseconds to wait, computed when the answer arrived. */
  retryAfterMs?: number | undefined;
  /** Whether repeating the same request later can succeed. Defaults from the code (see {@link isRetryableCode}). */
  retryable?: boolean | undefined;
  /** The underlying error (undici, Node, JSON.parse). Never contains request bodies. */
  cause?: unknown;
}

/** Statuses for which a later retry of the same request can succeed. RFC 9110 §15.5.9, §15.6; RFC 6585 §4. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Whether an error of this code can succeed when retried later. For `http_status`, the status decides.
 */
export function isRetryableCode(code: HttpErrorCode, status?: number): boolean {
  switch (code) {
    case 'timeout':
    case 'network':
      return true;
    case 'http_status':
      return status !== undefined && RETRYABLE_STATUSES.has(status);
    default:
      return false;
  }
}

/**
 * The one error class of `@mcp-oauth/http`. Its `message` names the method, the redacted URL and the status;
 * it never contains a request body, a header value or a response body.
 *
 * @see https://github.com/panva/oauth4webapi (error model: few classes, stable codes)
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly code: HttpErrorCode;
  readonly url: string | undefined;
  readonly method: string | undefined;
  readonly status: number | undefined;
  readonly phase: TimeoutPhase | undefined;
  readonly retryAfterMs: number | undefined;
  /** Whether a retry of the same request can help. */
  readonly retryable: boolean;

  constructor(code: HttpErrorCode, description: string, details: HttpErrorDetails = {}) {
    super(
      formatMessage(description, details),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.url = details.url;
    this.method = details.method;
    this.status = details.status;
    this.phase = details.phase;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = details.retryable ?? isRetryableCode(code, details.status);
  }

  /** A plain object for logs and `--json` output; no cause, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      url: this.url,
      method: this.method,
      status: this.status,
      phase: this.phase,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
    };
  }
}

/** True when `value` is an {@link HttpError}, optionally with the given code. */
export function isHttpError(value: unknown, code?: HttpErrorCode): value is HttpError {
  return value instanceof HttpError && (code === undefined || value.code === code);
}

function formatMessage(description: string, details: HttpErrorDetails): string {
  const where: string[] = [];
  if (details.method !== undefined && details.url !== undefined) {
    where.push(`${details.method} ${JSON.stringify(details.url)}`);
  } else if (details.url !== undefined) {
    where.push(JSON.stringify(details.url));
  }
  if (details.status !== undefined) where.push(`HTTP ${details.status}`);
  return where.length === 0 ? description : `${description} (${where.join(', ')})`;
}
