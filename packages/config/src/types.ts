import type { ConfigIssue } from './errors.js';

/** Where OAuth credentials are kept. Codex knows `auto`, `keyring` and `file`; `keyv` is this project's addition. */
export type CredentialsStoreMode = 'auto' | 'keyring' | 'file' | 'keyv';

/** How the OAuth client is registered with the authorization server. `auto` = pre-registered when `client_id` is
 * set, else a Client ID Metadata Document when the AS supports it and `client_metadata_url` is set, else DCR. */
export type RegistrationMode = 'auto' | 'preregistered' | 'cimd' | 'dcr';

/** Provider profile names. */
export type ProviderId = 'google' | 'entra' | 'auth0' | 'atlassian' | 'github' | 'keycloak' | 'generic';

/**
 * The RFC 8707 `resource` policy of a server: `auto` sends the protected-resource metadata's `resource` verbatim,
 * `uri` sends the given absolute URI, `off` sends no `resource` at all.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export type ResourcePolicy =
  | { readonly kind: 'auto' }
  | { readonly kind: 'uri'; readonly uri: string }
  | { readonly kind: 'off' };

/** Codex's `env_vars` entry: a variable name, optionally with where it is read (`local` or `remote`). */
export interface EnvVarRef {
  readonly name: string;
  readonly source?: 'local' | 'remote';
}

/** Codex's per-tool approval settings (`[mcp_servers.NAME.tools.TOOL]`). */
export interface ToolConfig {
  readonly approvalMode?: 'auto' | 'prompt' | 'approve';
}

/** The `[mcp_servers.NAME.oauth]` table as written. An absent value means "not configured": the resolved view
 * (`resolveServer`) fills it from a provider profile or a default and says which. */
export interface OAuthConfig {
  readonly clientId?: string;
  readonly clientSecretEnvVar?: string;
  /** `client_secret` written inline (Codex's `--oauth-client-secret`). Never print it. */
  readonly clientSecret?: string;
  readonly callbackPort?: number;
  /** `callback_url`: the exact redirect URI of this server's login. */
  readonly callbackUrl?: string;
  /** Codex's `authorization_server_issuer`: kept and shown, not used. */
  readonly authorizationServerIssuer?: string;
  readonly registration?: RegistrationMode;
  readonly clientMetadataUrl?: string;
  readonly provider?: ProviderId;
  readonly resource?: ResourcePolicy;
  /** Which key set `resource`: this project's `oauth.resource` or Codex's server-level `oauth_resource`. */
  readonly resourceKey?: 'oauth.resource' | 'oauth_resource';
  readonly extraAuthorizeParams?: Readonly<Record<string, string>>;
  readonly extraTokenParams?: Readonly<Record<string, string>>;
  readonly allowMissingPkceMetadata?: boolean;
  readonly allowIssuerMismatch?: boolean;
}

/** Keys shared by both transports (Codex's meaning). Timeouts are normalised to milliseconds. */
export interface ServerCommon {
  readonly name: string;
  /** Default true. When false the server is skipped. */
  readonly enabled: boolean;
  /** Default false. When true a failure to start this server is an error for the whole run. */
  readonly required: boolean;
  /** From `startup_timeout_sec` (wins) or `startup_timeout_ms`; absent = the client's default. */
  readonly startupTimeoutMs?: number;
  /** From `tool_timeout_sec`; absent = the client's default. */
  readonly toolTimeoutMs?: number;
  readonly enabledTools?: readonly string[];
  readonly disabledTools?: readonly string[];
  readonly supportsParallelToolCalls: boolean;
  readonly defaultToolsApprovalMode?: 'auto' | 'prompt' | 'approve';
  readonly tools?: Readonly<Record<string, ToolConfig>>;
  readonly experimentalEnvironment?: string;
  /** Codex's `auth` (e.g. `"ema_auth"`): kept and shown, not implemented. */
  readonly auth?: string;
  /** Server-level keys this version does not know (reported as warnings, otherwise ignored). */
  readonly unknownKeys: readonly string[];
}

/** A server started as a child process (MCP stdio transport). */
export interface StdioServerConfig extends ServerCommon {
  readonly transport: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly envVars: readonly EnvVarRef[];
  readonly cwd?: string;
}

/** A remote server (MCP Streamable HTTP transport), the kind OAuth applies to. */
export interface HttpServerConfig extends ServerCommon {
  readonly transport: 'streamable_http';
  readonly url: string;
  readonly bearerTokenEnvVar?: string;
  readonly httpHeaders?: Readonly<Record<string, string>>;
  readonly envHttpHeaders?: Readonly<Record<string, string>>;
  readonly scopes?: readonly string[];
  /** Always present; empty when the file has no oauth settings for this server. */
  readonly oauth: OAuthConfig;
}

/** One `[mcp_servers.NAME]` entry. */
export type ServerConfig = StdioServerConfig | HttpServerConfig;

/** A validated, deeply frozen configuration. */
export interface McpOAuthConfig {
  /** The file it was read from, when there is one. */
  readonly path?: string;
  /** `mcp_oauth_credentials_store`; absent = `auto`. */
  readonly credentialsStore?: CredentialsStoreMode;
  /** `mcp_oauth_keyv_url`, used with the `keyv` store (may hold a password: never print it unredacted). */
  readonly keyvUrl?: string;
  /** `mcp_oauth_callback_port`: the default loopback callback port for every server. */
  readonly callbackPort?: number;
  /** `mcp_oauth_callback_url`: the redirect URI to register and listen on instead of the default. */
  readonly callbackUrl?: string;
  /** `mcp_oauth_max_response_bytes`: the largest MCP response body read (default 16777216, 16 MiB). */
  readonly maxResponseBytes?: number;
  /** Servers in file order. */
  readonly servers: readonly ServerConfig[];
  /** Things that load but deserve attention (for example unknown server-level keys). */
  readonly warnings: readonly ConfigIssue[];
}
