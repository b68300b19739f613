import {
  type AuthorizationServerMetadata,
  checkAssertion,
  ID_JAG_TOKEN_TYPE,
  ID_JAG_TYP,
  ID_TOKEN_TYPE,
  isAuthorizeError,
  jwtBearerGrantRequest,
  type OAuthClient,
  processTokenExchangeResponse,
  processTokenResponse,
  resolveResource,
  type TokenExchangeResult,
  type TokenSet,
  tokenExchangeGrantRequest,
} from '@mcp-oauth/authorize';
import { type EnterpriseIdpConfig, suggestCommand } from '@mcp-oauth/config';
import type { DiscoveryResult } from '@mcp-oauth/discovery';
import type { DpopProver } from '@mcp-oauth/dpop';
import { HttpError } from '@mcp-oauth/http';
import { RefreshError, type Refresher } from '@mcp-oauth/refresh';
import type { CredentialKey, CredentialRecord, DpopBinding } from '@mcp-oauth/token-store';
import { ClientError } from './client-error.js';
import { dpopKeyForLogin } from './dpop-binding.js';
import { enterpriseIdp, idpClient, idpKey, idpLoginNeeded } from './enterprise-idp.js';
import { type IdpLoginDeps, idTokenExpiry, loginIdp } from './idp-login.js';
import { discover, type LoginOptions, type LoginResult } from './login.js';
import { preRegisteredSecret, type ServerContext, serverContext } from './server-context.js';
import { loginResultOf, preRegisteredClient, recordOfTokens } from './token-record.js';

/** What an enterprise-managed login needs: a login's deps, the IdP metadata and the refresher (IdP credential). */
export interface EnterpriseDeps extends IdpLoginDeps {
  readonly refresher: Refresher;
}

/** How the IdP sign-in may happen when one is needed: with these login options, or not at all (`undefined`). */
export type IdpInteraction = Omit<LoginOptions, 'scopes' | 'challenge'> | undefined;

/**
 * Logs in to an `auth = "ema_auth"` server with no browser once the enterprise IdP sign-in is stored, as a list of
 * steps: enterprise settings (`use_xaa`, IdP) → discovery of the server's AS (and its expected issuer) → the
 * resource (required) → the IdP's ID token (refreshed when expired; the IdP sign-in only when none is usable and
 * `options.userAgent` may be used) → RFC 8693 exchange for an ID-JAG at the IdP → the ID-JAG checked → RFC 7523
 * JWT bearer grant at the server's AS → store.
 *
 * @see https://github.com/modelcontextprotocol/ext-auth/blob/main/specification/draft/enterprise-managed-authorization.mdx
 */
export async function enterpriseLogin(
  deps: EnterpriseDeps,
  name: string,
  options: LoginOptions,
): Promise<LoginResult> {
  const idp = enterpriseIdp(deps.config, name);
  const found = await discoverServer(deps, name, options.challenge, options.signal);
  const ctx = serverContext(deps.config, name, found.issuer);
  const resource = requiredResource(ctx, found);
  options.onProgress?.({ type: 'discovered', issuer: found.issuer, resource });
  const { userAgent, timeoutMs, callbackPort, signal, onProgress } = options;
  const interaction: IdpInteraction = {
    userAgent,
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(callbackPort !== undefined && { callbackPort }),
    ...(signal !== undefined && { signal }),
    ...(onProgress !== undefined && { onProgress }),
  };
  const scopes = options.scopes ?? ctx.oauth.scopes.value ?? found.challenge.scopes ?? [];
  // RFC 9449 §5: the server's tokens are sender-constrained like a login's when it uses DPoP.
  const dpop = await dpopKeyForLogin(ctx, found.authorizationServerMetadata, deps.redactor);
  const tokens = await enterpriseTokens(
    deps,
    ctx,
    found.authorizationServerMetadata,
    resource,
    idp,
    scopes,
    interaction,
    options.signal,
    dpop === null ? undefined : deps.dpop.forKey(dpop),
  );
  const key: CredentialKey = { serverName: name, serverUrl: ctx.server.url, issuer: found.issuer };
  await deps.store.set(key, serverRecord(key, tokens, ctx, idp.issuer, deps.now(), dpop));
  deps.logger.info('enterprise-managed login complete', { server: name, issuer: found.issuer, resource });
  return loginResultOf(key, tokens, {
    issuer: found.issuer,
    resource,
    provider: ctx.oauth.provider,
    registration: 'pre_registered',
    grant: 'authorization_code',
  });
}

/** Discovery of the server's AS, then Codex's `authorization_server_issuer` when set: it must be that AS. */
export async function discoverServer(
  deps: Pick<EnterpriseDeps, 'config' | 'discovery' | 'logger'>,
  name: string,
  challenge: LoginOptions['challenge'],
  signal: AbortSignal | undefined,
): Promise<DiscoveryResult> {
  const ctx = serverContext(deps.config, name);
  const found = await discover(deps, ctx, {
    ...(challenge === undefined ? {} : { challenge }),
    ...(signal ? { signal } : {}),
  });
  const expected = ctx.server.oauth.authorizationServerIssuer;
  if (expected !== undefined && expected !== found.issuer) {
    throw new ClientError(
      'config',
      `${JSON.stringify(name)} is configured for the authorization server ${JSON.stringify(expected)} (oauth.authorization_server_issuer), but its metadata names ${JSON.stringify(found.issuer)}`,
    );
  }
  return found;
}

