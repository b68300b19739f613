import { requestClientCredentialsToken } from '@mcp-oauth/authorize';
import { extraTokenParamsFor } from '@mcp-oauth/config';
import type { HttpClient } from '@mcp-oauth/http';
import type { RefreshedTokens, RefreshGrant } from '@mcp-oauth/refresh';
import { RefreshError } from '@mcp-oauth/refresh';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import type { RecordContext } from './record-context.js';

/**
 * The re-acquirer of a client-credentials credential: a new RFC 6749 §4.4 request with the credential's own
 * `resource` and scopes, authenticated as the config says now (secret from its env var, or a fresh `private_key_jwt`
 * assertion). The refresher calls it in place of a refresh-token grant, under the same lock and single flight, so
 * processes sharing a store ask once per expiry. No refresh token is kept (RFC 6749 §4.4.3).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function reacquireClientCredentials(deps: {
  readonly http: HttpClient;
  readonly now: () => number;
  readonly context: (record: CredentialRecord) => Promise<RecordContext>;
}): RefreshGrant {
  return async (record, signal) => {
    const { ctx, as, client } = await deps.context(record);
    // MCP authorization: tokens are bound to the issuer that issued them; never ask another AS.
    if (as.issuer !== record.issuer) {
      throw new RefreshError(
        'refresh_failed',
        `the credential of ${JSON.stringify(record.server_name)} was issued by ${JSON.stringify(record.issuer)}, ` +
          `but the request would go to ${JSON.stringify(as.issuer)}; no request was sent`,
      );
    }
    const headers = Object.fromEntries(
      Object.entries(ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
    );
    // Errors are thrown as they are: the refresher's classification reads their OAuth `error` (invalid_client or
    // unauthorized_client → needs-login; 5xx, network → backoff while the token is valid).
    const tokens = await requestClientCredentialsToken(deps.http, as, client, {
      scopes: record.scopes,
      ...(record.resource === null ? {} : { resource: record.resource }),
      extraParams: extraTokenParamsFor(ctx.oauth),
      headers,
      now: deps.now,
      ...(signal ? { signal } : {}),
    });
    return {
      access_token: tokens.access_token,
      token_type: tokens.token_type,
      expires_at: tokens.expires_at,
      refresh_token: null,
      scopes: tokens.scopes,
    } satisfies RefreshedTokens;
  };
}
