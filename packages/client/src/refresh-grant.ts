import { extraTokenParamsFor, type McpOAuthConfig } from '@mcp-oauth/config';
import type { Discovery } from '@mcp-oauth/discovery';
import type { HttpClient } from '@mcp-oauth/http';
import { createRefreshGrant, type RefreshGrant } from '@mcp-oauth/refresh';
import type { CredentialRecord } from '@mcp-oauth/token-store';
import { enterpriseIdp, type IdpMetadataSource, idpClient, isIdpRecord } from './enterprise-idp.js';
import type { SecretRedactor } from './logger.js';
import type { Reacquirer } from './reacquire.js';
import { type RecordContext, recordContext } from './record-context.js';

/**
 * The client's refresh grant: `createRefreshGrant` with, per stored credential, its AS metadata (discovery, cached:
 * no request when warm), its client secret (DCR secret from the record, a pre-registered one from its env var), the
 * profile's `scope`-on-refresh rule (Entra), extra token params and token-endpoint headers. New tokens are
 * registered with the redactor before anything can log them.
 */
export function refreshGrantFor(deps: {
  config: McpOAuthConfig;
  http: HttpClient;
  discovery: Discovery;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  redactor: SecretRedactor;
  idpMetadata: IdpMetadataSource;
  /** Re-acquirers by kind, for records without a refresh token: `id_jag`, `workload_identity`. */
  reacquirers: Readonly<Record<string, Reacquirer>>;
}): RefreshGrant {
  const contexts = new WeakMap<CredentialRecord, Promise<RecordContext>>();
  const context = (record: CredentialRecord) => {
    let found = contexts.get(record);
    if (!found) {
      found = recordContext(deps, record);
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
  });
  // The enterprise IdP credential: a refresh-token grant at the IdP (token endpoint only), whose answer carries a
  // new ID token (kept by the refresher).
  const idpGrant = createRefreshGrant({
    http: deps.http,
    now: deps.now,
    authorizationServer: (record) => deps.idpMetadata(record.issuer, 'token'),
    clientSecret: () => idpClient(enterpriseIdp(deps.config), deps.env).clientSecret,
  });
  return async (record, signal) => {
    const kind = reacquireKind(deps.config, record);
    const reacquirer = kind === undefined ? undefined : deps.reacquirers[kind];
    const tokens = isIdpRecord(record)
      ? await idpGrant(record, signal)
      : reacquirer !== undefined
        ? await reacquirer(record, signal)
        : await grant(record, signal);
    deps.redactor.add(tokens.access_token, tokens.refresh_token, tokens.id_token);
    return tokens;
  };
}

/**
 * How a record without a refresh token is renewed: its `reacquire.grant` once records carry it, else (records
 * written before) the server's config: `auth = "ema_auth"` → `id_jag`, `grant = "workload_identity"`.
 */
function reacquireKind(config: McpOAuthConfig, record: CredentialRecord): string | undefined {
  if (record.refresh_token) return undefined;
  const stored = (record as { reacquire?: { grant?: unknown } | null }).reacquire?.grant;
  if (typeof stored === 'string') return stored;
  const server = config.servers.find((s) => s.name === record.server_name);
  if (server?.transport !== 'streamable_http') return undefined;
  if (server.auth === 'ema_auth') return 'id_jag';
  if (server.oauth.grant === 'workload_identity') return 'workload_identity';
  return undefined;
}