/** Extension §4: `resource` is REQUIRED on the exchange; a server whose resource policy is off cannot use EMA. */
function requiredResource(ctx: ServerContext, found: DiscoveryResult): string {
  const resource = resolveResource(ctx.oauth.resource.value, found.resource);
  if (resource === undefined) {
    throw new ClientError(
      'config',
      `${JSON.stringify(ctx.name)} uses ema_auth, which needs a resource: remove oauth.resource = false`,
    );
  }
  return resource;
}

/** The client at the MCP server's AS: pre-registered (extension §6.1), the id the IdP puts into the ID-JAG. */
function mcpClient(ctx: ServerContext, env: EnterpriseDeps['env']): OAuthClient {
  const clientId = ctx.oauth.clientId.value;
  if (clientId === undefined) {
    throw new ClientError(
      'config',
      `${JSON.stringify(ctx.name)} uses ema_auth and needs mcp_servers.${ctx.name}.oauth.client_id: the client id registered at its authorization server (the one your IdP maps into the ID-JAG)`,
    );
  }
  const secret = preRegisteredSecret(ctx, env);
  const secretVar = ctx.oauth.clientSecretEnvVar.value;
  if (secretVar !== undefined && !secret) {
    throw new ClientError(
      'config',
      `mcp_servers.${ctx.name}.oauth.client_secret_env_var names ${secretVar}, which is not set: export it`,
    );
  }
  return { clientId, ...(secret ? { clientSecret: secret } : {}) };
}

/**
 * ID token → ID-JAG → access token, with no browser unless `interaction` allows the IdP sign-in. Shared by the
 * login and the re-acquirer.
 */
export async function enterpriseTokens(
  deps: EnterpriseDeps,
  ctx: ServerContext,
  as: AuthorizationServerMetadata,
  resource: string,
  idp: EnterpriseIdpConfig,
  scopes: readonly string[],
  interaction: IdpInteraction,
  signal?: AbortSignal,
  dpop?: DpopProver,
): Promise<TokenSet> {
  const client = mcpClient(ctx, deps.env);
  const jag = await idJag(deps, idp, as.issuer, resource, scopes, interaction, signal);
  deps.redactor.add(jag.token);
  try {
    // Extension §4.3 and §5.1: typ oauth-id-jag+jwt, aud the AS issuer, resource this server.
    checkAssertion(jag.token, {
      audiences: [as.issuer],
      resource,
      typ: ID_JAG_TYP,
      now: deps.now,
      what: `ID-JAG from the enterprise IdP for ${JSON.stringify(ctx.name)}`,
    });
  } catch (error) {
    throw new ClientError(
      'id_jag_invalid',
      `${(error as Error).message}; nothing was sent to the authorization server. The IdP's cross-app access configuration for this server needs fixing (ask your IdP administrator)`,
      { cause: error },
    );
  }
  const sentAt = deps.now();
  try {
    const response = await jwtBearerGrantRequest(
      deps.http,
      as,
      client,
      { assertion: jag.token, scopes },
      {
        resource,
        ...(dpop === undefined ? {} : { dpop }),
        ...(signal ? { signal } : {}),
      },
    );
    const tokens = processTokenResponse(as, response, {
      resource,
      requestedScopes: jag.scopes,
      now: () => sentAt,
      dpopProofSent: dpop !== undefined,
    });
    deps.redactor.add(tokens.access_token, tokens.refresh_token);
    return tokens;
  } catch (error) {
    if (isAuthorizeError(error, 'oauth_error')) {
      throw new ClientError(
        'jwt_bearer_refused',
        `the authorization server of ${JSON.stringify(ctx.name)} refused the ID-JAG (${JSON.stringify(error.error)}${error.error_description ? `: ${JSON.stringify(error.error_description)}` : ''}); it may not trust this IdP or client: ask the server's administrator`,
        { cause: error, retryable: error.retryable },
      );
    }
    throw error;
  }
}

/** The exchange at the IdP, retried once with a refreshed ID token (and once more after a sign-in) on invalid_grant. */
async function idJag(
  deps: EnterpriseDeps,
  idp: EnterpriseIdpConfig,
  audience: string,
  resource: string,
  scopes: readonly string[],
  interaction: IdpInteraction,
  signal: AbortSignal | undefined,
): Promise<TokenExchangeResult> {
  let record = await idpCredential(deps, idp, interaction, 'use');
  for (let attempt = 0; ; attempt++) {
    try {
      return await exchange(deps, idp, record, audience, resource, scopes, signal);
    } catch (error) {
      // RFC 8693 §2.2.2: invalid_grant = the subject token is invalid or expired; a new ID token may fix it.
      if (!isAuthorizeError(error, 'oauth_error') || error.error !== 'invalid_grant' || attempt >= 2)
        throw refused(error, audience);
      record = await idpCredential(deps, idp, interaction, attempt === 0 ? record : 'sign-in');
    }
  }
}

