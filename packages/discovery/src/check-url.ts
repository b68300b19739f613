import { isLoopbackHost } from '@mcp-oauth/http';
import { DiscoveryError } from './discovery-error.js';
import { show } from './show.js';

/**
 * Parses a URL found in a metadata document or a header and checks it may be used for OAuth traffic: it parses,
 * its scheme is `http:` or `https:` (never `javascript:`, `data:`, `file:`…), it carries no credentials, and it is
 * `https:` unless its host is loopback. `what` names the URL in messages (`AS metadata "token_endpoint" of …`).
 *
 * @throws {DiscoveryError} `invalid_url`, `disallowed_url_scheme` or `insecure_url`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (endpoints use https)
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 (loopback)
 */
export function checkUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new DiscoveryError('invalid_url', `${what} is not a URL: ${show(value)}`, { cause });
  }
  // MCP authorization spec (Security Considerations, open redirection): an authorization URL is opened in a
  // browser; only http(s) may be, never javascript:, data: or file:.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DiscoveryError(
      'disallowed_url_scheme',
      `${what} uses the scheme ${show(url.protocol)}; only https (and http on loopback) is allowed: ${show(value)}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new DiscoveryError(
      'invalid_url',
      `${what} carries credentials (user:password@), which are refused`,
    );
  }
  // MCP authorization spec (Communication Security): all authorization server endpoints MUST be served over
  // HTTPS; RFC 8252 §8.3: loopback is the exception.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new DiscoveryError(
      'insecure_url',
      `${what} is http on a host that is not loopback; https is required: ${show(value)}`,
    );
  }
  return url;
}
