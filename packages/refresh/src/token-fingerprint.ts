/**
 * A 32-bit fingerprint of an access token: FNV-1a over its UTF-16 code units, as a signed 32-bit integer.
 *
 * The scheduler keeps this instead of the token: it only needs to notice "the stored token is no longer the one I
 * planned from", and a token is a secret it has no other use for. A signed 32-bit integer is a small integer to V8
 * (stored in the field itself, no heap object), where the token was a ~700-byte string per credential. Not a
 * cryptographic digest, and it need not be: nobody can learn the token from it, and what a collision costs is said
 * where it is compared ({@link storedTokenChanged}).
 *
 * @see http://www.isthe.com/chongo/tech/comp/fnv/ FNV-1a
 */
export function tokenFingerprint(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * What a refresh knows of the token it would replace: the token itself (a use or a 401: the caller holds it), its
 * {@link tokenFingerprint} (the scheduler, which keeps no token), or null (nothing: any stored token is news).
 */
export type SeenToken = string | number | null;

/**
 * Whether the stored record holds a different token than the one `seen` describes, i.e. another caller, process
 * or host stored one since (the refresher then adopts it instead of refreshing, when it is fit for use).
 *
 * With a fingerprint, two different tokens can collide (about 1 in 2^32). The only effect: the refresher takes the
 * stored token for the one it planned from and refreshes it, under the store lock, with the stored (current)
 * refresh token, so the AS sees one needless but valid refresh-token grant, never a replayed refresh token, and
 * the new token is stored and scheduled as after any refresh. The one case where refreshing instead of adopting
 * would do harm, a record without a refresh token (it would be marked needs-login), cannot be a collision: the
 * scheduler plans only from records with a refresh token, so a stored record without one is always a change.
 */
export function storedTokenChanged(
  stored: { readonly access_token: string; readonly refresh_token: string | null },
  seen: SeenToken,
): boolean {
  if (seen === null) return true;
  if (typeof seen === 'string') return stored.access_token !== seen;
  return !stored.refresh_token || tokenFingerprint(stored.access_token) !== seen;
}
