/**
 * RFC 3986 §2: a URI holds only unreserved, reserved and `%` characters: no controls, no spaces, no non-ASCII.
 * `new URL()` silently drops tabs and newlines and encodes the rest, so a string that parses is not one that may
 * be stored and sent as it is.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-2
 */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/** Whether `value` is made of RFC 3986 characters only (and is not empty). */
export function hasOnlyUriCharacters(value: string): boolean {
  return URI_CHARACTERS.test(value);
}

/**
 * Whether `value` is visible ASCII only (no controls, no spaces, no non-ASCII; not empty): looser than
 * {@link hasOnlyUriCharacters} for the one value that may be a template, Entra's `/common` issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, accepted only under `allow_issuer_mismatch`.
 */
export function isVisibleAscii(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}
