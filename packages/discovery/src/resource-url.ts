import { checkUrl } from './check-url.js';
import { DiscoveryError, isDiscoveryError } from './discovery-error.js';
import { show } from './show.js';

/**
 * Checks the MCP server URL given to discovery: an absolute http(s) URL without credentials or fragment, https
 * unless the host is loopback. Returns it parsed.
 *
 * @throws {DiscoveryError} `invalid_resource_url`.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 (a resource indicator MUST NOT include a fragment)
 */
export function parseResourceUrl(value: string): URL {
  let url: URL;
  try {
    url = checkUrl(value, 'The MCP server URL');
  } catch (error) {
    if (!isDiscoveryError(error)) throw error;
    throw new DiscoveryError('invalid_resource_url', error.message, { cause: error });
  }
  // RFC 8707 §2: the resource indicator MUST NOT include a fragment component.
  if (value.includes('#')) {
    throw new DiscoveryError('invalid_resource_url', `The MCP server URL has a fragment: ${show(value)}`);
  }
  return url;
}

/**
 * Whether two resource identifiers are the same resource, as discovery compares a protected-resource metadata
 * `resource` with the URL it was looked up for (RFC 9728 §3.3).
 *
 * Rule: both must parse as absolute URLs without a fragment, and be identical after the normalisations of
 * RFC 3986 §6.2.2–6.2.3 that the WHATWG URL parser applies: scheme and host case, the default port, `.` and `..`
 * segments, and an empty path being `/` (so the origin-only `https://h` and `https://h/` are the same). Nothing
 * else: a trailing slash after a non-empty path is significant (`https://h/mcp` and `https://h/mcp/` differ), the
 * query must match, and percent-encoding is not decoded.
 */
export function sameResource(a: string, b: string): boolean {
  if (a.includes('#') || b.includes('#')) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}
