import { base64url } from 'jose';
import { DpopError } from './dpop-error.js';

/**
 * The `htu` of a proof: the request URL without query and fragment (RFC 9449 §4.2). The URL is otherwise kept as
 * the WHATWG URL parser normalises it (lowercase scheme and host, default port dropped), which is what servers
 * compare after their own normalisation (RFC 9449 §4.3 step 9, RFC 3986 §6).
 *
 * @throws {DpopError} `invalid_url` unless an absolute http(s) URL.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function proofHtu(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DpopError('invalid_url', 'A DPoP proof needs an absolute request URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new DpopError('invalid_url', 'A DPoP proof needs an http(s) request URL');
  }
  parsed.search = '';
  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/**
 * The `ath` of a proof sent with an access token: base64url(SHA-256(ASCII token)), no padding (RFC 9449 §4.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest));
}
