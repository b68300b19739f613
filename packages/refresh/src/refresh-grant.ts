import {
  type ClientAuthMethod,
  type ExtraTokenParams,
  type OAuthClient,
  processTokenResponse,
  type TokenEndpointMetadata,
  tokenEndpointRequest,
} from '@mcp-oauth/authorize';
import type { DpopProver } from '@mcp-oauth/dpop';
import type { HttpClient } from '@mcp-oauth/http';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import { RefreshError } from './refresh-error.js';
import type { RefreshedTokens, RefreshGrant } from './refresher.js';

/**
 * A setting that is the same for every credential, or depends on the credential (a refresher serves several
 * servers, each with its own authorization server, client and profile).
 */
export type PerCredential<T> = T | ((record: CredentialRecord) => T | Promise<T>);

/** Options of {@link createRefreshGrant}. Per-credential settings take the stored record. */
export interface RefreshGrantOptions {
  /** Sends the token requests (timeouts, size cap, no redirects: `@mcp-oauth/http`). */
  readonly http: HttpClient;
  /**
   * The metadata of the record's authorization server (at least `issuer` and `token_endpoint`;
   * `token_endpoint_auth_methods_supported` when known), from discovery. Its `issuer` must equal the record's: a
   * refresh token is never sent to another authorization server.
   */
  readonly authorizationServer: PerCredential<TokenEndpointMetadata>;
  /**
   * The client secret of a pre-registered client, read from `client_secret_env_var` or the keyring (it is never
   * stored with the credential). A secret issued by dynamic registration is in the record and wins. Default none:
   * a public client.
   */
  readonly clientSecret?: PerCredential<string | undefined>;
  /** The client authentication method, when the registration fixed one. Default: `selectClientAuthMethod`. */
  readonly clientAuthMethod?: PerCredential<ClientAuthMethod | undefined>;
  /**
   * Send the granted scopes as `scope` on the refresh request (the Entra profile's `send_scope_on_refresh`:
   * AADSTS90009 otherwise). Default false: RFC 6749 §6 makes `scope` optional, and omitting it keeps the grant's
   * scopes.
   */
  readonly sendScope?: PerCredential<boolean>;
  /** `extra_token_params` of the config and the provider profile (reserved names refused). Default none. */
  readonly extraTokenParams?: PerCredential<ExtraTokenParams | undefined>;
  /** Extra headers of token requests (the GitHub profile's `Accept`). Default none. */
  readonly headers?: PerCredential<Readonly<Record<string, string>> | undefined>;
  /**
   * The DPoP prover of the credential's key (the record's `dpop`), when its tokens are DPoP-bound: the refresh
   * request then carries a proof (RFC 9449 §5; a public client's refresh token is bound to the key). Default none.
   */
  readonly dpop?: PerCredential<DpopProver | undefined>;
  /** Clock for `expires_at`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Builds the {@link RefreshGrant} of a {@link Refresher} from `@mcp-oauth/authorize`: one RFC 6749 §6
 * refresh-token request to the token endpoint with the login's `resource` (RFC 8707 §2.2), the client
 * authentication of the registration, `scope` only when asked, and the extra token parameters; the answer is
 * validated by `processTokenResponse` and mapped to {@link RefreshedTokens} (an absolute `expires_at` counted from
 * when the request was sent, so expiry errs early; a new refresh token, or none to keep the old one).
 *
 * Failures are thrown unchanged, for {@link classifyFailure}: an `AuthorizeError` `oauth_error` keeps the AS's
 * `error` (`invalid_grant` → needs-login) and `status`; `HttpError`s (network, timeout) and 5xx/429 answers carry
 * `retryable`, `status` and `retryAfterMs` (transient).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2.2
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/refresh.md#the-refresh-grant
 */
export function createRefreshGrant(options: RefreshGrantOptions): RefreshGrant {
  if (typeof options?.http?.postForm !== 'function') {
    throw new TypeError('createRefreshGrant: options.http must be an HttpClient from @mcp-oauth/http');
  }
  if (options.authorizationServer === undefined) {
    throw new TypeError('createRefreshGrant: options.authorizationServer is required');
  }
  const now = options.now ?? Date.now;
  return async (record, signal) => {
    const as = await resolve(options.authorizationServer, record);
    if (typeof as?.token_endpoint !== 'string' || as.token_endpoint === '') {
      throw new RefreshError(
        'refresh_failed',
        `no token endpoint is known for the authorization server of ${JSON.stringify(record.server_name)}; no request was sent`,
      );
    }
    // MCP authorization: tokens are bound to the issuer that issued them; never send one to another AS.
    if (as.issuer !== record.issuer) {
      throw new RefreshError(
        'refresh_failed',
        `the credential of ${JSON.stringify(record.server_name)} was issued by ${JSON.stringify(record.issuer)}, ` +
          `but the refresh would go to ${JSON.stringify(as.issuer)}; no request was sent`,
      );
    }
    const refreshToken = record.refresh_token;
    if (!refreshToken) {
      throw new RefreshError('needs_login', 'the credential has no refresh token', {
        reason: 'refresh_token_missing',
      });
    }
    const parameters: Record<string, string> = { refresh_token: refreshToken };
    // RFC 6749 §6: the scope requested MUST NOT include any scope not originally granted.
    if ((await resolve(options.sendScope, record)) === true && record.scopes.length > 0) {
      parameters.scope = record.scopes.join(' ');
    }
    const resource = record.resource ?? undefined;
    const dpop = await resolve(options.dpop, record);
    const sentAt = now();
    const response = await tokenEndpointRequest(
      options.http,
      as,
      await clientOf(options, record),
      'refresh_token',
      parameters,
      {
        resource,
        extraParams: await resolve(options.extraTokenParams, record),
        headers: await resolve(options.headers, record),
        dpop,
        signal,
      },
    );
    const tokens = processTokenResponse(as, response, {
      resource,
      requestedScopes: record.scopes,
      now: () => sentAt,
      dpopProofSent: dpop !== undefined,
    });
    return {
      access_token: tokens.access_token,
      token_type: tokens.token_type,
      expires_at: tokens.expires_at,
      // RFC 6749 §6: absent means the old refresh token stays valid (Google never returns one).
      refresh_token: tokens.refresh_token ?? null,
      scopes: tokens.scopes,
      ...(tokens.id_token !== undefined && { id_token: tokens.id_token }),
    } satisfies RefreshedTokens;
  };
}

async function clientOf(options: RefreshGrantOptions, record: CredentialRecord): Promise<OAuthClient> {
  // A DCR-issued secret is stored with the registration; a pre-registered one never is.
  const secret = record.client.client_secret ?? (await resolve(options.clientSecret, record));
  const method = await resolve(options.clientAuthMethod, record);
  return {
    clientId: record.client.client_id,
    ...(secret ? { clientSecret: secret } : {}),
    ...(method ? { authMethod: method } : {}),
  };
}

function resolve<T>(setting: PerCredential<T> | undefined, record: CredentialRecord): Promise<T | undefined> {
  return Promise.resolve(
    typeof setting === 'function' ? (setting as (r: CredentialRecord) => T | Promise<T>)(record) : setting,
  );
}
