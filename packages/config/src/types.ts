import type { ConfigIssue } from './errors.js';

/** Where OAuth credentials are kept. Codex knows `auto`, `keyring` and `file`; `keyv` is this project's addition. */
export type CredentialsStoreMode = 'auto' | 'keyring' | 'file' | 'keyv';

/** How the OAuth client is registered with the authorization server. `auto` = pre-registered when `client_id` is
 * set, else a Client ID Metadata Document when the AS supports it and `client_metadata_url` is set, else DCR. */
export type RegistrationMode = 'auto' | 'preregistered' | 'cimd' | 'dcr';

/**
 * `oauth.grant`: how this server's tokens are obtained. `authorization_code` (default): the browser login (or
 * paste-back); `device_code`: the RFC 8628 device authorization grant (a code to enter on another device);
 * `client_credentials` (RFC 6749 §4.4): the client's own credentials, no user (the MCP `oauth-client-credentials`
 * extension); `workload_identity`: the workload's own JWT with the JWT bearer grant (RFC 7523, SEP-1933).
 */
export type OAuthGrant = 'authorization_code' | 'device_code' | 'client_credentials' | 'workload_identity';

/** JWS algorithms a `private_key_jwt` client assertion may be signed with (asymmetric only; RFC 7518, RFC 8037). */
export const CLIENT_ASSERTION_ALGS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
] as const;
export type ClientAssertionAlg = (typeof CLIENT_ASSERTION_ALGS)[number];

/**
 * `oauth.dpop`: DPoP (RFC 9449) sender-constrained tokens. `auto` (default): on when the authorization server lists
 * `dpop_signing_alg_values_supported`; `true`: always (a server without DPoP support is still sent proofs, which it
 * ignores); `false`: never (bearer tokens only).
 */
export type DpopMode = 'auto' | boolean;

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
  readonly approvalMode?: ApprovalMode;
}

/** Codex's tool approval modes. */
export type ApprovalMode = 'auto' | 'prompt' | 'writes' | 'approve';

/** Codex's `auth` of a server: `ema_auth` selects enterprise-managed authorization. */
export type ServerAuthMode = 'oauth' | 'chatgpt' | 'ema_auth';

/**
 * `[mcp_servers.NAME.oauth.workload_identity]`: where the workload's JWT comes from (exactly one source; read
 * anew for every token request, so a rotated file is picked up) and what it must say.
 */
export interface WorkloadIdentityConfig {
  /** A file holding the JWT (a Kubernetes projected service-account token, a CI OIDC token written to disk). */
  readonly tokenFile?: string;
  /** An environment variable holding the JWT. */
  readonly tokenEnvVar?: string;
  /** A program and its arguments (no shell) that prints the JWT on stdout. */
  readonly tokenCommand?: readonly string[];
  /**
   * The `aud` the workload token carries, when the platform issues it for a fixed audience. Default: the
   * authorization server's issuer or token endpoint (RFC 7523 §3).
   */
  readonly audience?: string;
  /** The `iss` the workload token must have (checked before it is sent). Default: not checked by the client. */
  readonly issuer?: string;
}

/**
 * Codex's `[mcp_enterprise_managed_auth.idp]`: the enterprise IdP that users sign in to once, for every
 * `auth = "ema_auth"` server. `issuer` and `client_id` are Codex's keys; the rest are this project's additions.
 */
export interface EnterpriseIdpConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Codex's inline `client_secret` of the IdP client. Never print it; prefer `clientSecretEnvVar`. */
  readonly clientSecret?: string;
  /** Codex's `token_endpoint_auth_method` of the IdP client (needs a secret). */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** An environment variable holding the IdP client's secret, for an IdP that requires a confidential client. */
  readonly clientSecretEnvVar?: string;
  /** Scopes of the IdP login. Default `openid`, plus `offline_access` when the IdP lists it. */
  readonly scopes?: readonly string[];
  readonly extraAuthorizeParams?: Readonly<Record<string, string>>;
  /** Loopback callback port of the IdP login. Default `mcp_oauth_callback_port`, else OS-chosen. */
  readonly callbackPort?: number;
}

