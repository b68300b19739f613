/** Which table a key lives in: the top level of the file, `[mcp_servers.NAME]`, or `[mcp_servers.NAME.oauth]`. */
export type ConfigTable = 'top' | 'server' | 'oauth';

/** One key of the schema, as documented in `docs/config.md`. */
export interface ConfigKeyInfo {
  readonly key: string;
  readonly table: ConfigTable;
  /** Server keys that belong to one transport only. */
  readonly transport?: 'stdio' | 'streamable_http';
  /** `codex` = Codex accepts it with this meaning; `mcp-oauth` = this project's addition. */
  readonly origin: 'codex' | 'mcp-oauth';
  /** Refused keys are recognised only to give a precise error (inline secrets). */
  readonly refused?: boolean;
  readonly type: string;
  readonly default: string;
  readonly summary: string;
}

const top = (key: string, type: string, dflt: string, origin: ConfigKeyInfo['origin'], summary: string) =>
  ({ key, table: 'top', type, default: dflt, origin, summary }) as const satisfies ConfigKeyInfo;

const server = (
  key: string,
  type: string,
  dflt: string,
  summary: string,
  extra: Partial<Pick<ConfigKeyInfo, 'transport' | 'origin' | 'refused'>> = {},
) =>
  ({
    key,
    table: 'server',
    type,
    default: dflt,
    origin: 'codex',
    summary,
    ...extra,
  }) as const satisfies ConfigKeyInfo;

const oauth = (
  key: string,
  type: string,
  dflt: string,
  summary: string,
  extra: Partial<Pick<ConfigKeyInfo, 'origin' | 'refused'>> = {},
) =>
  ({
    key,
    table: 'oauth',
    type,
    default: dflt,
    origin: 'mcp-oauth',
    summary,
    ...extra,
  }) as const satisfies ConfigKeyInfo;

