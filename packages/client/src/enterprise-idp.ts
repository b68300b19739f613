import type { AuthorizationServerMetadata, OAuthClient } from '@mcp-oauth/authorize';
import { type EnterpriseIdpConfig, type McpOAuthConfig, suggestCommand } from '@mcp-oauth/config';
import { discoverAuthorizationServer } from '@mcp-oauth/discovery';
import type { HttpClient } from '@mcp-oauth/http';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';
import { ClientError, isClientError } from './client-error.js';

/**
 * The server name of an enterprise IdP credential in the store. Config server names match `[A-Za-z0-9_-]+`, so
 * `@idp` can never be one: the IdP credential never mixes with a server's.
 */
export const IDP_SERVER_NAME = '@idp';

/** The store key of the IdP credential of `issuer` (the sign-in's ID and refresh tokens). */
export function idpKey(issuer: string): CredentialKey {
  return { serverName: IDP_SERVER_NAME, serverUrl: issuer, issuer };
}

/** Whether a stored record is an enterprise IdP credential. */
export function isIdpRecord(record: CredentialRecord): boolean {
  return record.server_name === IDP_SERVER_NAME;
}

/**
 * The IdP settings, when enterprise-managed authorization is on: `[features] use_xaa = true` (Codex's switch) and
 * `[mcp_enterprise_managed_auth.idp]`; a named error for each that is missing.
 */
export function enterpriseIdp(config: McpOAuthConfig, server?: string): EnterpriseIdpConfig {
  const who = server === undefined ? 'enterprise sign-in' : JSON.stringify(server);
  if (config.useXaa !== true) {
    throw new ClientError(
      'ema_disabled',
      `${who} uses enterprise-managed authorization, which is off: set [features] use_xaa = true in your own config file`,
    );
  }
  if (config.enterpriseIdp === undefined) {
    throw new ClientError(
      'idp_not_configured',
      `${who} needs the enterprise IdP: add [mcp_enterprise_managed_auth.idp] with issuer and client_id to your own config file`,
    );
  }
  return config.enterpriseIdp;
}

/**
 * The OAuth client at the IdP: its id and, for a confidential client, the secret from its env var, else Codex's
 * inline `client_secret` (with its `token_endpoint_auth_method` when given).
 */
export function idpClient(
  idp: EnterpriseIdpConfig,
  env: Readonly<Record<string, string | undefined>>,
): OAuthClient {
  if (idp.clientSecretEnvVar === undefined) {
    if (idp.clientSecret === undefined) return { clientId: idp.clientId };
    return {
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      ...(idp.tokenEndpointAuthMethod === undefined ? {} : { authMethod: idp.tokenEndpointAuthMethod }),
    };
  }
  const secret = env[idp.clientSecretEnvVar];
  if (!secret) {
    throw new ClientError(
      'config',
      `mcp_enterprise_managed_auth.idp.client_secret_env_var names ${idp.clientSecretEnvVar}, which is not set: export it`,
    );
  }
  return { clientId: idp.clientId, clientSecret: secret };
}

/**
 * The IdP's metadata (RFC 8414 / OIDC discovery, issuer checked), memoised per issuer for the client's life.
 * `purpose: 'login'` asks for everything a browser sign-in needs (authorization endpoint, `code`, PKCE S256);
 * `'token'` for the token endpoint only (refresh, token exchange), as an IdP used only for exchange may publish
 * no more. A failure is `idp_unreachable` (retryable), or `rate_limited` when the IdP asked to wait (`http` honours
 * the shared `Retry-After` deadlines), and is not memoised.
 */
export function idpMetadataSource(http: HttpClient) {
  const cache = new Map<string, Promise<AuthorizationServerMetadata>>();
  return (issuer: string, purpose: 'login' | 'token', signal?: AbortSignal) => {
    const key = `${purpose} ${issuer}`;
    let found = cache.get(key);
    if (!found) {
      found = discoverAuthorizationServer({
        http,
        authorizationServers: [issuer],
        policy: { tokenEndpointOnly: purpose === 'token' },
        ...(signal ? { signal } : {}),
      }).then(
        (d) => d.metadata as AuthorizationServerMetadata,
        (error: unknown) => {
          cache.delete(key);
          // The IdP asked to wait (or still does): said as such, with the time, not as "unreachable".
          if (isClientError(error, 'rate_limited')) throw error;
          throw new ClientError(
            'idp_unreachable',
            `the enterprise IdP ${JSON.stringify(issuer)} could not be reached or its metadata is unusable (${String((error as Error).message)}); check mcp_enterprise_managed_auth.idp.issuer and the network, then retry`,
            { retryable: true, cause: error },
          );
        },
      );
      cache.set(key, found);
    }
    return found;
  };
}
export type IdpMetadataSource = ReturnType<typeof idpMetadataSource>;

/** The error when a sign-in is needed but no user agent may be used. */
export function idpLoginNeeded(why: string): ClientError {
  return new ClientError('idp_login_needed', `${why}: run \`${suggestCommand(['login', '--idp'])}\``);
}
