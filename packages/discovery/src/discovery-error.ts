/**
 * Stable machine-readable codes of {@link DiscoveryError}.
 *
 * - `www_authenticate_empty`: a `WWW-Authenticate` field is present but holds no challenge (empty, blanks or
 *   commas only). RFC 9110 §11.6.1: a 401 MUST carry at least one challenge.
 * - `www_authenticate_malformed`: the field does not follow the RFC 9110 §11 grammar, or a parameter repeats
 *   within one challenge. The message gives the offset and what was expected.
 */
export type DiscoveryErrorCode = 'www_authenticate_empty' | 'www_authenticate_malformed';

/** Fields of a {@link DiscoveryError} besides its code and message. */
export interface DiscoveryErrorDetails {
  /** Whether repeating the operation later can succeed. Default: `false`. */
  retryable?: boolean | undefined;
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

  constructor(code: DiscoveryErrorCode, message: string, details: DiscoveryErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? false;
  }

  /** A plain object for logs and `--json` output; no cause, no stack. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** True when `value` is a {@link DiscoveryError}, optionally with the given code. */
export function isDiscoveryError(value: unknown, code?: DiscoveryErrorCode): value is DiscoveryError {
  return value instanceof DiscoveryError && (code === undefined || value.code === code);
}
