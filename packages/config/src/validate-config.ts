import type { z } from 'zod';
import { keysOf } from './config-keys.js';
import { deepFreeze } from './deep-freeze.js';
import { closestKey } from './did-you-mean.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { formatKey, formatKeyPath } from './key-path.js';
import type { KeyLocator } from './locate-keys.js';
import {
  RESERVED_AUTHORIZE_PARAMS,
  RESERVED_TOKEN_PARAMS,
  type ReservedParam,
  reservedParamMessage,
} from './reserved-params.js';
import type {
  CredentialsStoreMode,
  EnvVarRef,
  HttpServerConfig,
  McpOAuthConfig,
  OAuthConfig,
  ProviderId,
  RegistrationMode,
  ResourcePolicy,
  ServerCommon,
  ServerConfig,
  StdioServerConfig,
  ToolConfig,
} from './types.js';
import { OAUTH_SCHEMAS, SERVER_SCHEMAS, TOP_SCHEMAS } from './value-schemas.js';

type Path = readonly (string | number)[];
type Table = Record<string, unknown>;

const SERVER_NAME = /^[A-Za-z0-9_-]+$/;
const SERVER_KEYS = keysOf('server');
const OAUTH_KEYS = keysOf('oauth');
/** Keys worth suggesting for a typo (never a refused key). */
const suggestible = (keys: ReadonlyMap<string, { refused?: boolean }>) =>
  [...keys].filter(([, info]) => info.refused !== true).map(([key]) => key);

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  return 'a table';
}

function valueAt(value: unknown, subPath: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of subPath) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

interface RawIssue {
  readonly path: Path;
  readonly message: string;
}

/** Collects every issue of a document, so all are reported at once. */
class Collector {
  readonly errors: RawIssue[] = [];
  readonly warnings: RawIssue[] = [];

  error(path: Path, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: Path, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Validates one value with its schema; records the issues and returns whether it is valid. */
  check(schema: z.ZodType | undefined, value: unknown, path: Path): boolean {
    if (schema === undefined) throw new Error(`no schema for ${formatKeyPath(path)}`);
    const result = schema.safeParse(value);
    if (result.success) return true;
    for (const issue of result.error.issues) {
      const sub = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
      const found = issue.code === 'invalid_type' ? ` (found ${describe(valueAt(value, issue.path))})` : '';
      this.error([...path, ...sub], `${issue.message}${found}`);
    }
    return false;
  }
}

const stringRecord = (value: unknown): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(value as Table) as [string, string][]);

function checkReservedParams(
  params: unknown,
  reserved: Readonly<Record<string, ReservedParam>>,
  path: Path,
  serverName: string,
  out: Collector,
): void {
  if (!isTable(params)) return;
  for (const key of Object.keys(params)) {
    if (key === '') out.error([...path, key], 'parameter names must not be empty');
    // Compared without case, as the authorize step does: a `Resource` would otherwise pass here and fail at login.
    const name = key.toLowerCase();
    const rule = Object.hasOwn(reserved, name) ? reserved[name] : undefined;
    if (rule !== undefined)
      out.error([...path, key], reservedParamMessage(name, rule, formatKey(serverName)));
  }
}

function toResourcePolicy(value: unknown): ResourcePolicy {
  if (value === false) return { kind: 'off' };
  if (value === 'auto') return { kind: 'auto' };
  return { kind: 'uri', uri: value as string };
}

