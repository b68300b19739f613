import { checkUrl } from './check-url.js';
import { DiscoveryError } from './discovery-error.js';
import { hasOnlyUriCharacters } from './rfc3986.js';
import { show } from './show.js';

/**
 * Checks an `authorization_servers` entry is an issuer identifier: an https URL (http on loopback) with no query
 * and no fragment. Returns it parsed.
 *
 * @throws {DiscoveryError} `invalid_issuer`, `invalid_url`, `disallowed_url_scheme` or `insecure_url`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (`issuer`)
 */
export function parseIssuer(issuer: string): URL {
  const url = checkUrl(issuer, `The authorization server ${show(issuer)}`);
  // RFC 3986 §2: `new URL()` drops tabs and newlines; the issuer is compared and stored as written.
  if (!hasOnlyUriCharacters(issuer)) {
    throw new DiscoveryError(
      'invalid_issuer',
      `The authorization server ${show(issuer)} is not an issuer identifier: it holds characters a URL may not`,
    );
  }
  // RFC 8414 §2: the issuer identifier is a URL with no query or fragment components.
  if (url.search !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw new DiscoveryError(
      'invalid_issuer',
      `The authorization server ${show(issuer)} is not an issuer identifier: it has a query or fragment`,
    );
  }
  return url;
}
