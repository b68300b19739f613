import type { TokenSet } from '@mcp-oauth/authorize';
import type { CredentialKey, CredentialRecord, DpopBinding, Reacquire } from '@mcp-oauth/token-store';
import type { LoginResult } from './login.js';

/** The stored client of a pre-registered client: its id only (its secret or key is read from the config at use). */
export function preRegisteredClient(clientId: string): CredentialRecord['client'] {
  return {
    client_id: clientId,
    registration: 'pre_registered',
    client_secret: null,
    client_secret_expires_at: null,
  };
}

/**
 * The credential record of a token response, for every login mode: the tokens with their absolute expiry, the
 * client they were issued to, how to renew them without a refresh token (`reacquire`: client credentials, a new
 * ID-JAG, the workload's JWT; null for user logins), and the DPoP key they are bound to. A grant that issues no
 * refresh token stores null (RFC 6749 §4.4.3 for client credentials).
 */
export function recordOfTokens(
  key: CredentialKey,
  tokens: TokenSet,
  client: CredentialRecord['client'],
  now: number,
  renewal: { readonly reacquire: Reacquire | null; readonly dpop: DpopBinding | null },
): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: key.issuer,
    resource: tokens.resource ?? null,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_at: tokens.expires_at,
    refresh_token: tokens.refresh_token ?? null,
    scopes: tokens.scopes,
    client,
    reacquire: renewal.reacquire,
    needs_login: null,
    updated_at: now,
    // Kept even when the AS answered Bearer: a public client's refresh token may still be bound to it (RFC 9449 §5).
    dpop: renewal.dpop,
  };
}

/**
 * What a login tells its caller (no secret), for every login mode: the fields that come from the token response
 * (scopes, expiry, token type, whether a refresh token came) and those the mode knows (grant, issuer, resource,
 * provider, registration). `refreshTokenIssued` is given by a grant that never keeps one (client credentials).
 */
export function loginResultOf(
  key: CredentialKey,
  tokens: TokenSet,
  mode: Omit<LoginResult, 'key' | 'scopes' | 'expiresAt' | 'tokenType' | 'refreshTokenIssued'> & {
    readonly refreshTokenIssued?: boolean;
  },
): LoginResult {
  return {
    key,
    scopes: tokens.scopes,
    expiresAt: tokens.expires_at,
    tokenType: tokens.token_type,
    refreshTokenIssued: tokens.refresh_token !== undefined,
    ...mode,
  };
}
