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
    'string (http loopback URL with port)',
    'http://127.0.0.1:PORT/callback/ID',
    'codex',
    'Exact redirect URI for every server (wins over `mcp_oauth_callback_port`); the login listens on its port and path.',
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
    '"auto" | "prompt" | "approve"',
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
    'string (e.g. "ema_auth")',
    'none',
    'Codex enterprise-managed auth mode; accepted and shown, not implemented.',
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
    'string (http loopback URL with port)',
    '`mcp_oauth_callback_url`',
    'Exact redirect URI for this server; the login listens on its port and path.',
    { origin: 'codex' },
  ),
  oauth(
    'authorization_server_issuer',
    'string (URL)',
    'none',
    'Expected authorization server issuer (Codex); accepted and shown, not used yet.',
    { origin: 'codex' },
  ),
  oauth(
    'registration',
    '"auto" | "preregistered" | "cimd" | "dcr"',
    '"auto"',
    'How the client is registered with the authorization server.',
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
]);

/** The keys of one table, by name. */
export function keysOf(table: ConfigTable): ReadonlyMap<string, ConfigKeyInfo> {
  return new Map(CONFIG_KEYS.filter((info) => info.table === table).map((info) => [info.key, info]));
}
