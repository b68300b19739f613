import type { Discovery } from '@mcp-oauth/discovery';
import { warnEndpointDowngrade } from './downgrade-warning.js';
import type { Logger } from './logger.js';

/**
 * The discovery of one configured server, as every step of the client uses it (each login mode, the refresh and
 * re-acquisition of its credential during `call`/`tools`, `logout --revoke`): `inner` (whose HTTP client honours
 * the server's rate-limit deadlines), and the endpoint-downgrade warning of `oauth.allow_endpoint_downgrade` said
 * once, on the first result that carries one (a cached result keeps its warnings, so a refresh that sends the
 * refresh token to a downgraded token endpoint is said too).
 */
export function serverDiscovery(inner: Discovery, name: string, logger: Logger): Discovery {
  let warned = false;
  return {
    async discover(request) {
      const found = await inner.discover(request);
      if (!warned) warned = warnEndpointDowngrade(logger, name, found);
      return found;
    },
    invalidate: (resourceUrl) => inner.invalidate(resourceUrl),
  };
}
