import type { ConfigIssue, ResolvedServer, ResourcePolicy, Sourced } from '@mcp-oauth/config';
import { redactUri } from '@mcp-oauth/config';
import { type IssueJson, issueJson, JSON_SCHEMA_VERSION } from './json.js';
import { redactValues } from './redact.js';

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** An effective value in `get --json`: where it came from (`config`, `profile`, `default`) and the details. */
export interface SourcedJson<T extends Json = Json> {
  readonly value: T;
  readonly source: 'config' | 'profile' | 'default' | 'issuer';
  readonly detail: string;
}

/** `get --json`. Every field is always present (null when it does not apply); secrets never appear. */
export interface ServerDetailsJson {
  readonly schema_version: number;
  readonly config_path: string;
  readonly name: string;
  readonly transport: 'stdio' | 'streamable_http';
  readonly enabled: boolean;
  readonly required: boolean;
  readonly url: string | null;
  readonly bearer_token_env_var: string | null;
  readonly http_headers: Record<string, string> | null;
  readonly env_http_headers: Readonly<Record<string, string>> | null;
  readonly command: string | null;
  readonly args: readonly string[];
  readonly env: Record<string, string> | null;
  readonly env_vars: readonly { readonly name: string; readonly source: string | null }[];
  readonly cwd: string | null;
  /** Codex keys kept and shown; mcp-oauth does not act on them. */
  readonly supports_parallel_tool_calls: boolean;
  readonly default_tools_approval_mode: string | null;
  readonly tools: Readonly<Record<string, { readonly approval_mode: string | null }>> | null;
  readonly experimental_environment: string | null;
  /** Codex's `auth`: `"ema_auth"` = enterprise-managed authorization. */
  readonly auth: string | null;
  /** Codex's `http_headers_helper`: `"(set)"` when written (a command that may carry secrets), never run. */
  readonly http_headers_helper: string | null;
  /** Codex's `startup_readiness` and `environment_id`: shown. */
  readonly startup_readiness: string | null;
  readonly environment_id: string | null;
  readonly startup_timeout_ms: number | null;
  readonly tool_timeout_ms: number | null;
  readonly enabled_tools: readonly string[] | null;
  readonly disabled_tools: readonly string[] | null;
  readonly credentials_store: SourcedJson<string>;
  readonly oauth: OAuthDetailsJson | null;
  readonly warnings: readonly IssueJson[];
}

/** The `oauth` object of `get --json`. */
export interface OAuthDetailsJson {
  readonly provider: SourcedJson<string>;
  /**
   * `oauth.grant`: `authorization_code` (browser login), `device_code` (the device login is the default mode) or
   * `client_credentials` (a machine client).
   */
  readonly grant: SourcedJson<string>;
  /** The `private_key_jwt` key file's path as written (the key itself is never shown), or null. */
  readonly private_key_file: SourcedJson<string | null>;
  /** The name of the variable holding the key, or null. */
  readonly private_key_env_var: SourcedJson<string | null>;
  readonly client_assertion_alg: SourcedJson<string | null>;
  readonly client_assertion_kid: SourcedJson<string | null>;
  readonly token_endpoint_auth_method: SourcedJson<string | null>;
  readonly client_id: SourcedJson<string | null>;
  readonly client_secret_env_var: SourcedJson<string | null>;
  /** `"(inline, hidden)"` when `oauth.client_secret` is written in the file; the secret itself is never shown. */
  readonly client_secret: SourcedJson<string | null>;
  readonly authorization_server_issuer: SourcedJson<string | null>;
  readonly registration: SourcedJson<string>;
  readonly client_metadata_url: SourcedJson<string | null>;
  readonly callback_port: SourcedJson<number | null>;
  readonly callback_url: SourcedJson<string | null>;
  readonly resource: SourcedJson<string | false>;
  readonly scopes: SourcedJson<readonly string[] | null>;
  readonly scope_hints: SourcedJson<readonly string[]>;
  readonly extra_authorize_params: Readonly<Record<string, SourcedJson<string>>>;
  readonly audience_from_resource: SourcedJson<boolean>;
  readonly extra_token_params: Readonly<Record<string, SourcedJson<string>>>;
  readonly token_endpoint_headers: Readonly<Record<string, SourcedJson<string>>>;
  readonly send_scope_on_refresh: SourcedJson<boolean>;
  readonly allow_missing_pkce_metadata: SourcedJson<boolean>;
  readonly allow_issuer_mismatch: SourcedJson<boolean>;
  /** `oauth.allow_endpoint_downgrade`: http or loopback endpoints named by a remote https server are accepted. */
  readonly allow_endpoint_downgrade: SourcedJson<boolean>;
  /** `oauth.dpop`: `"auto"`, `true` or `false` (RFC 9449 sender-constrained tokens). */
  readonly dpop: SourcedJson<'auto' | boolean>;
}

/** `"auto"`, `false` (off) or the URI: the way it is written in TOML. */
export function resourceJson(policy: ResourcePolicy): string | false {
  if (policy.kind === 'auto') return 'auto';
  if (policy.kind === 'off') return false;
  return policy.uri;
}

function sourced<T, J extends Json>(value: Sourced<T>, map: (v: T) => J): SourcedJson<J> {
  return { value: map(value.value), source: value.source, detail: value.detail };
}

const orNull = <T>(value: T | undefined): T | null => value ?? null;

function sourcedTable(table: Readonly<Record<string, Sourced<string>>>): Record<string, SourcedJson<string>> {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [key, sourced(value, String)]));
}