/** The `[mcp_servers.NAME.oauth]` table as written. An absent value means "not configured": the resolved view
 * (`resolveServer`) fills it from a provider profile or a default and says which. */
export interface OAuthConfig {
  /** `grant`: how tokens are obtained. Absent: `authorization_code`. */
  readonly grant?: OAuthGrant;
  readonly clientId?: string;
  readonly clientSecretEnvVar?: string;
  /** `client_secret` written inline (Codex's `--oauth-client-secret`). Never print it. */
  readonly clientSecret?: string;
  readonly callbackPort?: number;
  /** `callback_url`: the exact redirect URI of this server's login. */
  readonly callbackUrl?: string;
  /** Codex's `authorization_server_issuer` (only with `auth = "ema_auth"`): the MCP authorization server of
   * enterprise-managed authorization. */
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
  /**
   * `allow_endpoint_downgrade`: accept endpoints (and authorization servers) that are http or loopback although the
   * https document naming them comes from a host that is not loopback. Trusted only from the user's own config.
   */
  readonly allowEndpointDowngrade?: boolean;
  /** `workload_identity`, required with `grant = "workload_identity"`. */
  readonly workloadIdentity?: WorkloadIdentityConfig;
  /**
   * `private_key_file`: a PEM (PKCS#8, SEC1 or PKCS#1) or JWK file holding the `private_key_jwt` key, as written
   * (relative paths are resolved against the config file's directory at use time).
   */
  readonly privateKeyFile?: string;
  /** `private_key_env_var`: the environment variable holding the key itself (PEM or JWK JSON). */
  readonly privateKeyEnvVar?: string;
  /** `client_assertion_alg`: the JWS algorithm of the assertions; default from the key (its `alg`, or its type). */
  readonly clientAssertionAlg?: ClientAssertionAlg;
  /** `client_assertion_kid`: the `kid` header; default the JWK's `kid`, else none. */
  readonly clientAssertionKid?: string;
  /**
   * `token_endpoint_auth_method` of a client-credentials client, as registered at the AS (RFC 7591 §2). Default: a
   * key → `private_key_jwt`; a secret → `client_secret_basic` when the AS lists it (or nothing), else
   * `client_secret_post`. Also Codex's key with `auth = "ema_auth"` (basic or post, with an inline `client_secret`).
   */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  readonly dpop?: DpopMode;
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
  readonly defaultToolsApprovalMode?: ApprovalMode;
  readonly tools?: Readonly<Record<string, ToolConfig>>;
  readonly experimentalEnvironment?: string;
  /** Codex's `auth`: `"ema_auth"` selects enterprise-managed authorization (ID-JAG) through the configured IdP. */
  readonly auth?: ServerAuthMode;
  /** Codex's `startup_readiness`: kept and shown. */
  readonly startupReadiness?: 'connection' | 'catalog';
  /** Codex's `environment_id`: kept and shown. */
  readonly environmentId?: string;
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
  /** Codex's `http_headers_helper` (a command printing headers): kept and shown, never run by mcp-oauth. */
  readonly httpHeadersHelper?: string;
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
  /** Codex's `mcp_optional_startup_grace_ms`: kept and shown. */
  readonly optionalStartupGraceMs?: number;
  /** `[mcp_enterprise_managed_auth.idp]` (Codex), when set. Only ever read from a user-level config file. */
  readonly enterpriseIdp?: EnterpriseIdpConfig;
  /** `[features] use_xaa` (Codex): enterprise-managed authorization is on only when true. Default false. */
  readonly useXaa?: boolean;
  /** `mcp_oauth_max_response_bytes`: the largest MCP response body read (default 16777216, 16 MiB). */
  readonly maxResponseBytes?: number;
  /** Servers in file order. */
  readonly servers: readonly ServerConfig[];
  /** Things that load but deserve attention (for example unknown server-level keys). */
  readonly warnings: readonly ConfigIssue[];
}
