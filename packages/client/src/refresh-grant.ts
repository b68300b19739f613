import { processTokenResponse, tokenEndpointRequest } from '@mcp-oauth/authorize';
import { extraTokenParamsFor, type McpOAuthConfig } from '@mcp-oauth/config';
import type { Discovery } from '@mcp-oauth/discovery';
import type { HttpClient } from '@mcp-oauth/http';
import type { RefreshGrant } from '@mcp-oauth/refresh';
import type { SecretRedactor } from './logger.js';
import { recordContext } from './record-context.js';

/**
 * The refresh grant of the client: for a stored credential, its AS (discovery, cached), its client authentication
 * (DCR secret from the record, a pre-registered secret from its env var), the same `resource` as the login, `scope`
 * only where the profile needs it (Entra), and the server's extra token params.
 */
export function refreshGrantFor(deps: {
  config: McpOAuthConfig;
  http: HttpClient;
  discovery: Discovery;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  redactor: SecretRedactor;
}): RefreshGrant {
  return async (record, signal) => {
    const { ctx, as, client } = await recordContext(deps, record, signal);
    const refreshToken = record.refresh_token ?? '';
    const headers = Object.fromEntries(
      Object.entries(ctx.oauth.tokenEndpointHeaders).map(([k, v]) => [k, v.value]),
    );
    const sentAt = deps.now();
    const response = await tokenEndpointRequest(
      deps.http,
      as,
      client,
      'refresh_token',
      {
        refresh_token: refreshToken,
        // Entra: the refresh request must name the scopes (AADSTS90009 otherwise).
        ...(ctx.oauth.sendScopeOnRefresh.value && record.scopes.length
          ? { scope: record.scopes.join(' ') }
          : {}),
      },
      {
        ...(record.resource === null ? {} : { resource: record.resource }),
        extraParams: extraTokenParamsFor(ctx.oauth),
        headers,
        signal,
      },
    );
    const tokens = await processTokenResponse(as, response, {
      ...(record.resource === null ? {} : { resource: record.resource }),
      requestedScopes: record.scopes,
      now: () => sentAt,
    });
    deps.redactor.add(tokens.access_token, tokens.refresh_token);
    return {
      access_token: tokens.access_token,
      token_type: tokens.token_type,
      expires_at: tokens.expires_at,
      refresh_token: tokens.refresh_token ?? null,
      scopes: tokens.scopes,
    };
  };
}
