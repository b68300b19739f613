/**
 * Whether a resource server's `WWW-Authenticate` header is a DPoP challenge with `error="use_dpop_nonce"`: the
 * server wants the proof to carry its nonce (sent in the `DPoP-Nonce` header of the same response).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export function isUseDpopNonceChallenge(wwwAuthenticate: string | null | undefined): boolean {
  if (typeof wwwAuthenticate !== 'string' || wwwAuthenticate.length > 8192) return false;
  return (
    /(?:^|[\s,])dpop\s/i.test(wwwAuthenticate) && /\berror\s*=\s*"?use_dpop_nonce"?/i.test(wwwAuthenticate)
  );
}
