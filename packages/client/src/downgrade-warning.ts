import { ALLOW_ENDPOINT_DOWNGRADE_KEY, type DiscoveryResult } from '@mcp-oauth/discovery';
import type { Logger } from './logger.js';

/**
 * Says, as one warning (stderr in the CLI), that the server's `oauth.allow_endpoint_downgrade` let http or
 * loopback endpoints through, naming them; each one's full discovery warning goes to the debug log. Returns whether
 * it warned. Called through {@link serverDiscovery} only, which says it once per server and client, whichever
 * step discovered (every login mode, a refresh or re-acquisition during `call`/`tools`, `logout --revoke`).
 */
export function warnEndpointDowngrade(logger: Logger, name: string, found: DiscoveryResult): boolean {
  const allowed = found.warnings.filter((w) => w.code === 'endpoint_downgrade_allowed');
  if (allowed.length === 0) return false;
  for (const warning of allowed) logger.debug(`discovery: ${warning.message}`, { server: name });
  const fields = allowed.map((w) => /^"([a-z_]+)"/.exec(w.message)?.[1] ?? 'endpoint');
  logger.warn(
    `endpoint downgrade allowed by ${ALLOW_ENDPOINT_DOWNGRADE_KEY}: ${[...new Set(fields)].join(', ')} ` +
      `of ${JSON.stringify(name)} ${allowed.length === 1 ? 'is' : 'are'} http or on this machine although named by a remote https server`,
    { server: name },
  );
  return true;
}
