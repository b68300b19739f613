import { suggestCommand } from '@mcp-oauth/config';
import type { DiscoveryResult } from '@mcp-oauth/discovery';
import { type HttpClient, isHttpError } from '@mcp-oauth/http';
import { ClientError } from './client-error.js';

/** How long the authorization endpoint may take to answer at all before the login gives up: 5000 ms. */
export const AS_REACHABLE_TIMEOUT_MS = 5_000;

/**
 * Before a login presents an authorization URL built from a cached discovery, checks that the origin of the
 * authorization endpoint answers at all (a GET of `/`; any HTTP status will do; the endpoint itself is not called,
 * so no authorization request is made): a dead AS then fails the login within seconds, naming it,
 * instead of sending the user to a page that does not load and waiting out the callback timeout. A fresh discovery
 * has just reached the AS, so nothing is checked. On failure the cached discovery is dropped (the server may have
 * moved to another AS).
 *
 * @throws {ClientError} `as_unreachable`; `login_cancelled` when `signal` aborts.
 */
export async function checkAsReachable(
  http: HttpClient,
  found: DiscoveryResult,
  invalidate: () => Promise<void>,
  server: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (found.sources.cache === 'none') return;
  const endpoint = found.authorizationServerMetadata.authorization_endpoint;
  const deadline = AbortSignal.timeout(AS_REACHABLE_TIMEOUT_MS);
  try {
    await http.request(new URL('/', endpoint).href, {
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
    });
  } catch (error) {
    if (signal?.aborted) throw new ClientError('login_cancelled', 'login cancelled', { cause: error });
    const reason = deadline.aborted
      ? `no answer within ${AS_REACHABLE_TIMEOUT_MS / 1000} s`
      : isHttpError(error)
        ? error.code === 'network'
          ? 'connection failed'
          : error.code
        : 'request failed';
    if (!deadline.aborted && !(isHttpError(error) && ['network', 'timeout', 'tls'].includes(error.code))) {
      throw error;
    }
    await invalidate();
    throw new ClientError(
      'as_unreachable',
      `the authorization server ${found.issuer} cannot be reached at ${new URL(endpoint).origin} (${reason}); ` +
        `its cached discovery was dropped: check the network or the server, then run \`${suggestCommand(['login', server])}\` again`,
      { cause: error, retryable: true },
    );
  }
}
