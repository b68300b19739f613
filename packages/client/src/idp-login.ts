import { createHash } from 'node:crypto';
import {
  exchangeAuthorizationCode,
  type OAuthClient,
  startAuthorization,
  type TokenSet,
} from '@mcp-oauth/authorize';
import type { EnterpriseIdpConfig } from '@mcp-oauth/config';
import type { HttpClient } from '@mcp-oauth/http';
import type { CredentialKey, CredentialRecord } from '@mcp-oauth/token-store';
import { decodeJwt } from 'jose';
import { startCallbackServer } from './callback-server.js';
import { ClientError } from './client-error.js';
import { enterpriseIdp, type IdpMetadataSource, idpClient, idpKey } from './enterprise-idp.js';
import { type LoginDeps, type LoginOptions, presentAndWait } from './login.js';

/** What an IdP sign-in needs besides a login's deps. */
export interface IdpLoginDeps extends LoginDeps {
  readonly idpMetadata: IdpMetadataSource;
  /**
   * The HTTP client of requests to the enterprise IdP (sign-in code exchange, token exchange): through the shared
   * `Retry-After` deadlines, its messages naming the IdP.
   */
  readonly idpHttp: HttpClient;
}

/** What an IdP sign-in stored, without any secret. */
export interface IdpLoginResult {
  readonly key: CredentialKey;
  readonly issuer: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number | null;
  readonly refreshTokenIssued: boolean;
}

/**
 * Signs in to the enterprise IdP once, as a list of steps: IdP settings → IdP metadata (full RFC 8414/OIDC checks)
 * → loopback listener → authorization URL (PKCE S256, state, `openid` and `offline_access` when listed, no
 * `resource`: the IdP is no MCP server) → user agent → callback (state, RFC 9207 iss) → code exchange → the ID
 * token checked → stored as the IdP credential (keyed by the IdP issuer: ID token, refresh token), which every
 * `ema_auth` server's token exchange then uses without a browser.
 *
 * @see https://github.com/modelcontextprotocol/ext-auth/blob/main/specification/draft/enterprise-managed-authorization.mdx (§3)
 */
export async function loginIdp(
  deps: IdpLoginDeps,
  options: Omit<LoginOptions, 'scopes' | 'challenge'>,
): Promise<IdpLoginResult> {
  const idp = enterpriseIdp(deps.config);
  const client = idpClient(idp, deps.env);
  const as = await deps.idpMetadata(idp.issuer, 'login', options.signal);
  const port = options.callbackPort ?? idp.callbackPort ?? deps.config.callbackPort;
  const id = createHash('sha256').update(`idp ${idp.issuer}`).digest('base64url').slice(0, 16);
  const callback = await startCallbackServer(port === undefined ? { id } : { port, id });
  try {
    const scopes = idpScopes(idp, as.scopes_supported);
    const { url, pending } = startAuthorization({
      as,
      clientId: client.clientId,
      redirectUri: callback.redirectUri,
      scopes,
      ...(idp.extraAuthorizeParams ? { extraParams: idp.extraAuthorizeParams } : {}),
    });
    deps.redactor.add(pending.codeVerifier, pending.state);
    const callbackUrl = await presentAndWait(url, callback, options, {
      expected: pending,
      logger: deps.logger,
    });
    options.onProgress?.({ type: 'exchanging' });
    deps.redactor.add(callbackUrl.searchParams.get('code'));
    const tokens = await exchangeAuthorizationCode(deps.idpHttp, as, client, pending, callbackUrl, {
      now: deps.now,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
    const idToken = checkIdToken(tokens, idp, deps.now());
    const key = idpKey(idp.issuer);
    await deps.store.set(key, idpRecord(key, tokens, idToken, client, deps.now()));
    deps.logger.info('enterprise IdP sign-in complete', { issuer: idp.issuer, scopes: tokens.scopes });
    return {
      key,
      issuer: idp.issuer,
      scopes: tokens.scopes,
      expiresAt: tokens.expires_at,
      refreshTokenIssued: tokens.refresh_token !== undefined,
    };
  } finally {
    await callback.close();
  }
}

/** `openid` (the ID token is the point) and `offline_access` when the IdP lists it, unless the config says. */
function idpScopes(idp: EnterpriseIdpConfig, supported: readonly string[] | undefined): string[] {
  if (idp.scopes !== undefined) return [...idp.scopes];
  return supported?.includes('offline_access') ? ['openid', 'offline_access'] : ['openid'];
}

/**
 * OIDC Core §3.1.3.7: `iss` MUST match the issuer, `aud` MUST contain the client id, the token MUST NOT be
 * expired. The signature check of item 6 is replaced by TLS, as that item allows for a token received directly
 * from the token endpoint; the IdP verifies its own signature again when the token is exchanged.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
function checkIdToken(tokens: TokenSet, idp: EnterpriseIdpConfig, now: number): string {
  const fail = (why: string) =>
    new ClientError(
      'idp_login_needed',
      `the enterprise IdP's sign-in answer is unusable: ${why}; nothing was stored`,
    );
  if (tokens.id_token === undefined) throw fail('it has no id_token (is "openid" among the scopes?)');
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(tokens.id_token);
  } catch {
    throw fail('its id_token is not a JWT');
  }
  if (claims.iss !== idp.issuer)
    throw fail(`its id_token was issued by ${JSON.stringify(claims.iss ?? null)}`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(idp.clientId)) throw fail('its id_token is not for this client');
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now) throw fail('its id_token has expired');
  return tokens.id_token;
}

function idpRecord(
  key: CredentialKey,
  tokens: TokenSet,
  idToken: string,
  client: OAuthClient,
  now: number,
): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: null,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_at: tokens.expires_at,
    refresh_token: tokens.refresh_token ?? null,
    scopes: tokens.scopes,
    client: {
      client_id: client.clientId,
      registration: 'pre_registered',
      client_secret: null,
      client_secret_expires_at: null,
    },
    reacquire: null,
    needs_login: null,
    updated_at: now,
    // DPoP for enterprise and workload grants is not wired yet: bearer tokens.
    dpop: null,
    id_token: idToken,
  };
}

/** The `exp` of an ID token in ms, or null (absent or not a JWT). */
export function idTokenExpiry(idToken: string): number | null {
  try {
    const { exp } = decodeJwt(idToken);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