function checkOAuth(
  name: string,
  table: Table,
  oauthResource: string | undefined,
  out: Collector,
): OAuthConfig {
  const base = ['mcp_servers', name, 'oauth'];
  const server = `mcp_servers.${formatKey(name)}`;
  let valid = true;
  for (const [key, value] of Object.entries(table)) {
    if (!OAUTH_KEYS.has(key)) {
      // Unknown keys in the oauth table are errors: a typo must never silently do nothing.
      const guess = closestKey(key, suggestible(OAUTH_KEYS));
      const hint =
        guess !== undefined
          ? `; did you mean ${JSON.stringify(guess)}?`
          : '; see docs/config.md for the oauth keys';
      out.error([...base, key], `unknown key in the oauth table${hint}`);
      valid = false;
    } else if (!out.check(OAUTH_SCHEMAS[key], value, [...base, key])) valid = false;
  }
  checkReservedParams(
    table.extra_authorize_params,
    RESERVED_AUTHORIZE_PARAMS,
    [...base, 'extra_authorize_params'],
    name,
    out,
  );
  checkReservedParams(
    table.extra_token_params,
    RESERVED_TOKEN_PARAMS,
    [...base, 'extra_token_params'],
    name,
    out,
  );
  if (oauthResource !== undefined && table.resource !== undefined && table.resource !== oauthResource) {
    out.error(
      [...base, 'resource'],
      `conflicts with ${server}.oauth_resource = ${JSON.stringify(oauthResource)} (Codex's spelling of the same setting); set only one`,
    );
  }
  if (table.registration === 'preregistered' && table.client_id === undefined) {
    out.error([...base, 'registration'], `"preregistered" needs ${server}.oauth.client_id`);
  }
  if (table.registration === 'cimd' && table.client_metadata_url === undefined) {
    out.error([...base, 'registration'], `"cimd" needs ${server}.oauth.client_metadata_url`);
  }
  if (table.client_secret !== undefined && table.client_secret_env_var !== undefined) {
    out.error(
      [...base, 'client_secret'],
      `set either ${server}.oauth.client_secret (inline) or ${server}.oauth.client_secret_env_var, not both`,
    );
  }
  if (table.client_secret !== undefined && table.client_id === undefined) {
    out.error(
      [...base, 'client_secret'],
      `needs ${server}.oauth.client_id: a client secret belongs to a pre-registered client`,
    );
  }
  if (table.client_secret_env_var !== undefined && table.client_id === undefined) {
    out.error(
      [...base, 'client_secret_env_var'],
      `needs ${server}.oauth.client_id: a client secret belongs to a pre-registered client`,
    );
  }
  if (!valid) return {};
  const resourceValue = table.resource ?? oauthResource;
  return {
    clientId: table.client_id as string | undefined,
    clientSecretEnvVar: table.client_secret_env_var as string | undefined,
    clientSecret: table.client_secret as string | undefined,
    callbackPort: table.callback_port as number | undefined,
    callbackUrl: table.callback_url as string | undefined,
    authorizationServerIssuer: table.authorization_server_issuer as string | undefined,
    registration: table.registration as RegistrationMode | undefined,
    clientMetadataUrl: table.client_metadata_url as string | undefined,
    provider: table.provider as ProviderId | undefined,
    resource: resourceValue === undefined ? undefined : toResourcePolicy(resourceValue),
    resourceKey:
      table.resource !== undefined
        ? 'oauth.resource'
        : oauthResource !== undefined
          ? 'oauth_resource'
          : undefined,
    extraAuthorizeParams:
      table.extra_authorize_params === undefined ? undefined : stringRecord(table.extra_authorize_params),
    extraTokenParams:
      table.extra_token_params === undefined ? undefined : stringRecord(table.extra_token_params),
    allowMissingPkceMetadata: table.allow_missing_pkce_metadata as boolean | undefined,
    allowIssuerMismatch: table.allow_issuer_mismatch as boolean | undefined,
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function checkServerKeys(
  name: string,
  table: Table,
  transport: 'stdio' | 'streamable_http',
  out: Collector,
): boolean {
  const base = ['mcp_servers', name];
  const server = `mcp_servers.${formatKey(name)}`;
  let valid = true;
  for (const [key, value] of Object.entries(table)) {
    const info = SERVER_KEYS.get(key);
    if (info === undefined) {
      if (OAUTH_KEYS.has(key)) {
        out.error(
          [...base, key],
          `belongs in the oauth table: write it under [${server}.oauth] (${server}.oauth.${key})`,
        );
        valid = false;
        continue;
      }
      // Unknown server-level keys are warnings: Codex grows, and its config must keep loading.
      const guess = closestKey(key, suggestible(SERVER_KEYS));
      out.warn(
        [...base, key],
        `unknown key, ignored${guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`,
      );
      continue;
    }
    if (key === 'bearer_token') {
      out.error(
        [...base, key],
        `inline bearer tokens are not allowed (Codex refuses them too): put the token in an environment variable and set ${server}.bearer_token_env_var = "VAR_NAME"`,
      );
      valid = false;
      continue;
    }
    if (info.transport !== undefined && info.transport !== transport) {
      const [kind, marker, other] =
        transport === 'stdio'
          ? ['a stdio server (command is set)', 'url', 'streamable HTTP servers']
          : ['a streamable HTTP server (url is set)', 'command', 'stdio servers'];
      out.error([...base, key], `not supported for ${kind}; it applies to ${other} (${marker})`);
      valid = false;
      continue;
    }
    if (key === 'oauth') {
      if (!isTable(value)) {
        out.error([...base, key], `must be a table ([${server}.oauth])`);
        valid = false;
      }
      continue;
    }
    if (!out.check(SERVER_SCHEMAS[key], value, [...base, key])) valid = false;
  }
  return valid;
}

function commonOf(name: string, table: Table): ServerCommon {
  const startupSec = table.startup_timeout_sec as number | undefined;
  const startupMs = table.startup_timeout_ms as number | undefined;
  const toolSec = table.tool_timeout_sec as number | undefined;
  const tools = table.tools as Record<string, { approval_mode?: ToolConfig['approvalMode'] }> | undefined;
  return dropUndefined({
    name,
    enabled: (table.enabled as boolean | undefined) ?? true,
    required: (table.required as boolean | undefined) ?? false,
    // Codex: startup_timeout_sec wins over startup_timeout_ms.
    startupTimeoutMs: startupSec !== undefined ? Math.round(startupSec * 1000) : startupMs,
    toolTimeoutMs: toolSec !== undefined ? Math.round(toolSec * 1000) : undefined,
    enabledTools: table.enabled_tools as string[] | undefined,
    disabledTools: table.disabled_tools as string[] | undefined,
    supportsParallelToolCalls: (table.supports_parallel_tool_calls as boolean | undefined) ?? false,
    defaultToolsApprovalMode: table.default_tools_approval_mode as ServerCommon['defaultToolsApprovalMode'],
    tools:
      tools === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(tools).map(([tool, config]) => [
              tool,
              dropUndefined({ approvalMode: config.approval_mode }),
            ]),
          ),
    experimentalEnvironment: table.experimental_environment as string | undefined,
    auth: table.auth as string | undefined,
    unknownKeys: Object.keys(table).filter((key) => !SERVER_KEYS.has(key) && !OAUTH_KEYS.has(key)),
  });
}

function checkServer(name: string, value: unknown, out: Collector): ServerConfig | undefined {
  const base = ['mcp_servers', name];
  if (!SERVER_NAME.test(name)) {
    out.error(
      base,
      `server names may contain only letters, digits, "_" and "-", got ${JSON.stringify(name)}`,
    );
  }
  if (!isTable(value)) {
    out.error(base, `must be a table ([mcp_servers.${formatKey(name)}])`);
    return undefined;
  }
  const hasCommand = value.command !== undefined;
  const hasUrl = value.url !== undefined;
  if (hasCommand && hasUrl) {
    out.error(base, 'set either url (streamable HTTP server) or command (stdio server), not both');
    return undefined;
  }
  if (!hasCommand && !hasUrl) {
    out.error(base, 'needs url (streamable HTTP server) or command (stdio server)');
    return undefined;
  }
  const transport = hasCommand ? 'stdio' : 'streamable_http';
  const keysValid = checkServerKeys(name, value, transport, out);
  if (transport === 'stdio') {
    if (!keysValid) return undefined;
    const envVars = (
      (value.env_vars as (string | { name: string; source?: 'local' | 'remote' })[] | undefined) ?? []
    ).map((entry): EnvVarRef => (typeof entry === 'string' ? { name: entry } : dropUndefined({ ...entry })));
    const stdio: StdioServerConfig = dropUndefined({
      ...commonOf(name, value),
      transport: 'stdio' as const,
      command: value.command as string,
      args: (value.args as string[] | undefined) ?? [],
      env: value.env === undefined ? undefined : stringRecord(value.env),
      envVars,
      cwd: value.cwd as string | undefined,
    });
    return stdio;
  }
  const oauthResource = typeof value.oauth_resource === 'string' ? value.oauth_resource : undefined;
  const oauth = isTable(value.oauth) ? checkOAuth(name, value.oauth, oauthResource, out) : undefined;
  if (!keysValid) return undefined;
  const http: HttpServerConfig = dropUndefined({
    ...commonOf(name, value),
    transport: 'streamable_http' as const,
    url: value.url as string,
    bearerTokenEnvVar: value.bearer_token_env_var as string | undefined,
    httpHeaders: value.http_headers === undefined ? undefined : stringRecord(value.http_headers),
    envHttpHeaders: value.env_http_headers === undefined ? undefined : stringRecord(value.env_http_headers),
    scopes: value.scopes as string[] | undefined,
    oauth: dropUndefined(
      oauth ??
        (oauthResource !== undefined
          ? { resource: toResourcePolicy(oauthResource), resourceKey: 'oauth_resource' }
          : {}),
    ),
  });
  return http;
}

function checkTop(doc: Table, out: Collector) {
  for (const [key, schema] of Object.entries(TOP_SCHEMAS)) {
    if (doc[key] !== undefined) out.check(schema, doc[key], [key]);
  }
  const store = doc.mcp_oauth_credentials_store;
  if (store === 'keyv' && doc.mcp_oauth_keyv_url === undefined) {
    out.error(
      ['mcp_oauth_keyv_url'],
      'is required when mcp_oauth_credentials_store = "keyv" (e.g. "redis://127.0.0.1:6379")',
    );
  }
  if (store !== 'keyv' && doc.mcp_oauth_keyv_url !== undefined) {
    out.warn(['mcp_oauth_keyv_url'], 'ignored: it is used only when mcp_oauth_credentials_store = "keyv"');
  }
}

/** Options of {@link validateConfig} and {@link parseConfig}. */
export interface ValidateConfigOptions {
  /** The file name used in messages and recorded as `config.path`. */
  readonly path?: string;
  /** Places keys in the source text, for line numbers in messages. */
  readonly locator?: KeyLocator;
}

/**
 * Validates an already-parsed TOML document (a plain object) into a typed, deeply frozen {@link McpOAuthConfig}.
 * Top-level keys other than this schema's (Codex's `model`, `profiles`, …) are ignored silently.
 *
 * @throws {ConfigError} `config_invalid` with every issue of the document.
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md
 */
export function validateConfig(document: unknown, options: ValidateConfigOptions = {}): McpOAuthConfig {
  const out = new Collector();
  const servers: ServerConfig[] = [];
  if (!isTable(document)) {
    out.error([], 'the configuration must be a table');
  } else {
    checkTop(document, out);
    const table = document.mcp_servers;
    if (table !== undefined && !isTable(table))
      out.error(['mcp_servers'], 'must be a table of [mcp_servers.NAME] tables');
    if (isTable(table)) {
      for (const [name, value] of Object.entries(table)) {
        const server = checkServer(name, value, out);
        if (server !== undefined) servers.push(server);
      }
    }
  }
  const place = (issue: RawIssue): ConfigIssue => ({
    path: formatKeyPath(issue.path),
    message: issue.message,
    ...options.locator?.locate(issue.path),
  });
  const byPlace = (a: ConfigIssue, b: ConfigIssue) =>
    (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
    (a.column ?? 0) - (b.column ?? 0);
  if (out.errors.length > 0) {
    throw new ConfigError('config_invalid', out.errors.map(place).sort(byPlace), { file: options.path });
  }
  const doc = document as Table;
  return deepFreeze(
    dropUndefined({
      path: options.path,
      credentialsStore: doc.mcp_oauth_credentials_store as CredentialsStoreMode | undefined,
      keyvUrl: doc.mcp_oauth_keyv_url as string | undefined,
      callbackPort: doc.mcp_oauth_callback_port as number | undefined,
      callbackUrl: doc.mcp_oauth_callback_url as string | undefined,
      maxResponseBytes: doc.mcp_oauth_max_response_bytes as number | undefined,
      servers,
      warnings: out.warnings.map(place).sort(byPlace),
    }),
  );
}
