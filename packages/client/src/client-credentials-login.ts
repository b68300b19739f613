import {
  type AuthorizationServerMetadata,
  isAuthorizeError,
  type OAuthClient,
  requestClientCredentialsToken,
  resolveResource,
  type TokenSet,
} from '@mcp-oauth/authorize';
import { extraTokenParamsFor, formatKey } from '@mcp-oauth/config';
import type { DiscoveryResult, WwwAuthenticateInput } from '@mcp-oauth/discovery';
import type { CredentialKey, CredentialRecord, DpopBinding } from '@mcp-oauth/token-store';
import { clientCredentialsClient } from './client-credentials-client.js';
import { ClientError } from './client-error.js';
import { dpopKeyForLogin } from './dpop-binding.js';
import { discover, type LoginDeps, type LoginProgress, type LoginResult } from './login.js';
import { type ServerContext, serverContext } from './server-context.js';
import { loginResultOf, preRegisteredClient, recordOfTokens } from './token-record.js';

/** Options of a client-credentials login: no user agent, no callback; scopes and discovery as for a browser login. */
export interface ClientCredentialsLoginOptions {
  /** Scopes to request instead of the selection (config, challenge, protected-resource metadata). */
  readonly scopes?: readonly string[];
  /** A `WWW-Authenticate` the caller just got (a 401): discovery starts from it. */
  readonly challenge?: WwwAuthenticateInput;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: LoginProgress) => void;
}

/**
 * A machine login with the client-credentials grant (RFC 6749 §4.4; MCP extension `oauth-client-credentials`), as a
 * list of steps: discover (PRM → AS metadata, exactly as a browser login) → the AS offers the grant → exactly one
 * `resource` (the server's policy) → the client and its credentials (secret or private key, read now) → scopes →
 * token request → store (no refresh token; `reacquire` = client credentials, so the refresher renews it with a new
 * request before expiry). Nothing is stored when a step fails.
 */
export async function clientCredentialsLogin(
  deps: LoginDeps,
  name: string,
  options: ClientCredentialsLoginOptions = {},
): Promise<LoginResult> {
  const found = await discover(deps, serverContext(deps.config, name), options);
  const ctx = serverContext(deps.config, name, found.issuer);
  checkGrantOffered(ctx, found.authorizationServerMetadata);
  const resource = resolveResource(ctx.oauth.resource.value, found.resource) ?? null;
  options.onProgress?.({ type: 'discovered', issuer: found.issuer, resource });
  const client = await clientCredentialsClient(ctx, {
    env: deps.env,
    configPath: deps.config.path,
    redactor: deps.redactor,
  });
  const scopes = chooseScopes(ctx, found, options);
  const dpop = await dpopKeyForLogin(ctx, found.authorizationServerMetadata, deps.redactor);
  options.onProgress?.({ type: 'exchanging' });
  const tokens = await requestToken(deps, ctx, found, client, scopes, resource, options.signal, dpop);
  const key: CredentialKey = { serverName: name, serverUrl: ctx.server.url, issuer: found.issuer };
  await deps.store.set(key, toRecord(key, tokens, client, deps.now(), dpop));
  deps.logger.info('client-credentials token stored', {
    server: name,
    issuer: found.issuer,
    resource,
    scopes: tokens.scopes,
  });
  return loginResultOf(key, tokens, {
    grant: 'client_credentials',
    issuer: found.issuer,
    resource: tokens.resource ?? null,
    refreshTokenIssued: false,
    provider: ctx.oauth.provider,
    registration: 'pre_registered',
  });
}

