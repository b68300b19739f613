import { isLoopbackHost } from '@mcp-oauth/http';
import { DiscoveryError } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { show } from './show.js';

/** The config key of the per-server escape hatch, named in messages (`[mcp_servers.NAME.oauth]`). */
export const ALLOW_ENDPOINT_DOWNGRADE_KEY = 'oauth.allow_endpoint_downgrade';

/** Whether a URL is `https:` on a host that is not loopback: the strongest class a metadata URL can have. */
function isRemoteHttps(url: URL): boolean {
  return url.protocol === 'https:' && !isLoopbackHost(url.hostname);
}

/**
 * The downgrade rule, as a predicate: true when `endpoint` is weaker than `namedBy`, i.e. `namedBy` is https on a
 * host that is not loopback and `endpoint` is not. Shared by discovery (endpoints named by metadata) and the
 * client's headless user agent (each redirect hop, named by the authorization server), so both apply one rule.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6 (TLS for all OAuth traffic)
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 (loopback is for a client on the same machine)
 */
export function isEndpointDowngrade(endpoint: URL, namedBy: URL): boolean {
  return isRemoteHttps(namedBy) && !isRemoteHttps(endpoint);
}

/**
 * Refuses an endpoint weaker than the document that named it: a document served over https from a host that is
 * not loopback may name only https endpoints on hosts that are not loopback. Otherwise a remote server could aim
 * the client's POSTs (registration, code exchange with the verifier and client secret, revocation with the
 * refresh token) at a service on the user's own machine, or send them in clear text.
 *
 * The named escape hatch (config `oauth.allow_endpoint_downgrade`, for a remote AS that really runs a part on the
 * user's machine, or a test world behind TLS): with `allow`, the endpoint is accepted and a warning
 * (`endpoint_downgrade_allowed`) says so. Plain http off loopback stays refused by `checkUrl` either way.
 *
 * @param endpoint The endpoint, already checked by `checkUrl`.
 * @param namedBy The URL of the document (or the server) that named it.
 * @param what Names the endpoint in the message (`"token_endpoint" in the authorization-server metadata at …`).
 * @param allow The escape hatch is set for this server. Default false.
 * @returns A warning when the hatch let a downgrade through, else `undefined`.
 * @throws {DiscoveryError} `endpoint_downgrade`, naming the key that would allow it.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6 (TLS for all OAuth traffic)
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 (loopback is for a client on the same machine)
 */
export function checkNoDowngrade(
  endpoint: URL,
  namedBy: URL,
  what: string,
  value: string,
  allow = false,
): DiscoveryWarning | undefined {
  if (!isEndpointDowngrade(endpoint, namedBy)) return undefined;
  const found = `${what} is ${show(value)}, an http or loopback URL named by ${show(namedBy.origin)}, which is https and not loopback`;
  if (allow) {
    return {
      code: 'endpoint_downgrade_allowed',
      message: `${found}; endpoint downgrade allowed by ${ALLOW_ENDPOINT_DOWNGRADE_KEY}`,
    };
  }
  throw new DiscoveryError(
    'endpoint_downgrade',
    `${found}; a remote server may not aim requests at this machine or at plain http. If this server is trusted ` +
      `and really runs that endpoint on this machine, set ${ALLOW_ENDPOINT_DOWNGRADE_KEY} = true for it in the ` +
      'user config',
  );
}
