/**
 * Stable machine-readable codes of {@link DiscoveryError}.
 *
 * `WWW-Authenticate`
 * - `www_authenticate_empty`: a `WWW-Authenticate` field is present but holds no challenge (empty, blanks or
 *   commas only). RFC 9110 §11.6.1: a 401 MUST carry at least one challenge.
 * - `www_authenticate_malformed`: the field does not follow the RFC 9110 §11 grammar, or a parameter repeats
 *   within one challenge. The message gives the offset and what was expected.
 *
 * The MCP server
 * - `invalid_resource_url`: the MCP server URL given to discovery does not parse, is not http(s), carries
 *   credentials or a fragment (RFC 8707 §2), or is `http:` on a host that is not loopback.
 * - `resource_unreachable`: the unauthenticated probe of the MCP server failed (connection refused, reset,
 *   timeout, TLS). Retryable.
 *
 * Protected-resource metadata (RFC 9728)
 * - `prm_not_found`: every candidate URL answered 404 (or another "nothing here" 4xx).
 * - `prm_invalid`: a document is not a JSON object, or a field has the wrong type (`resource` missing…).
 * - `resource_invalid`: `resource` holds characters a URI may not (controls, spaces, non-ASCII; RFC 3986 §2), so
 *   it is never stored or sent, even when it parses to the URL looked up.
 * - `prm_resource_mismatch`: RFC 9728 §3.3: `resource` is not the URL it was looked up for.
 * - `prm_no_authorization_servers`: no `authorization_servers`, or an empty list (MCP requires at least one).
 *
 * Authorization-server metadata (RFC 8414, OpenID Connect Discovery)
 * - `invalid_issuer`: an `authorization_servers` entry or a metadata `issuer` is not an issuer identifier (query,
 *   fragment, no URL, characters a URL may not hold: controls, spaces, non-ASCII).
 * - `as_metadata_not_found`: every candidate URL answered 404.
 * - `as_metadata_invalid`: not a JSON object, or a required field is missing or has the wrong type.
 * - `as_issuer_mismatch`: RFC 8414 §3.3: `issuer` is not identical to the issuer the URL was built from.
 * - `pkce_s256_not_supported`: `code_challenge_methods_supported` lacks `S256`, or is absent and the server is
 *   not configured with `allow_missing_pkce_metadata`.
 * - `response_type_code_not_supported`: `response_types_supported` lacks `code`.
 *
 * URLs found in documents and headers
 * - `disallowed_url_scheme`: a URL with a scheme other than http or https (`javascript:`, `data:`, `file:`…).
 * - `insecure_url`: an `http:` URL on a host that is not loopback.
 * - `invalid_url`: a URL that does not parse or carries credentials.
 * - `endpoint_downgrade`: a document served over https from a host that is not loopback names an endpoint (or,
 *   in protected-resource metadata, an authorization server) that is http or loopback, and the server is not
 *   configured with `allow_endpoint_downgrade`. The message names the field and the key.
 * - `endpoint_too_long`: an endpoint in authorization-server metadata is longer than `MAX_ENDPOINT_LENGTH`
 *   (8192 characters): an authorization URL built on it could not be printed or pasted.
 *
 * Fetching a metadata document (the code of the most telling failure when no candidate gave a valid answer)
 * - `metadata_not_json`: a 2xx answer that is not JSON (an HTML page, a wrong content type, a broken body).
 * - `metadata_too_large`: the body exceeds the HTTP client's `maxBodyBytes`.
 * - `metadata_timeout`: no answer, or a body that stalled, within the HTTP client's timeouts. Retryable.
 * - `metadata_cross_origin_redirect`: a redirect to another origin, which is never followed.
 * - `metadata_unavailable`: 5xx, 429, connection or TLS failure. Retryable except for TLS.
 */
export type DiscoveryErrorCode =
  | 'www_authenticate_empty'
  | 'www_authenticate_malformed'
  | 'invalid_resource_url'
  | 'resource_unreachable'
  | 'prm_not_found'
  | 'prm_invalid'
  | 'resource_invalid'
  | 'prm_resource_mismatch'
  | 'prm_no_authorization_servers'
  | 'invalid_issuer'
  | 'as_metadata_not_found'
  | 'as_metadata_invalid'
  | 'as_issuer_mismatch'
  | 'pkce_s256_not_supported'
  | 'response_type_code_not_supported'
  | 'disallowed_url_scheme'
  | 'insecure_url'
  | 'invalid_url'
  | 'endpoint_downgrade'
  | 'endpoint_too_long'
  | 'metadata_not_json'
  | 'metadata_too_large'
  | 'metadata_timeout'
  | 'metadata_cross_origin_redirect'
  | 'metadata_unavailable';

/** Which step of discovery failed. */
export type DiscoveryStage = 'challenge' | 'probe' | 'prm' | 'as';

/** One URL that discovery requested, and what it got. Shown in messages and `status`. */
export interface DiscoveryAttempt {
  /** The URL requested (query values redacted). */
  readonly url: string;
  /** Why this URL was tried: `header`, `path-inserted`, `root`, `oauth-path-inserted`, … */
  readonly source: string;
  /** `ok`, or the code of the failure. */
  readonly outcome: 'ok' | DiscoveryErrorCode;
  /** A short description: `HTTP 404`, `not JSON (text/html)`, `issuer mismatch`. */
  readonly detail: string;
}

/** Fields of a {@link DiscoveryError} besides its code and message. */
export interface DiscoveryErrorDetails {
  /** Whether repeating the operation later can succeed. Default: `false`. */
  retryable?: boolean | undefined;
  /** The step that failed. */
  stage?: DiscoveryStage | undefined;
  /** Every URL tried in that step, in priority order. */
  attempts?: readonly DiscoveryAttempt[] | undefined;
  cause?: unknown;
}

/**
 * The one error class of `@mcp-oauth/discovery`. Untrusted values (header text, URLs from documents) appear in
 * messages JSON-encoded.
 */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  readonly code: DiscoveryErrorCode;
  /** Whether a retry can help. */
  readonly retryable: boolean;
  readonly stage: DiscoveryStage | undefined;
  readonly attempts: readonly DiscoveryAttempt[];

  constructor(code: DiscoveryErrorCode, message: string, details: DiscoveryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? false;
    this.stage = details.stage;
    this.attempts = details.attempts ?? [];
  }

  /** A plain object for logs and `--json` output; no cause, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.stage !== undefined && { stage: this.stage }),
      ...(this.attempts.length > 0 && { attempts: this.attempts }),
    };
  }
}

/** True when `value` is a {@link DiscoveryError}, optionally with the given code. */
export function isDiscoveryError(value: unknown, code?: DiscoveryErrorCode): value is DiscoveryError {
  return value instanceof DiscoveryError && (code === undefined || value.code === code);
}
