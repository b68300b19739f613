/**
 * Stable machine-readable codes of {@link DpopError}.
 *
 * - `unsupported_alg`: the authorization server lists only DPoP signing algorithms this client cannot use, or a
 *   stored key names an algorithm outside {@link DPOP_ALGS}. Not retryable: configure `oauth.dpop = false` or use
 *   another server.
 * - `invalid_key`: a stored DPoP key is not a usable private JWK (damaged or hand-edited credential). Log in again.
 * - `invalid_url`: the request URL of a proof is not an absolute http(s) URL.
 */
export type DpopErrorCode = 'unsupported_alg' | 'invalid_key' | 'invalid_url';

/** The one error class of `@mcp-oauth/dpop`. Messages never hold a key, a proof or a token. */
export class DpopError extends Error {
  override readonly name = 'DpopError';
  readonly code: DpopErrorCode;
  /** Whether trying again unchanged can help (never, for these codes). */
  readonly retryable = false;

  constructor(code: DpopErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `value` is a {@link DpopError}, across package copies. */
export function isDpopError(value: unknown): value is DpopError {
  return (
    value instanceof Error && value.name === 'DpopError' && typeof (value as DpopError).code === 'string'
  );
}