/** What `get` shows for an inline `oauth.client_secret`: that it is set, never its value. */
export const INLINE_SECRET = '(inline, hidden)';

/** The note shown with an inline client secret: where it sits and how to move it out of the file. */
/** The note of `get` and `status` for a server whose `oauth.allow_endpoint_downgrade` is on. */
export function endpointDowngradeNote(server: string): string {
  return (
    `endpoint downgrade allowed by mcp_servers.${server}.oauth.allow_endpoint_downgrade: this server's ` +
    'authorization server may name http or loopback endpoints'
  );
}

export function inlineSecretNote(server: string): string {
  return (
    `mcp_servers.${server}.oauth.client_secret sits in plain text in the config file: move it to an environment ` +
    `variable, set mcp_servers.${server}.oauth.client_secret_env_var = "VAR_NAME" and delete client_secret`
  );
}

function oauthJson(resolved: ResolvedServer): OAuthDetailsJson | null {
  const oauth = resolved.oauth;
  if (oauth === undefined) return null;
  return {
    provider: { value: oauth.provider.id, source: oauth.provider.source, detail: oauth.provider.reason },
    grant: sourced(oauth.grant, String),
    private_key_file: sourced(oauth.privateKeyFile, orNull),
    private_key_env_var: sourced(oauth.privateKeyEnvVar, orNull),
    client_assertion_alg: sourced(oauth.clientAssertionAlg, orNull),
    client_assertion_kid: sourced(oauth.clientAssertionKid, orNull),
    token_endpoint_auth_method: sourced(oauth.tokenEndpointAuthMethod, orNull),
    client_id: sourced(oauth.clientId, orNull),
    client_secret_env_var: sourced(oauth.clientSecretEnvVar, orNull),
    client_secret: sourced(oauth.clientSecretInline, (inline) => (inline ? INLINE_SECRET : null)),
    authorization_server_issuer: sourced(oauth.authorizationServerIssuer, orNull),
    registration: sourced(oauth.registration, String),
    client_metadata_url: sourced(oauth.clientMetadataUrl, orNull),
    callback_port: sourced(oauth.callbackPort, orNull),
    callback_url: sourced(oauth.callbackUrl, orNull),
    resource: sourced(oauth.resource, resourceJson),
    scopes: sourced(oauth.scopes, orNull),
    scope_hints: sourced(oauth.scopeHints, (v) => v),
    extra_authorize_params: sourcedTable(oauth.extraAuthorizeParams),
    audience_from_resource: sourced(oauth.audienceFromResource, Boolean),
    extra_token_params: sourcedTable(oauth.extraTokenParams),
    token_endpoint_headers: sourcedTable(oauth.tokenEndpointHeaders),
    send_scope_on_refresh: sourced(oauth.sendScopeOnRefresh, Boolean),
    allow_missing_pkce_metadata: sourced(oauth.allowMissingPkceMetadata, Boolean),
    allow_issuer_mismatch: sourced(oauth.allowIssuerMismatch, Boolean),
    allow_endpoint_downgrade: sourced(oauth.allowEndpointDowngrade, Boolean),
    dpop: sourced(oauth.dpop, (v) => v),
  };
}

/** Builds the `get --json` document. Header values and stdio `env` values are redacted. */
export function serverDetails(
  resolved: ResolvedServer,
  configPath: string,
  warnings: readonly ConfigIssue[],
): ServerDetailsJson {
  const server = resolved.server;
  const http = server.transport === 'streamable_http' ? server : undefined;
  const stdio = server.transport === 'stdio' ? server : undefined;
  const prefix = `mcp_servers.${server.name}.`;
  return {
    schema_version: JSON_SCHEMA_VERSION,
    config_path: configPath,
    name: server.name,
    transport: server.transport,
    enabled: server.enabled,
    required: server.required,
    url: http === undefined ? null : redactUri(http.url),
    bearer_token_env_var: http?.bearerTokenEnvVar ?? null,
    http_headers: redactValues(http?.httpHeaders),
    env_http_headers: http?.envHttpHeaders ?? null,
    command: stdio?.command ?? null,
    args: stdio?.args ?? [],
    env: redactValues(stdio?.env),
    env_vars: (stdio?.envVars ?? []).map((v) => ({ name: v.name, source: v.source ?? null })),
    cwd: stdio?.cwd ?? null,
    supports_parallel_tool_calls: server.supportsParallelToolCalls,
    default_tools_approval_mode: server.defaultToolsApprovalMode ?? null,
    tools:
      server.tools === undefined
        ? null
        : Object.fromEntries(
            Object.entries(server.tools).map(([tool, c]) => [
              tool,
              { approval_mode: c.approvalMode ?? null },
            ]),
          ),
    experimental_environment: server.experimentalEnvironment ?? null,
    auth: server.auth ?? null,
    http_headers_helper: http?.httpHeadersHelper === undefined ? null : '(set)',
    startup_readiness: server.startupReadiness ?? null,
    environment_id: server.environmentId ?? null,
    startup_timeout_ms: server.startupTimeoutMs ?? null,
    tool_timeout_ms: server.toolTimeoutMs ?? null,
    enabled_tools: server.enabledTools ?? null,
    disabled_tools: server.disabledTools ?? null,
    credentials_store: sourced(resolved.credentialsStore, String),
    oauth: oauthJson(resolved),
    warnings: warnings.filter((w) => w.path.startsWith(prefix)).map(issueJson),
  };
}
