import type { ServerStatus } from '@mcp-oauth/client';
import type { ServerConfig } from '@mcp-oauth/config';
import { redactUri } from '@mcp-oauth/config';
import type { StoreStatus } from '@mcp-oauth/token-store';
import { JSON_SCHEMA_VERSION } from './json.js';
import { isoTime } from './time.js';

/** The credential store in `status --json`. */
export interface StoreStatusJson {
  /** `mcp_oauth_credentials_store`: `auto`, `keyring`, `file` or `keyv`. */
  readonly kind: string;
  /** For `auto`: the store this process chose (`keyring` or `file`); null otherwise. */
  readonly active: string | null;
  /** For `auto`: why, in one short line; null otherwise. */
  readonly reason: string | null;
  /** With `--debug` only: the keyring's own error when `auto` fell back to the file; null otherwise. */
  readonly detail: string | null;
  /** Where credentials live: a file, a keyring service, a keyv namespace (never a secret). */
  readonly location: string;
}

/** One server in `status --json`. Every field is always present (null when it does not apply); never a secret. */
export interface ServerStatusJson {
  readonly name: string;
  readonly url: string | null;
  /**
   * `logged_in`, `expired` (no refresh token and the access token expired), `needs_login` (a refresh failed for
   * good), `not_logged_in`, `bearer_token` (static token from an environment variable), `stdio` (no OAuth),
   * `record_invalid` (the stored entry of this server cannot be read; `mcp-oauth logout NAME` removes it).
   */
  readonly state: ServerStatus['state'] | 'stdio';
  /** How tokens are obtained: `authorization_code` (browser login) or `client_credentials`; null for stdio. */
  readonly grant: ServerStatus['grant'] | null;
  readonly enabled: boolean;
  readonly issuer: string | null;
  readonly resource: string | null;
  readonly scopes: readonly string[];
  /** ISO 8601 UTC; null when unknown or not logged in. */
  readonly expires_at: string | null;
  readonly refresh_token: boolean;
  /** `Bearer` or `DPoP` (RFC 9449 sender-constrained); null when not logged in. */
  readonly token_type: string | null;
  /** The JWS algorithm of the credential's DPoP key; null for bearer tokens. The key is never shown. */
  readonly dpop_alg: string | null;
  /** ISO 8601 UTC: when the access token is refreshed at the latest; null without refresh token. */
  readonly next_refresh_at: string | null;
  readonly needs_login_reason: string | null;
  /** `record_invalid`: why the stored entry cannot be used (`corrupt_record: …`); null otherwise. */
  readonly record_problem: string | null;
  /** `pre_registered`, `client_id_metadata_document`, `dynamic`, `unknown`; null when not logged in. */
  readonly registration: string | null;
  /** The provider profile and why: configured, detected from the issuer of the stored tokens, or the default. */
  readonly provider: { readonly id: string; readonly source: string; readonly reason: string } | null;
  /** `oauth.client_secret` is written inline in the config file (Codex's `--oauth-client-secret`); never its value. */
  readonly inline_client_secret: boolean;
  /** `oauth.allow_endpoint_downgrade` is on: http or loopback endpoints named by a remote https server are accepted. */
  readonly allow_endpoint_downgrade: boolean;
}

/** `status --json`. */
export interface StatusJson {
  readonly schema_version: number;
  readonly config_path: string;
  readonly store: StoreStatusJson;
  readonly servers: readonly ServerStatusJson[];
}

export function storeStatusJson(status: StoreStatus, debug = false): StoreStatusJson {
  return {
    kind: status.kind,
    active: status.active ?? null,
    reason: status.reason ?? null,
    detail: debug ? (status.detail ?? null) : null,
    location: status.location,
  };
}

export function serverStatusJson(
  status: ServerStatus,
  enabled: boolean,
  inlineClientSecret = false,
  allowEndpointDowngrade = false,
): ServerStatusJson {
  return {
    name: status.name,
    url: status.url === null ? null : redactUri(status.url),
    state: status.state,
    grant: status.grant,
    enabled,
    issuer: status.issuer,
    resource: status.resource,
    scopes: status.scopes,
    expires_at: status.expiresAt === null ? null : isoTime(status.expiresAt),
    refresh_token: status.refreshToken,
    token_type: status.tokenType,
    dpop_alg: status.dpopAlg,
    next_refresh_at: status.nextRefreshAt === null ? null : isoTime(status.nextRefreshAt),
    needs_login_reason: status.needsLoginReason,
    record_problem: status.recordProblem,
    registration: status.registration,
    provider: { id: status.provider.id, source: status.provider.source, reason: status.provider.reason },
    inline_client_secret: inlineClientSecret,
    allow_endpoint_downgrade: allowEndpointDowngrade,
  };
}

/** A stdio server: OAuth does not apply. */
export function stdioStatusJson(server: ServerConfig): ServerStatusJson {
  return {
    name: server.name,
    url: null,
    state: 'stdio',
    grant: null,
    enabled: server.enabled,
    issuer: null,
    resource: null,
    scopes: [],
    expires_at: null,
    refresh_token: false,
    token_type: null,
    dpop_alg: null,
    next_refresh_at: null,
    needs_login_reason: null,
    record_problem: null,
    registration: null,
    provider: null,
    inline_client_secret: false,
    allow_endpoint_downgrade: false,
  };
}

export function statusJson(
  configPath: string,
  store: StoreStatus,
  servers: readonly ServerStatusJson[],
  debug = false,
): StatusJson {
  return {
    schema_version: JSON_SCHEMA_VERSION,
    config_path: configPath,
    store: storeStatusJson(store, debug),
    servers,
  };
}