/** RFC 8414 §2 `grant_types_supported`: when the AS lists its grants, `client_credentials` must be one. */
function checkGrantOffered(ctx: ServerContext, as: AuthorizationServerMetadata): void {
  const grants = as.grant_types_supported;
  if (!Array.isArray(grants) || grants.includes('client_credentials')) return;
  throw new ClientError(
    'grant_not_supported',
    `the authorization server ${JSON.stringify(as.issuer)} of ${JSON.stringify(ctx.name)} does not offer the client_credentials grant ` +
      `(it lists ${JSON.stringify(grants)}): remove mcp_servers.${formatKey(ctx.name)}.oauth.grant to log in with a browser, or enable the grant at the authorization server`,
  );
}

/**
 * The scopes to request: given, else configured, else the challenge's, else the protected resource's
 * `scopes_supported`, else none (the AS's default for the client). Never `offline_access`: no refresh token is
 * wanted.
 */
function chooseScopes(
  ctx: ServerContext,
  found: DiscoveryResult,
  options: ClientCredentialsLoginOptions,
): readonly string[] {
  for (const list of [
    options.scopes,
    ctx.oauth.scopes.value,
    found.challenge.scopes,
    found.protectedResourceMetadata.scopes_supported,
  ]) {
    if (list !== undefined && list.length > 0) return list;
  }
  return [];
}

async function requestToken(
  deps: LoginDeps,
  ctx: ServerContext,
  found: DiscoveryResult,
  client: OAuthClient,
  scopes: readonly string[],
  resource: string | null,
  signal: AbortSignal | undefined,
  dpop: DpopBinding | null,
): Promise<TokenSet> {
  const headers = Object.fromEntries(
    Object.entries(ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
  );
  try {
    const tokens = await requestClientCredentialsToken(deps.http, found.authorizationServerMetadata, client, {
      scopes,
      ...(resource === null ? {} : { resource }),
      extraParams: extraTokenParamsFor(ctx.oauth),
      headers,
      now: deps.now,
      ...(dpop === null ? {} : { dpop: deps.dpop.forKey(dpop) }),
      ...(signal ? { signal } : {}),
    });
    deps.redactor.add(tokens.access_token);
    return tokens;
  } catch (error) {
    throw refusal(ctx, found.issuer, client, error);
  }
}

/** RFC 6749 §5.2 `invalid_client` / `unauthorized_client` as errors that say what to fix; others unchanged. */
function refusal(ctx: ServerContext, issuer: string, client: OAuthClient, error: unknown): unknown {
  if (!isAuthorizeError(error, 'oauth_error')) return error;
  const base = `mcp_servers.${formatKey(ctx.name)}.oauth`;
  const said = error.error_description ? ` (${JSON.stringify(error.error_description.slice(0, 200))})` : '';
  const credential = client.assertionKey
    ? `the private key (its public key, kid and alg must be registered for the client)`
    : `the client secret${ctx.oauth.clientSecretEnvVar.value ? ` in ${ctx.oauth.clientSecretEnvVar.value}` : ''}`;
  if (error.error === 'invalid_client') {
    return new ClientError(
      'invalid_client',
      `the authorization server ${JSON.stringify(issuer)} refused the credentials of client ${JSON.stringify(client.clientId)} (invalid_client)${said}: check ${base}.client_id and ${credential}`,
      { cause: error },
    );
  }
  if (error.error === 'unauthorized_client') {
    return new ClientError(
      'unauthorized_client',
      `the authorization server ${JSON.stringify(issuer)} does not let client ${JSON.stringify(client.clientId)} use the client_credentials grant (unauthorized_client)${said}: allow the grant for this client there`,
      { cause: error },
    );
  }
  return error;
}

function toRecord(
  key: CredentialKey,
  tokens: TokenSet,
  client: OAuthClient,
  now: number,
  dpop: DpopBinding | null,
): CredentialRecord {
  // RFC 6749 §4.4.3: no refresh token (processClientCredentialsResponse drops one); a new request replaces the
  // token. The secret or key comes from the config and the environment at each use; it is never stored.
  return recordOfTokens(key, tokens, preRegisteredClient(client.clientId), now, {
    reacquire: { grant: 'client_credentials' },
    dpop,
  });
}
