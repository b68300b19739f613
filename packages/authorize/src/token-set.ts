/**
 * The result of a successful token request (code exchange or refresh), in the vocabulary shared with
 * `@mcp-oauth/token-store` and `@mcp-oauth/refresh`. Field names are snake_case: they mirror the RFC 6749 §5.1
 * response and the stored record. Every value is a secret or sits next to one: never log a `TokenSet`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenSet {
  readonly access_token: string;
  /**
   * `Bearer`, or `DPoP` for a token bound to the DPoP key of the request (RFC 9449 §5; accepted only when a proof
   * was sent). Any case accepted on the wire, normalised here; other types are refused.
   */
  readonly token_type: 'Bearer' | 'DPoP';
  /**
   * When the access token expires, in milliseconds since the epoch: the clock at the response plus `expires_in`.
   * `null` when the AS sent no usable `expires_in`: expiry unknown, the token is used until a 401.
   */
  readonly expires_at: number | null;
  /** Absent when none was issued (a refresh then keeps the old one, RFC 6749 §6). */
  readonly refresh_token?: string;
  /** Granted scopes: the response `scope`, else the requested ones (RFC 6749 §5.1), in order, no repeats. */
  readonly scopes: readonly string[];
  /** The validated issuer of the AS that issued the tokens; they are never used with another AS. */
  readonly issuer: string;
  /** The RFC 8707 resource the tokens were requested for, when one was sent. */
  readonly resource?: string;
  /** An OIDC ID token, when issued. Not validated here: never trust it for identity. */
  readonly id_token?: string;
}