/**
 * Every key of the schema. The parser recognises exactly these keys (unknown top-level keys are ignored silently,
 * unknown server keys are warnings, unknown oauth keys are errors), and a test checks each is documented.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export const CONFIG_KEYS: readonly ConfigKeyInfo[] = Object.freeze([
  top(
    'mcp_servers',
    'table of server tables',
    'none',
    'codex',
    'The servers, one `[mcp_servers.NAME]` table each.',
  ),
  top(
    'mcp_oauth_credentials_store',
    '"auto" | "keyring" | "file" | "keyv"',
    '"auto"',
    'codex',
    "Where OAuth credentials are stored (`keyv` is this project's addition).",
  ),
  top(
    'mcp_oauth_keyv_url',
    'string (URI)',
    'none',
    'mcp-oauth',
    'Keyv backend URL (e.g. `redis://127.0.0.1:6379`); required with the `keyv` store.',
  ),
  top(
    'mcp_oauth_callback_port',
    'integer 1–65535',
    'OS-chosen',
    'codex',
    'Loopback port of the OAuth callback server, for every server.',
  ),
  top(
    'mcp_oauth_callback_url',
    'string (http loopback URL)',
    'http://127.0.0.1:PORT/callback/ID',
    'codex',
    'Exact redirect URI for every server; the login listens on its port and path (port left out: `mcp_oauth_callback_port` or OS-chosen). Codex appends `/ID`; see the Codex table.',
  ),
  top(
    'mcp_optional_startup_grace_ms',
    'integer (milliseconds)',
    'none',
    'codex',
    'How long Codex waits for optional servers at start-up; accepted and shown.',
  ),
  top(
    'mcp_enterprise_managed_auth',
    'table `{ idp = { issuer, client_id, client_secret, token_endpoint_auth_method } }`',
    'none',
    'codex',
    'Enterprise identity provider of `auth = "ema_auth"` servers; parsed and shown (`client_secret` never printed).',
  ),
  top(
    'features',
    'table (only `use_xaa`, a boolean, is read)',
    'none',
    'codex',
    'Codex feature flags; `features.use_xaa` (cross-app access) is parsed and shown, the others are ignored.',
  ),
  top(
    'mcp_enterprise_managed_auth.idp.issuer',
    'string (https URL)',
    'none',
    'codex',
    'Enterprise IdP issuer for every `auth = "ema_auth"` server; read only from the user-level config file.',
  ),
  top(
    'mcp_enterprise_managed_auth.idp.client_id',
    'string',
    'none',
    'codex',
    "This client's id at the enterprise IdP (sign-in and token exchange).",
  ),
  top(
    'mcp_enterprise_managed_auth.idp.client_secret_env_var',
    'string (env var name)',
    'none (public client)',
    'mcp-oauth',
    'Environment variable holding the IdP client secret, when the IdP requires a confidential client.',
  ),
  top(
    'mcp_enterprise_managed_auth.idp.scopes',
    'array of strings',
    '`openid` (+ `offline_access` when listed)',
    'mcp-oauth',
    'Scopes of the IdP sign-in.',
  ),
  top(
    'mcp_enterprise_managed_auth.idp.extra_authorize_params',
    'table of strings',
    '{}',
    'mcp-oauth',
    'Extra parameters of the IdP authorization request (reserved keys refused).',
  ),
  top(
    'mcp_enterprise_managed_auth.idp.callback_port',
    'integer 1–65535',
    '`mcp_oauth_callback_port`',
    'mcp-oauth',
    'Loopback callback port of the IdP sign-in.',
  ),
  top(
    'features.use_xaa',
    'boolean',
    'false',
    'codex',
    'Turns enterprise-managed authorization (cross-app access) on; `ema_auth` servers fail without it.',
  ),
  top(
    'mcp_oauth_max_response_bytes',
    'integer ≥ 1024',
    '16777216 (16 MiB)',
    'mcp-oauth',
    'Largest MCP response body read; a larger one is refused with `response_too_large` (exit 5) before it is held in memory.',
  ),

  server('command', 'string', 'none', 'Program to start: makes this a stdio server.', { transport: 'stdio' }),
  server('args', 'array of strings', '[]', 'Arguments of `command`.', { transport: 'stdio' }),
  server('env', 'table of strings', 'none', 'Environment variables set for `command`.', {
    transport: 'stdio',
  }),
  server(
    'env_vars',
    'array of strings or { name, source }',
    '[]',
    'Environment variables passed through to `command` (`source` = `local` | `remote`).',
    { transport: 'stdio' },
  ),
  server('cwd', 'string (path)', 'current directory', 'Working directory of `command`.', {
    transport: 'stdio',
  }),
  server('url', 'string (URL)', 'none', 'MCP endpoint: makes this a streamable HTTP server.', {
    transport: 'streamable_http',
  }),
  server('bearer_token', 'refused', 'none', 'Refused: an inline token; use `bearer_token_env_var`.', {
    transport: 'streamable_http',
    refused: true,
  }),
  server(
    'bearer_token_env_var',
    'string (env var name)',
    'none',
    'Send `Authorization: Bearer $VAR` instead of using OAuth.',
    { transport: 'streamable_http' },
  ),
  server('http_headers', 'table of strings', 'none', 'Extra HTTP headers sent to the MCP server.', {
    transport: 'streamable_http',
  }),
  server(
    'env_http_headers',
    'table of strings',
    'none',
    'Extra HTTP headers whose values are read from the named environment variables.',
    { transport: 'streamable_http' },
  ),
  server(
    'scopes',
    'array of strings',
    'from the challenge or metadata',
    'OAuth scopes to request at login.',
    { transport: 'streamable_http' },
  ),
  server('oauth_resource', 'string (URI)', 'none', 'Codex\'s spelling of `oauth.resource = "<uri>"`.', {
    transport: 'streamable_http',
  }),
  server('oauth', 'table', 'none', 'OAuth settings (see the oauth keys).', { transport: 'streamable_http' }),
  server('enabled', 'boolean', 'true', 'When false the server is skipped.'),
  server('required', 'boolean', 'false', 'When true, failing to start this server fails the run.'),
  server(
    'startup_timeout_sec',
    'number (seconds)',
    'client default',
    'Startup timeout; wins over `startup_timeout_ms`.',
  ),
  server(
    'startup_timeout_ms',
    'integer (milliseconds)',
    'client default',
    'Startup timeout in milliseconds.',
  ),
  server('tool_timeout_sec', 'number (seconds)', 'client default', 'Timeout of one tool call.'),
  server('enabled_tools', 'array of strings', 'all tools', 'Allow-list of tools.'),
  server('disabled_tools', 'array of strings', 'none', 'Deny-list of tools, applied after `enabled_tools`.'),
  server(
    'supports_parallel_tool_calls',
    'boolean',
    'false',
    'Tools of this server may be called in parallel (Codex).',
  ),
  server(
    'default_tools_approval_mode',
    '"auto" | "prompt" | "writes" | "approve"',
    'none',
    'Approval mode for tools without an override (Codex).',
  ),
  server('tools', 'table of { approval_mode }', 'none', 'Per-tool approval settings (Codex).'),
  server(
    'experimental_environment',
    'string',
    'none',
    'Where Codex starts the server (Codex, experimental).',
  ),
  server('name', 'string', 'none', 'Legacy display name, accepted and ignored (Codex).'),
  server(
    'auth',
    '"oauth" | "chatgpt" | "ema_auth"',
    'none',
    '`"ema_auth"` (Codex): enterprise-managed authorization (ID-JAG token exchange at the IdP, then JWT bearer at the server\'s AS).',
  ),
  server(
    'http_headers_helper',
    'string (command)',
    'none',
    'Command Codex runs to get HTTP headers; accepted and shown, never run by mcp-oauth.',
    { transport: 'streamable_http' },
  ),
  server(
    'startup_readiness',
    '"connection" | "catalog"',
    'none',
    'When Codex counts the server as started; shown.',
  ),
  server('environment_id', 'string', 'none', 'Codex environment the server belongs to; shown.'),

  oauth(
    'grant',
    '"authorization_code" | "client_credentials" | "workload_identity"',
    '"authorization_code"',
    "How tokens are obtained: a browser login, the client-credentials grant (machine clients; no login step), or the workload's own JWT (SEP-1933, RFC 7523).",
  ),
  oauth('client_id', 'string', 'none', 'Pre-registered OAuth client id.', { origin: 'codex' }),
  oauth(
    'callback_port',
    'integer 1–65535',
    '`mcp_oauth_callback_port`',
    'Loopback callback port for this server.',
    {
      origin: 'codex',
    },
  ),
  oauth(
    'client_secret_env_var',
    'string (env var name)',
    'none',
    'Environment variable holding the client secret (confidential clients such as Google Desktop apps).',
  ),
  oauth(
    'client_secret',
    'string',
    'none',
    'Inline client secret, as `codex mcp add --oauth-client-secret` writes it: used like `client_secret_env_var`, never printed; prefer the env var.',
    { origin: 'codex' },
  ),
  oauth(
    'callback_url',
    'string (http loopback URL)',
    '`mcp_oauth_callback_url`',
    'Exact redirect URI for this server; the login listens on its port and path (port left out, as `codex mcp add` writes it: `callback_port`, `mcp_oauth_callback_port` or OS-chosen).',
    { origin: 'codex' },
  ),
  oauth(
    'authorization_server_issuer',
    'string (https URL)',
    'none',
    'Only with `auth = "ema_auth"` (Codex refuses it otherwise): the MCP authorization server of enterprise-managed authorization; parsed and shown.',
    { origin: 'codex' },
  ),
  oauth(
    'registration',
    '"auto" | "preregistered" | "cimd" | "dcr"',
    '"auto"',
    'How the client is registered with the authorization server.',
  ),
  oauth(
    'grant',
    '"authorization_code" | "device_code" | "client_credentials"',
    '"authorization_code"',
    'How tokens are obtained: the browser login, the RFC 8628 device flow (a code entered on another device; the default mode of `mcp-oauth login NAME`), or the client-credentials grant (machine clients; no login step).',
  ),
  oauth(
    'client_metadata_url',
    'string (https URL)',
    'none',
    'Client ID Metadata Document URL, used as `client_id` with CIMD.',
  ),
  oauth(
    'provider',
    '"google" | "entra" | "auth0" | "atlassian" | "github" | "keycloak" | "generic"',
    'detected from the issuer',
    'Provider profile to apply.',
  ),
  oauth('resource', '"auto" | string (URI) | false', '"auto"', 'RFC 8707 resource policy.'),
  oauth(
    'extra_authorize_params',
    'table of strings',
    "{} (plus the profile's)",
    'Extra authorization-request parameters.',
  ),
  oauth(
    'extra_token_params',
    'table of strings',
    "{} (plus the profile's)",
    'Extra token-request parameters.',
  ),
  oauth(
    'allow_missing_pkce_metadata',
    'boolean',
    'false',
    'Escape hatch: proceed when the AS metadata omits `code_challenge_methods_supported` (Entra, Cognito).',
  ),
  oauth(
    'allow_issuer_mismatch',
    'boolean',
    'false',
    'Escape hatch: accept AS metadata whose `issuer` differs from the discovery URL (Entra `/common`).',
  ),
  oauth(
    'allow_endpoint_downgrade',
    'boolean',
    'false',
    'Escape hatch: accept http or loopback endpoints named by a remote https server (refused as `endpoint_downgrade` otherwise). User config only.',
  ),
  oauth(
    'workload_identity',
    '{ token_file | token_env_var | token_command, audience?, issuer? }',
    'none',
    'Where the workload JWT comes from (exactly one source, re-read for every token request) and what it must say.',
  ),
  oauth(
    'private_key_file',
    'string (path)',
    'none',
    '`private_key_jwt` key file (PEM or JWK; relative to the config file), for `grant = "client_credentials"`.',
  ),
  oauth(
    'private_key_env_var',
    'string (env var name)',
    'none',
    'Environment variable holding the `private_key_jwt` key itself (PEM or JWK JSON).',
  ),
  oauth(
    'client_assertion_alg',
    '"ES256" | "RS256" | "PS256" | "EdDSA" | … (asymmetric JWS)',
    "the key's",
    'Signing algorithm of the client assertions; must be one the AS lists.',
  ),
  oauth('client_assertion_kid', 'string', "the JWK's `kid`", '`kid` header of the client assertions.'),
  oauth(
    'token_endpoint_auth_method',
    '"client_secret_basic" | "client_secret_post" | "private_key_jwt"',
    'from the credential and the AS metadata',
    'Client authentication of a client-credentials client, as registered at the AS; with Codex\'s `auth = "ema_auth"` (basic or post, and an inline `client_secret`, as Codex requires) parsed and shown.',
    { origin: 'codex' },
  ),
  oauth(
    'dpop',
    '"auto" | true | false',
    '"auto"',
    'DPoP (RFC 9449) sender-constrained tokens: `auto` when the AS lists `dpop_signing_alg_values_supported`.',
  ),
]);

/** The keys of one table, by name. */
export function keysOf(table: ConfigTable): ReadonlyMap<string, ConfigKeyInfo> {
  return new Map(CONFIG_KEYS.filter((info) => info.table === table).map((info) => [info.key, info]));
}
