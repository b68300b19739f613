import { extraTokenParamsFor, type McpOAuthConfig } from '@mcp-oauth/config';
import type { Discovery } from '@mcp-oauth/discovery';
import { isDpopError } from '@mcp-oauth/dpop';
import type { HttpClient } from '@mcp-oauth/http';
import { createRefreshGrant, RefreshError, type RefreshGrant } from '@mcp-oauth/refresh';
import type { CredentialRecord, Reacquire } from '@mcp-oauth/token-store';
import type { DpopProvers } from './dpop-binding.js';
import { enterpriseIdp, type IdpMetadataSource, idpClient, isIdpRecord } from './enterprise-idp.js';
import type { SecretRedactor } from './logger.js';
import type { Reacquirer } from './reacquire.js';
import { reacquireClientCredentials } from './reacquire-client-credentials.js';
import { type RecordContext, recordContext } from './record-context.js';

/** A refresh that cannot prove possession of the credential's DPoP key: a login is needed, said plainly. */
function dpopKeyLost(serverName: string, cause: unknown): RefreshError {
  return new RefreshError(
    'needs_login',
    `the DPoP key of ${JSON.stringify(serverName)}'s credential is missing or unreadable; log in again`,
    { reason: 'dpop_key_lost', cause },
  );
}

/**
 * The client's refresh grant, dispatching per record: a refresh token → the refresh-token grant; none, but a
 * `reacquire` grant → that grant's re-acquirer (`client_credentials`: a new client-credentials request). The
 * refresh-token grant is `createRefreshGrant` with, per stored credential, its AS metadata (discovery, cached:
 * no request when warm), its client secret (DCR secret from the record, a pre-registered one from its env var), the
 * profile's `scope`-on-refresh rule (Entra), extra token params, token-endpoint headers, and the DPoP prover of the
 * credential's stored key. New tokens are
 * registered with the redactor before anything can log them.
 */
export function refreshGrantFor(deps: {
  config: McpOAuthConfig;
  http: HttpClient;
  discovery: Discovery;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  redactor: SecretRedactor;
  dpop: DpopProvers;
  idpMetadata: IdpMetadataSource;
  /** Re-acquirers by kind, for records without a refresh token: `id_jag`, `workload_identity`. */
  reacquirers: Readonly<Record<'id_jag' | 'workload_identity', Reacquirer>>;
}): RefreshGrant {
  const contexts = new WeakMap<CredentialRecord, Promise<RecordContext>>();
  const context = (record: CredentialRecord) => {
    let found = contexts.get(record);
    if (!found) {
      found = recordContext(deps, record);
      // A failed lookup (an unset secret, an unreadable key) is not kept: the next renewal reads the config again.
      found.catch(() => contexts.delete(record));
      contexts.set(record, found);
    }
    return found;
  };
  const grant = createRefreshGrant({
    http: deps.http,
    now: deps.now,
    authorizationServer: async (record) => (await context(record)).as,
    clientSecret: async (record) => (await context(record)).client.clientSecret,
    sendScope: async (record) => (await context(record)).ctx.oauth.sendScopeOnRefresh.value,
    extraTokenParams: async (record) => extraTokenParamsFor((await context(record)).ctx.oauth),
    headers: async (record) =>
      Object.fromEntries(
        Object.entries((await context(record)).ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
      ),
    // RFC 9449 §5: the refresh of a DPoP credential proves possession of its stored key (another process's login
    // made it; the store shares it); a public client's refresh token is bound to it.
    dpop: (record) => {
      try {
        return deps.dpop.forRecord(record);
      } catch (error) {
        throw dpopKeyLost(record.server_name, error);
      }
    },
  });
  // The enterprise IdP credential: a refresh-token grant at the IdP (token endpoint only), whose answer carries a
  // new ID token (kept by the refresher).
  const idpGrant = createRefreshGrant({
    http: deps.http,
    now: deps.now,
    authorizationServer: (record) => deps.idpMetadata(record.issuer, 'token'),
    clientSecret: () => idpClient(enterpriseIdp(deps.config), deps.env).clientSecret,
  });
  const reacquirers: Readonly<Record<Reacquire['grant'], RefreshGrant | undefined>> = {
    client_credentials: reacquireClientCredentials({ ...deps, context }),
    id_jag: deps.reacquirers.id_jag,
    workload_identity: deps.reacquirers.workload_identity,
  };
  return async (record, signal) => {
    // A refresh token wins; without one, the record's `reacquire` grant asks again (client credentials, a new ID-JAG,
    // the workload's current JWT). Neither: the refresh grant says `needs_login` (refresh_token_missing).
    const reacquire = record.refresh_token ? undefined : record.reacquire?.grant;
    const renew = isIdpRecord(record)
      ? idpGrant
      : ((reacquire === undefined ? undefined : reacquirers[reacquire]) ?? grant);
    let tokens: Awaited<ReturnType<RefreshGrant>>;
    try {
      tokens = await renew(record, signal);
    } catch (error) {
      // A stored key that cannot be read (damaged, hand-edited): no proof, no refresh; a login makes a new key.
      if (isDpopError(error) && error.code !== 'invalid_url') throw dpopKeyLost(record.server_name, error);
      throw error;
    }
    deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
    return tokens;
  };
}