async function exchange(
  deps: EnterpriseDeps,
  idp: EnterpriseIdpConfig,
  record: CredentialRecord,
  audience: string,
  resource: string,
  scopes: readonly string[],
  signal: AbortSignal | undefined,
): Promise<TokenExchangeResult> {
  const as = await deps.idpMetadata(idp.issuer, 'token', signal);
  const sentAt = deps.now();
  let response: Awaited<ReturnType<typeof tokenExchangeGrantRequest>>;
  try {
    response = await tokenExchangeGrantRequest(
      deps.idpHttp,
      as,
      idpClient(idp, deps.env),
      {
        subjectToken: record.id_token as string,
        subjectTokenType: ID_TOKEN_TYPE,
        requestedTokenType: ID_JAG_TOKEN_TYPE,
        audience,
        scopes,
      },
      { resource, ...(signal ? { signal } : {}) },
    );
  } catch (error) {
    if (error instanceof HttpError) throw unreachable(idp, error);
    throw error;
  }
  return processTokenExchangeResponse(response, {
    requestedTokenType: ID_JAG_TOKEN_TYPE,
    requestedScopes: scopes,
    now: () => sentAt,
  });
}

function unreachable(idp: EnterpriseIdpConfig, cause: unknown): ClientError {
  return new ClientError(
    'idp_unreachable',
    `the enterprise IdP ${JSON.stringify(idp.issuer)} could not be reached (${String((cause as Error).message)}); retry later`,
    { retryable: true, cause },
  );
}

function refused(error: unknown, audience: string): unknown {
  if (!isAuthorizeError(error)) return error;
  if (error.code === 'oauth_error' && !error.retryable) {
    return new ClientError(
      'token_exchange_refused',
      `the enterprise IdP refused an ID-JAG for ${JSON.stringify(audience)} (${JSON.stringify(error.error)}${error.error_description ? `: ${JSON.stringify(error.error_description)}` : ''}); ask your IdP administrator to allow this client for that server`,
      { cause: error },
    );
  }
  if (error.retryable) {
    return new ClientError(
      'idp_unreachable',
      `the enterprise IdP's token exchange failed for now (${error.message}); retry later`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  return error;
}

/**
 * A usable IdP credential: the stored one (refreshed by the refresher when its tokens are near expiry, or when
 * its ID token has expired or was refused: `force` is that record), else, when `interaction` allows, a new IdP
 * sign-in; else `idp_login_needed`.
 */
async function idpCredential(
  deps: EnterpriseDeps,
  idp: EnterpriseIdpConfig,
  interaction: IdpInteraction,
  mode: 'use' | 'sign-in' | CredentialRecord,
): Promise<CredentialRecord> {
  const key = idpKey(idp.issuer);
  if (mode !== 'sign-in') {
    try {
      let record = await deps.refresher.getValidToken(key);
      const expiry = record.id_token ? idTokenExpiry(record.id_token) : null;
      // The refresher renews the IdP credential by its expires_at; its ID token's own exp is consulted only when that
      // is unknown. An ID token the IdP refuses anyway (invalid_grant) comes back here as `mode`: refreshed once.
      const stale = record.expires_at === null && expiry !== null && expiry <= deps.now();
      if (typeof mode === 'object' || stale) {
        record = await deps.refresher.handleUnauthorized(
          key,
          (typeof mode === 'object' ? mode : record).access_token,
        );
      }
      if (record.id_token) {
        deps.redactor.add(record.access_token, record.refresh_token, record.id_token);
        return record;
      }
    } catch (error) {
      if (!(error instanceof RefreshError)) throw error;
      if (error.code === 'as_unreachable') throw unreachable(idp, error);
      if (error.code !== 'needs_login' && error.code !== 'not_logged_in') throw error;
    }
  }
  if (interaction === undefined)
    throw idpLoginNeeded(`no usable sign-in to the enterprise IdP ${JSON.stringify(idp.issuer)} is stored`);
  await loginIdp(deps, interaction);
  const record = await deps.store.get(key);
  if (!record?.id_token) throw idpLoginNeeded('the enterprise IdP sign-in stored no ID token');
  return record;
}

function serverRecord(
  key: CredentialKey,
  tokens: TokenSet,
  ctx: ServerContext,
  idpIssuer: string,
  now: number,
  dpop: DpopBinding | null,
): CredentialRecord {
  // No refresh token: a new ID-JAG from the stored IdP sign-in renews it (the refresher's re-acquirer).
  return recordOfTokens(key, tokens, preRegisteredClient(ctx.oauth.clientId.value as string), now, {
    reacquire: { grant: 'id_jag', idp_issuer: idpIssuer },
    dpop,
  });
}

/** The command that signs in to the enterprise IdP. */
export const IDP_LOGIN_COMMAND = () => suggestCommand(['login', '--idp']);
