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
 * would do harm, a record that cannot be renewed (it would be marked needs-login), cannot be a collision: the
 * scheduler plans only from {@link renewable} records, so a stored record that is not renewable is always a change.
 * A reacquired record (client credentials) behaves as one with a refresh token: a collision costs one needless
 * client-credentials request under the lock.
 */
export function storedTokenChanged(stored: RenewableRecord, seen: SeenToken): boolean {
  if (seen === null) return true;
  if (typeof seen === 'string') return stored.access_token !== seen;
  return !renewable(stored) || tokenFingerprint(stored.access_token) !== seen;
}

/** The fields of a stored record that say whether it can be renewed without a user. */
export interface RenewableRecord {
  readonly access_token: string;
  readonly refresh_token: string | null;
  /** Absent in records of older writers: treated as null. */
  readonly reacquire?: { readonly grant: string } | null;
}

/**
 * Whether the refresher can renew a record without a user: it holds a refresh token (RFC 6749 §6), or says how to
 * get a new token again (`reacquire`: the client-credentials grant, RFC 6749 §4.4, which issues no refresh token).
 */
export function renewable(record: RenewableRecord): boolean {
  return Boolean(record.refresh_token) || (record.reacquire ?? null) !== null;
}
